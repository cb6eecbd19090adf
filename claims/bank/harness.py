"""The bank simulator in its own process, for the payout tests and benchmarks."""

import requests

from jmo_portal.simulator import SimulatorProcess


class BankSimulator(SimulatorProcess):
    """`manage.py run_bank_simulator` in its own process, with its own SQLite store."""

    name = "bank"
    api_key_setting = "BANK_API_KEY"

    def stats(self) -> dict:
        return requests.get(
            f"{self.url}/admin/stats", headers=self._headers(), timeout=5
        ).json()

    def transfers(self) -> list[dict]:
        """Read the simulator's own store: the truth about money moved."""
        return self._rows("disbursements")
