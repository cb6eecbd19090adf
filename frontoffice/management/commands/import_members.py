"""manage.py import_members FILE.csv [--photos DIR]: load registry membership records."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from frontoffice.registry import registry_member_import
from participants.management.csv_import import csv_import
from participants.services.registry import Outcome
from participants.services.registry_csv import MEMBER_COLUMNS


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
        csv_import(
            self,
            path=Path(options["file"]),
            columns=MEMBER_COLUMNS,
            import_row=lambda values: registry_member_import(
                values=values, photos_dir=photos
            ),
            outcomes=list(Outcome),
        )
