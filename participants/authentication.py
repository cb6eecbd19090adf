"""API tokens expire after API_TOKEN_TTL_SECONDS (a new login issues a new one).

Token, user and the user's participant row come back in one query (every API
request of a participant needs all three), compiled once per process
(jmo_portal.compiled): the same rows as
`Token.objects.select_related("user", "user__participant").get(key=key)`.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token

from jmo_portal.compiled import CompiledQuery, row_instances
from jmo_portal.errors import csrf_message
from participants.models import Participant
from participants.services.sessions import token_expired

_TOKEN_QUERY = CompiledQuery(
    lambda key: Token.objects.select_related("user", "user__participant").filter(
        key=key
    )[:1],
    key="\x00token-key",
)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        rows = _TOKEN_QUERY.rows(key=key)
        # The messages of DRF's own TokenAuthentication (its catalogue translates).
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user_model = get_user_model()
        token, user, participant = row_instances(
            _TOKEN_QUERY, rows[0], [Token, user_model, Participant]
        )
        # As select_related would: token.user and user.participant (or None).
        Token.user.field.set_cached_value(token, user)
        user_model.participant.related.set_cached_value(user, participant)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token_expired(token=token):
            raise exceptions.AuthenticationFailed(
                _("Your session has expired. Log in again."), code="token_expired"
            )
        return user, token


class CsrfSessionAuthentication(SessionAuthentication):
    """DRF's session authentication, with the portal's CSRF message: DRF's own is
    "CSRF Failed: <Django's reason>", in English whatever the request's language."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise exceptions.PermissionDenied(
                csrf_message(), code="csrf_failed"
            ) from None


class CsrfSessionScheme(SessionScheme):
    """The OpenAPI schema describes it as DRF's session login (cookieAuth)."""

    target_class = "participants.authentication.CsrfSessionAuthentication"
