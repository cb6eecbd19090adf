"""Free text from a page's query string (search boxes, filters)."""

from django.http import HttpRequest


def query_text(request: HttpRequest, name: str, *, max_length: int = 100) -> str:
    """The value as a search box sends it: at most `max_length` characters and
    without NUL characters, which PostgreSQL cannot hold (a 500 otherwise)."""
    return request.GET.get(name, "").replace("\x00", "")[:max_length]
