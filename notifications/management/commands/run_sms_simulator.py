from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from notifications.sms_simulator import serve


class Command(BaseCommand):
    help = "Run the SMS gateway simulator (its own process and SQLite store)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8766, help="0 = any free port")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--store", required=True, help="SQLite file of the gateway")
        parser.add_argument(
            "--echo", action="store_true",
            help="print each message (phone masked), as a phone would show it",
        )  # fmt: skip
        parser.add_argument(
            "--flag", action="append", default=[],
            help="key=value switch, e.g. deliver_delay_ms=0 or drop_reports=1",
        )  # fmt: skip

    def handle(self, *args, **options):
        flags = {}
        for item in options["flag"]:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--flag needs key=value, got {item!r}")
            flags[key] = value

        def ready(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        serve(
            host=options["host"], port=options["port"], store_path=options["store"],
            api_key=settings.SMS_API_KEY, callback_token=settings.SMS_CALLBACK_TOKEN,
            flags=flags, ready=ready, echo=ready if options["echo"] else None,
        )  # fmt: skip
