"""manage.py import_members FILE.csv [--photos DIR]: load registry membership records."""

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from jmo_portal.exceptions import ApplicationError
from participants.services.registry import (
    MEMBER_COLUMNS,
    Outcome,
    csv_rows,
    member_import_row,
)


class Command(BaseCommand):
    help = (
        "Load membership records (columns: " + ",".join(MEMBER_COLUMNS) + "). "
        "A bad row is reported with its line number and saves nothing; "
        "re-running the same file changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--photos", help="folder holding the files named in the photo column"
        )

    @no_translations
    def handle(self, *args, **options) -> None:
        photos = Path(options["photos"]) if options["photos"] else None
        if photos is not None and not photos.is_dir():
            raise CommandError(f"{photos} is not a folder")
        counts: Counter = Counter()
        try:
            for line, values in csv_rows(Path(options["file"]), MEMBER_COLUMNS):
                try:
                    outcome = member_import_row(values=values, photos_dir=photos)
                except ApplicationError as exc:
                    counts["failed"] += 1
                    self.stderr.write(f"line {line}: {exc.message}")
                else:
                    counts[outcome.value] += 1
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            ", ".join(
                f"{counts[name]} {name}"
                for name in [*(o.value for o in Outcome), "failed"]
            )
        )
