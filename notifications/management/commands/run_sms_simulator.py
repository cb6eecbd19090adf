from django.conf import settings

from jmo_portal.simulator import SimulatorCommand
from notifications.sms_simulator import serve


class Command(SimulatorCommand):
    help = "Run the SMS gateway simulator (its own process and SQLite store)."
    default_port = 8766
    store_help = "SQLite file of the gateway"
    flag_example = "deliver_delay_ms=0 or drop_reports=1"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--echo", action="store_true",
            help="print each message (phone masked), as a phone would show it",
        )  # fmt: skip

    def handle(self, *args, **options):
        serve(
            **self.serve_options(options),
            api_key=settings.SMS_API_KEY,
            callback_token=settings.SMS_CALLBACK_TOKEN,
            echo=self.ready if options["echo"] else None,
        )
