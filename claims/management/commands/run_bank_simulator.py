from django.conf import settings

from claims.bank.simulator import serve
from jmo_portal.simulator import SimulatorCommand


class Command(SimulatorCommand):
    help = "Run the bank disbursement simulator (its own process and SQLite store)."
    default_port = 8765
    store_help = "SQLite file of the bank"
    flag_example = "settle_delay_ms=0 or drop_callback_rate=0.5"

    def handle(self, *args, **options):
        serve(
            **self.serve_options(options),
            api_key=settings.BANK_API_KEY,
            callback_token=settings.BANK_CALLBACK_TOKEN,
        )
