"""manage.py post_yield --year YYYY: credit the year's development yield once."""

from django.core.management.base import BaseCommand, CommandError

from jmo_portal.exceptions import ApplicationError
from participants.services.registry import yield_post_year


class Command(BaseCommand):
    help = (
        "Credit the development yield of a finished year (YieldRate for the year, "
        "else the account policy default) to every member, once per member."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, **options) -> None:
        try:
            run = yield_post_year(year=options["year"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{run.year} at {run.rate_bp / 100:.2f}%: credited {run.credited} "
            f"participants ({run.already} already credited)"
        )
