"""API tokens that expire, and "log out everywhere" (API tokens and page sessions)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from participants.models import LoginSession

from .audit import audit_record


def token_expired(*, token: Token) -> bool:
    ttl = dt.timedelta(seconds=settings.API_TOKEN_TTL_SECONDS)
    return token.created + ttl <= timezone.now()


@transaction.atomic
def token_issue(*, user: AbstractBaseUser) -> Token:
    """The user's API token; an expired one is replaced by a new key."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and token_expired(token=token):
        token.delete()
        token = None
    return token or Token.objects.create(user=user)


def login_session_record(*, user: AbstractBaseUser, session_key: str) -> None:
    LoginSession.objects.get_or_create(session_key=session_key, defaults={"user": user})


@transaction.atomic
def sessions_revoke_all(*, user: AbstractBaseUser) -> int:
    """End every page session and API token of the user; returns how many."""
    keys = list(
        LoginSession.objects.filter(user=user).values_list("session_key", flat=True)
    )
    ended, _ = Session.objects.filter(session_key__in=keys).delete()
    LoginSession.objects.filter(user=user).delete()
    tokens, _ = Token.objects.filter(user=user).delete()
    audit_record(
        actor=user,
        action="logout_everywhere",
        new_value={"sessions": ended, "tokens": tokens},
    )
    return ended + tokens
