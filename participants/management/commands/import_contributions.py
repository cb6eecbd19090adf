"""manage.py import_contributions FILE.csv: monthly rows (kpj,period,employer,wage)."""

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from jmo_portal.exceptions import ApplicationError
from participants.services.registry import (
    CONTRIBUTION_COLUMNS,
    Outcome,
    contribution_import_row,
    csv_rows,
)


class Command(BaseCommand):
    help = (
        "Load monthly contributions (columns: kpj,period,employer,wage; period is "
        "YYYY-MM). Idempotent per KPJ and period; bad rows are reported by line."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")

    @no_translations
    def handle(self, *args, **options) -> None:
        counts: Counter = Counter()
        try:
            for line, values in csv_rows(Path(options["file"]), CONTRIBUTION_COLUMNS):
                try:
                    outcome = contribution_import_row(values=values)
                except ApplicationError as exc:
                    counts["failed"] += 1
                    self.stderr.write(f"line {line}: {exc.message}")
                else:
                    counts[outcome.value] += 1
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        names = [Outcome.CREATED.value, Outcome.UNCHANGED.value, "failed"]
        self.stdout.write(", ".join(f"{counts[name]} {name}" for name in names))
