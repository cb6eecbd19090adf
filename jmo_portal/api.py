"""Shared DRF pieces: the error handler, pagination and the schema's error answers."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from jmo_portal.errors import UNREADABLE
from jmo_portal.exceptions import ApplicationError


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


def page_schema(name: str, item: serializers.Serializer):
    """The OpenAPI shape of one page of `item`s as `Pagination` answers it."""
    from drf_spectacular.utils import inline_serializer

    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item,
        },
    )


class TextField(serializers.CharField):
    """A JSON string, nothing else: DRF's CharField turns a number into its digits
    (`81234567890` would pass as a phone number); a list or an object is "not a
    valid string" either way. NUL characters are refused as by CharField."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# What a participant's request never sets: whose data it is (the login says)
# and what the portal decides (amounts, status). DRF drops unknown fields without
# a word; these are refused, so a forged one cannot look accepted. (A claim's
# `reference` is the URL's; a client that repeats it in the body is not refused.)
FORGED_FIELDS = frozenset(
    {"participant", "participant_id", "user", "user_id", "owner",
     "status", "amount", "gross", "tax", "net"}
)  # fmt: skip


def refuse_forged_fields(data) -> None:
    """400 `read_only` (naming the fields) when a request body sets one of
    `FORGED_FIELDS`; a body that is no JSON object is left to the serializer."""
    forged = FORGED_FIELDS & set(data) if isinstance(data, Mapping) else set()
    if forged:
        raise ApplicationError(
            _("Who a request is for, amounts and status are set by the portal, "
              "not by the request."),
            code="read_only",
            extra={"fields": sorted(forged)},
        )  # fmt: skip


class ErrorSerializer(serializers.Serializer):
    """Every API error: a message in the request's language and a code."""

    detail = serializers.CharField()
    code = serializers.CharField()
    retry_after = serializers.IntegerField(
        required=False, help_text="seconds to wait (429 only)"
    )


# What each error status means when an operation says no more (schema only).
ERROR_MEANINGS = {
    400: "invalid input",
    401: "not logged in, or the token is wrong or expired",
    403: "not allowed for this login (role, second factor or CSRF)",
    404: "no such object for this login",
    409: "not possible in the current state",
    415: "a body in a media type this operation does not take",
    423: "locked after too many tries",
    429: "too many requests or tries: wait `retry_after` seconds",
    503: "a service the portal relies on does not answer; try again",
}


def errors(*statuses: int | dict[int, str]) -> dict:
    """The error answers of an operation for `extend_schema(responses=...)`,
    each an `ErrorSerializer`: `errors(400, 404, {409: "already submitted"})`
    (a dict gives those statuses their own description)."""
    from drf_spectacular.utils import OpenApiResponse

    meanings: dict[int, str] = {}
    for status in statuses:
        meanings.update(status if isinstance(status, dict) else {status: ""})
    return {
        status: OpenApiResponse(
            ErrorSerializer, description=meanings[status] or ERROR_MEANINGS[status]
        )
        for status in sorted(meanings)
    }


def schema_error_statuses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the error answers every operation of
    a kind can give, so no operation forgets them (API.md: a client generated from
    the schema must handle every response it gets). An operation's own
    descriptions stay; this only adds what is missing:

    - 401 where a login may be sent (a wrong or expired token is refused even
      where logging in is optional), 403 where one is required (role, staff
      second factor, CSRF of a page session);
    - 400 and 415 where there is a request body (unreadable or of another
      media type);
    - 404 where the path has a parameter, or a `page` (past the last page);
    - 429 on every POST (jmo_portal.middleware.AnonymousPostLimitMiddleware
      counts those sent without a login).
    """
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            security = operation.get("security") or []
            statuses = set()
            if any(security):
                statuses.add(401)
                if {} not in security:
                    statuses.add(403)
            if "requestBody" in operation:
                statuses |= {400, 415}
            query = {
                p["name"] for p in operation.get("parameters", []) if p["in"] == "query"
            }
            if "{" in path or "page" in query:
                statuses.add(404)
            if method == "post":
                statuses.add(429)
            for status in sorted(statuses):
                operation["responses"].setdefault(
                    str(status),
                    {"description": ERROR_MEANINGS[status], "content": error},
                )
            operation["responses"] = dict(sorted(operation["responses"].items()))
    return result


def _throttled(wait: float | None) -> Response:
    retry_after = max(1, int(wait or 1))
    return Response(
        {
            "detail": _("Too many requests. Wait %(seconds)s seconds and try again.")
            % {"seconds": retry_after},
            "code": "throttled",
            "retry_after": retry_after,
        },
        status=429,
        headers={"Retry-After": str(retry_after)},
    )


def exception_handler(exc, context):
    """Every API error is JSON {"detail", "code", ...} in the request's language."""
    if isinstance(exc, ApplicationError):
        headers = {}
        if "retry_after" in exc.extra:
            headers["Retry-After"] = str(exc.extra["retry_after"])
        return Response(
            {"detail": exc.message, "code": exc.code, **exc.extra},
            status=exc.status,
            headers=headers,
        )
    if isinstance(exc, exceptions.Throttled):
        return _throttled(exc.wait)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": _("Some fields are not valid."),
            "code": "invalid",
            "errors": exc.detail,
        }
    elif isinstance(exc, exceptions.ParseError):
        # DRF's says "JSON parse error - <Python's parser message>", in English.
        response.data = {"detail": str(UNREADABLE), "code": "parse_error"}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "detail": str(exc.detail),
            "code": codes if isinstance(codes, str) else "error",
        }
    return response
