"""Shared DRF pieces: the error handler and pagination."""

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


class ErrorSerializer(serializers.Serializer):
    """Every API error: a message in the request's language and a code."""

    detail = serializers.CharField()
    code = serializers.CharField()
    retry_after = serializers.IntegerField(
        required=False, help_text="seconds to wait (429 only)"
    )


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
