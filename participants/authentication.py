"""API tokens expire after API_TOKEN_TTL_SECONDS (a new login issues a new one)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from participants.services.sessions import token_expired


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token=token):
            raise exceptions.AuthenticationFailed(
                _("Your session has expired. Log in again."), code="token_expired"
            )
        return user, token
