import pytest

from claims.bank.harness import BankSimulator
from tests.claims.helpers import DEFAULT_FLAGS


@pytest.fixture(scope="session")
def bank_simulator(tmp_path_factory):
    sim = BankSimulator(tmp_path_factory.mktemp("bank") / "bank.sqlite3")
    yield sim
    sim.stop()


@pytest.fixture
def bank(bank_simulator, settings):
    """The shared simulator with default switches; transfers settle at once."""
    settings.BANK_API_URL = bank_simulator.url
    bank_simulator.flags(**DEFAULT_FLAGS)
    return bank_simulator
