"""The answer to an unhandled error: JSON under /api/ (API.md: every error is
`{"detail", "code"}` in the request's language), the 500 page elsewhere.

When the database does not answer (PostgreSQL restarting or down, a dropped
connection, a deadlock) the error is temporary: 503 with Retry-After, so that
clients and proxies try again instead of treating it as a bug. The page renders
without a request context: context processors may need the database.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 60


def server_error(request) -> HttpResponse:
    unavailable = isinstance(sys.exc_info()[1], OperationalError | InterfaceError)
    status = 503 if unavailable else 500
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if unavailable else {}
    if request.path.startswith("/api/"):
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
        return JsonResponse(
            {"detail": detail, "code": code}, status=status, headers=headers
        )
    return HttpResponse(render_to_string("500.html"), status=status, headers=headers)
