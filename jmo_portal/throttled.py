"""The page answer for too many tries: 429 with the wait in the user's language."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def throttled_page(
    request: HttpRequest, *, message: str, retry_after: int
) -> HttpResponse:
    response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
