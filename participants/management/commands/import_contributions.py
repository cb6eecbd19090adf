"""manage.py import_contributions FILE.csv: monthly rows (kpj,period,employer,wage)."""

from pathlib import Path

from django.core.management.base import BaseCommand, no_translations

from participants.management.csv_import import csv_import
from participants.services.registry import Outcome, contribution_import_row
from participants.services.registry_csv import CONTRIBUTION_COLUMNS


class Command(BaseCommand):
    help = (
        "Load monthly contributions (columns: kpj,period,employer,wage; period is "
        "YYYY-MM). Idempotent per KPJ and period; bad rows are reported by line."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")

    @no_translations
    def handle(self, *args, **options) -> None:
        csv_import(
            self,
            path=Path(options["file"]),
            columns=CONTRIBUTION_COLUMNS,
            import_row=lambda values: contribution_import_row(values=values),
            outcomes=[Outcome.CREATED, Outcome.UNCHANGED],
        )
