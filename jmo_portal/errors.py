"""Django's own error answers (handler400/404/500, the CSRF failure view):
JSON under /api/ (API.md: every error is `{"detail", "code"}` in the request's
language), the portal's pages elsewhere. DRF answers the errors raised inside an
API view (jmo_portal.api.exception_handler); these are the ones raised before or
outside one: an unknown /api/ address, a request Django refuses as suspicious.

When the database does not answer (PostgreSQL restarting or down, a dropped
connection, a deadlock) or the disk refuses to store a file (full, over quota,
read-only, not writable) the error is temporary: 503 with Retry-After, so that
clients and proxies try again instead of treating it as a bug. The page renders
without a request context: context processors may need the database.
"""

import errno
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults

RETRY_AFTER_SECONDS = 60
# A storage write refused by the system, not by a bug of ours.
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES,
                  errno.EPERM, errno.EIO}  # fmt: skip
# A body that cannot be parsed (malformed JSON or multipart), here and in DRF.
UNREADABLE = gettext_lazy("The request could not be read. Check it and send it again.")


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _json(detail: str, code: str, status: int, **headers) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "code": code}, status=status, headers=headers
    )


def bad_request(request, exception) -> HttpResponse:
    if _is_api(request):
        return _json(str(UNREADABLE), "bad_request", 400)
    return defaults.bad_request(request, exception)


def page_not_found(request, exception) -> HttpResponse:
    if _is_api(request):
        return _json(_("There is nothing at this address."), "not_found", 404)
    return defaults.page_not_found(request, exception)


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token: most often a page left open across
    a log-in or log-out in another tab. Nothing was saved; the member is told how
    to go on instead of meeting a bare "Forbidden". (API views: DRF's session
    authentication checks the token; participants.authentication.)"""
    return render(request, "403_csrf.html", {"message": csrf_message()}, status=403)


def csrf_message() -> str:
    return _(
        "This page was open too long, or you logged in or out in another tab. "
        "Nothing was saved: open the page again and repeat the last step."
    )


def _temporary(exc: BaseException | None) -> bool:
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS


def server_error(request) -> HttpResponse:
    unavailable = _temporary(sys.exc_info()[1])
    status = 503 if unavailable else 500
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if unavailable else {}
    if _is_api(request):
        if unavailable:
            detail = _(
                "The service is briefly unavailable. Nothing was lost: please try "
                "again in a minute."
            )
        else:
            detail = _(
                "Something went wrong on our side. Nothing was lost: please try "
                "again in a few minutes."
            )
        code = "unavailable" if unavailable else "server_error"
        return _json(detail, code, status, **headers)
    return HttpResponse(render_to_string("500.html"), status=status, headers=headers)
