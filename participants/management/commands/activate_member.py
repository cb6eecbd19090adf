"""manage.py activate_member KPJ --email EMAIL --password PASSWORD (desk-assisted)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, no_translations

from jmo_portal.exceptions import ApplicationError
from participants.models import Participant
from participants.services.accounts import account_create


class Command(BaseCommand):
    help = (
        "Create the login of a registry member who activates at the branch, "
        "without the email code; recorded in the audit log."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kpj")
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--phone", default="")
        parser.add_argument(
            "--actor", help="username of the staff member doing the activation"
        )

    @no_translations
    def handle(self, *args, **options) -> None:
        participant = Participant.objects.filter(kpj=options["kpj"].strip()).first()
        if participant is None:
            raise CommandError(f"no registry member has KPJ {options['kpj']}")
        actor = None
        if options["actor"]:
            actor = get_user_model().objects.filter(username=options["actor"]).first()
            if actor is None or not actor.is_staff:
                raise CommandError(f"{options['actor']} is not a staff login")
        try:
            user = account_create(
                participant=participant,
                email=options["email"],
                password=options["password"],
                phone=options["phone"],
                actor=actor,
                assisted=True,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"activated KPJ {participant.kpj_masked} ({participant.full_name}): "
            f"log in as {user.username}"
        )
