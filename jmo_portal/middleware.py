"""Project-wide request rules."""

from django.conf import settings


class StaffIdleTimeoutMiddleware:
    """Staff page sessions end after STAFF_IDLE_SECONDS without a request.

    The expiry slides with every request; a participant's session is untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            request.session.set_expiry(settings.STAFF_IDLE_SECONDS)
        return self.get_response(request)
