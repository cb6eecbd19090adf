"""The API's request parsers (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]).

A module of its own: DRF reads its settings while `rest_framework.views` is being
imported, so the class cannot live next to the exception handler (jmo_portal.api),
which imports that module.
"""

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body nested deeper than Python's recursion limit
    ("[[[[…") is unreadable like any malformed body. DRF turns only ValueError into
    a ParseError, and RecursionError is none: a server error, for anyone."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError() from None
