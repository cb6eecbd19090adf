"""The password door of every login: counted by the one credential guard."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from participants.services.credentials import client_address, credential_check


def normal_username(username: str) -> str:
    """Participants' usernames are emails stored lowercased; staff keep their case."""
    username = (username or "").strip()
    return username.lower() if "@" in username else username


class GuardedModelBackend(ModelBackend):
    """ModelBackend whose password checks go through `credential_check`.

    Used by the participant login, `POST /api/v1/auth/token/`, `/desk/login/` and
    `/admin/login/` alike (all call `django.contrib.auth.authenticate`). Too many
    tries raise CredentialThrottled (an ApplicationError with status 429) before
    the password is even compared.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        # Every door alike: the API's token login passed the email as typed, so
        # "Budi@…" logged in on the page and not in the app.
        username = normal_username(username)
        return credential_check(
            kind="password",
            account=username,
            address=client_address(request),
            verify=lambda: super(GuardedModelBackend, self).authenticate(
                request, username=username, password=password, **kwargs
            ),
        )

    def get_user(self, user_id):
        """The session's user with their participant row, in one query."""
        user = (
            get_user_model()
            ._default_manager.select_related("participant")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
