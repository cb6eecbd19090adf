"""manage.py create_staff USERNAME --role ROLE [--password PASSWORD] [--nik NIK]
[--branch CODE]."""

from django.core.management.base import BaseCommand, CommandError, no_translations

from frontoffice.staff import STAFF_ROLES, staff_create
from jmo_portal.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Create a staff login in a role group (admin is also a superuser); "
        "re-running moves the user to the given role. Without --password a "
        "password is generated and printed once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=STAFF_ROLES)
        parser.add_argument("--password")
        parser.add_argument(
            "--nik", default="", help="the staff member's own NIK (never acts on it)"
        )
        parser.add_argument(
            "--branch",
            default="",
            help="the code of the branch where they work (the menu's walk-in queue)",
        )

    @no_translations
    def handle(self, *args, **options) -> None:
        try:
            result = staff_create(
                username=options["username"],
                role=options["role"],
                password=options["password"],
                nik=options["nik"],
                branch=options["branch"],
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        verb = "created" if result.created else "updated"
        self.stdout.write(
            f"{verb} staff user {result.user.username} ({options['role']})"
        )
        if result.generated_password:
            self.stdout.write(f"password (shown once): {result.generated_password}")
        if result.two_factor:
            setup = result.two_factor
            self.stdout.write(f"authenticator secret (shown once): {setup.secret}")
            self.stdout.write(f"authenticator URL: {setup.config_url}")
            self.stdout.write(
                "recovery codes (single use, shown once): "
                + " ".join(setup.recovery_codes)
            )
