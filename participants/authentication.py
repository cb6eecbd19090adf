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

from jmo_portal.compiled import CompiledQuery, row_instances
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
