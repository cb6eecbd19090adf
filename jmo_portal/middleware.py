"""Project-wide request rules."""

from django.conf import settings
from django.http import Http404


class NulPathMiddleware:
    """An address with a NUL character (%00) names nothing: 404 (JSON under /api/,
    jmo_portal.errors). Without it a claim reference or paper code with a NUL
    reached a database lookup, which PostgreSQL refuses: a server error on every
    claim, desk and document address. (Query strings: each search field refuses it
    in its own words, tests/test_nul_input.py.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    """A staff session without a verified second factor is no login at all.

    After django-otp's OTPMiddleware: every staff page, the admin and the API's
    session authentication see an anonymous visitor until the staff member logs
    in with password and code (participants.forms). Staff API tokens are issued
    only after the code (participants.auth_api).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib.auth.models import AnonymousUser

        from participants.services.two_factor import needs_second_factor

        user = request.user
        if needs_second_factor(user) and not user.is_verified():
            request.user = AnonymousUser()
        return self.get_response(request)


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


class AnonymousPostLimitMiddleware:
    """Every anonymous POST counts per client address (settings.RATE_LIMITS
    "anonymous_post"); the public kiosk has its own, tighter "kiosk" limit.

    Past the limit the answer is 429: JSON `{detail, code: "throttled",
    retry_after}` on the API, the 429 page elsewhere.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and not _authenticated(request):
            from participants.services.credentials import client_address
            from participants.services.ratelimits import RateLimited, rate_hit

            address = client_address(request) or "unknown"
            name = (
                "kiosk" if request.path.startswith("/desk/kiosk/") else "anonymous_post"
            )
            try:
                rate_hit(name=name, key=address)
            except RateLimited as exc:
                return _too_many(request, exc)
        return self.get_response(request)


def _authenticated(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    # API calls with a token are authenticated (or refused) by DRF itself.
    return request.path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META


def _too_many(request, exc):
    from django.http import JsonResponse

    from jmo_portal.throttled import throttled_page

    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": exc.message, "code": exc.code, **exc.extra}, status=429
        )
        response["Retry-After"] = str(exc.retry_after)
        return response
    return throttled_page(request, message=exc.message, retry_after=exc.retry_after)
