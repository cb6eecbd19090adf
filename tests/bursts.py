"""Parallel bursts of real API requests: each thread its own client and connection.

Half the requests ask for Indonesian and half for English, so a refusal's message
can be checked to come in the language asked for.
"""

import threading
from collections import Counter
from collections.abc import Callable

from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

LANGUAGES = ("id", "en")


def api_clients(user, n: int) -> list[APIClient]:
    """`n` clients logged in with the user's API token, alternating languages."""
    token, _created = Token.objects.get_or_create(user=user)
    clients = []
    for i in range(n):
        client = APIClient(HTTP_ACCEPT_LANGUAGE=LANGUAGES[i % 2])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        # A 500 comes back as a response to count, not as an exception.
        client.raise_request_exception = False
        clients.append(client)
    return clients


def burst(calls: list[Callable[[], object]]) -> list:
    """Run every call from its own thread at the same instant; the responses in order."""
    barrier = threading.Barrier(len(calls))
    responses: list = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            responses[i] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=c) for c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def outcomes(responses: list) -> Counter:
    """(status, code) of each answer: code None for a success."""
    counted = Counter()
    for response in responses:
        body = _json(response)
        code = body.get("code") if response.status_code >= 400 else None
        counted[(response.status_code, code)] += 1
    return counted


def refusals_are_clear(responses: list) -> None:
    """Every refusal is JSON {detail, code}, its message in the language asked for."""
    by_code: dict[str, dict[str, set]] = {}
    for response in responses:
        if response.status_code < 400:
            continue
        assert response.status_code < 500, response.content[:500]
        body = _json(response)
        assert body.get("code") and body.get("detail"), body
        language = response.wsgi_request.META["HTTP_ACCEPT_LANGUAGE"]
        by_code.setdefault(body["code"], {}).setdefault(language, set()).add(
            body["detail"]
        )
    for code, details in by_code.items():
        if len(details) == 2:  # asked in both languages: two different messages
            assert details["id"].isdisjoint(details["en"]), (code, details)


def _json(response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
