from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Peserta"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_record_login_session, dispatch_uid="login_session")

        from django.core import checks

        from jmo_portal.policy_cache import check_shared_cache

        checks.register(check_shared_cache, checks.Tags.caches)


def _record_login_session(sender, request, user, **kwargs) -> None:
    """Remember the page session a login opened ("log out everywhere" ends it)."""
    from participants.services.sessions import login_session_record

    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        login_session_record(user=user, session_key=session.session_key)
