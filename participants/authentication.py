"""API tokens expire after API_TOKEN_TTL_SECONDS (a new login issues a new one).

Token, user and the user's participant row come back in one query (every API
request of a participant needs all three), compiled once per process
(jmo_portal.compiled): the same rows as
`Token.objects.select_related("user", "user__participant").get(key=key)`.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from jmo_portal.compiled import CompiledQuery
from participants.models import Participant
from participants.services.sessions import token_expired

_TOKEN_QUERY = CompiledQuery(
    lambda key: Token.objects.select_related("user", "user__participant").filter(
        key=key
    )[:1],
    key="\x00token-key",
)


def _split(row: list) -> tuple[Token, object]:
    """The row's token, user (and participant, or None, cached on the user)."""
    models = (Token, get_user_model(), Participant)
    instances, start = [], 0
    for model in models:
        names = [f.attname for f in model._meta.concrete_fields]
        values = row[start : start + len(names)]
        start += len(names)
        if model is Participant and values[0] is None:  # no membership (staff)
            instances.append(None)
        else:
            instances.append(model.from_db("default", names, values))
    token, user, participant = instances
    Token.user.field.set_cached_value(token, user)
    type(user).participant.related.set_cached_value(user, participant)
    return token, user


def _check_columns() -> None:
    """The compiled row holds token, user, participant columns in this order."""
    expected = [
        f
        for model in (Token, get_user_model(), Participant)
        for f in model._meta.concrete_fields
    ]
    if [c.target for c in _TOKEN_QUERY.columns()] != expected:
        raise RuntimeError("the token query's columns are not in the expected order")


class ExpiringTokenAuthentication(TokenAuthentication):
    _checked = False

    def authenticate_credentials(self, key):
        if not ExpiringTokenAuthentication._checked:
            _check_columns()
            ExpiringTokenAuthentication._checked = True
        rows = _TOKEN_QUERY.rows(key=key)
        # The messages of DRF's own TokenAuthentication (its catalogue translates).
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token, user = _split(rows[0])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token_expired(token=token):
            raise exceptions.AuthenticationFailed(
                _("Your session has expired. Log in again."), code="token_expired"
            )
        return user, token
