"""The SMS simulator in its own process, for the tests (like claims/bank/harness.py)."""

from jmo_portal.simulator import SimulatorProcess


class SmsSimulator(SimulatorProcess):
    """`manage.py run_sms_simulator` in its own process, with its own SQLite store."""

    name = "sms"
    api_key_setting = "SMS_API_KEY"

    def messages(self) -> list[dict]:
        """Read the simulator's own store: the truth about SMS sent."""
        return self._rows("messages")
