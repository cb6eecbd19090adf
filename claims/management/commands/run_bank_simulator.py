from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.bank.simulator import serve


class Command(BaseCommand):
    help = "Run the bank disbursement simulator (its own process and SQLite store)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8765, help="0 = any free port")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--store", required=True, help="SQLite file of the bank")
        parser.add_argument(
            "--flag",
            action="append",
            default=[],
            help="key=value switch, e.g. settle_delay_ms=0 or drop_callback_rate=0.5",
        )

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
            host=options["host"],
            port=options["port"],
            store_path=options["store"],
            api_key=settings.BANK_API_KEY,
            callback_token=settings.BANK_CALLBACK_TOKEN,
            flags=flags,
            ready=ready,
        )
