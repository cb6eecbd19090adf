"""manage.py demo_logins --url URL: where the demo portal is and who can log in."""

from urllib.parse import urljoin

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, no_translations
from django.urls import reverse

from demo.world import (
    ACTIVATION_DEMO,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRETS,
    demo_logins,
)


class Command(BaseCommand):
    help = "Print the portal and staff URLs and every demo login (after seed_demo)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    @no_translations
    def handle(self, *args, **options) -> None:
        base = options["url"]
        out = self.stdout.write
        existing = set(get_user_model().objects.values_list("username", flat=True))
        out(f"JMO Portal:  {base}")
        out(f"Staff desk:  {urljoin(base, reverse('frontoffice:login'))}")
        out(f"Django admin: {urljoin(base, reverse('admin:index'))}")
        out(f"Password of every demo login: {DEMO_PASSWORD}")
        out("")
        logins = demo_logins()
        width = max(len(login.login) for login in logins)
        for login in logins:
            missing = "" if login.login in existing else "  (missing: run seed_demo)"
            out(
                f"  {login.login:<{width}}  {login.role:<14}  "
                f"{login.description}{missing}"
            )
        out("")
        out("Staff second factor (any TOTP app, e.g. `oathtool --totp -b SECRET`):")
        for username, secret in DEMO_TOTP_SECRETS.items():
            out(f"  {username:<{width}}  secret {secret}  code now {_code(secret)}")
        out("")
        out(
            f"Activation demo (no login yet): {ACTIVATION_DEMO.full_name}, KPJ "
            f"{ACTIVATION_DEMO.kpj}, born {ACTIVATION_DEMO.birth_date:%d %b %Y}, "
            "NIK as in the activation tutorial"
        )


def _code(secret: str) -> str:
    from base64 import b32decode

    from django_otp.oath import totp

    return f"{totp(b32decode(secret)):06d}"
