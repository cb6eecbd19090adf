"""API tokens expire after API_TOKEN_TTL_SECONDS (a new login issues a new one).

Token, user and the user's participant row come back in one query: every API
request of a participant needs all three.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from participants.services.sessions import token_expired


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        token = (
            self.get_model()
            .objects.select_related("user", "user__participant")
            .filter(key=key)
            .first()
        )
        # The messages of DRF's own TokenAuthentication (its catalogue translates).
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token_expired(token=token):
            raise exceptions.AuthenticationFailed(
                _("Your session has expired. Log in again."), code="token_expired"
            )
        return token.user, token
