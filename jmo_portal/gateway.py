"""What the bank and SMS clients share: which of a gateway's answers count.

Only a gateway's own JSON error (`error_code`) with one of the statuses its
contract uses for a refusal is a refusal. Any other 4xx says nothing about the
message or the transfer (our credentials, a wrong address, a proxy's page, a rate
limit), and a body that is not the expected JSON (an HTML page, a cut answer) is
no answer: the caller sends the same request again with the same key. The
gateways' callbacks prove themselves with a shared token (`token_matches`).

`timeout` in requests bounds each wait for the next bytes, not the whole answer: a
gateway (or a proxy) that drips its body a byte at a time held a worker until
Celery's time limit and a page until gunicorn's. `request_within` also bounds the
body by a deadline (the headers stay bounded per read only).
"""

import secrets
import time

import requests
import urllib3

# An answer is a small JSON document; anything bigger is not one of them.
MAX_BODY = 1_000_000


def request_within(
    method: str, url: str, *, timeout: tuple[float, float], **kwargs
) -> requests.Response:
    """requests.request whose whole answer must arrive within the sum of `timeout`
    (connect + read); raises a requests exception (Timeout, ConnectionError)."""
    deadline = time.monotonic() + sum(timeout)
    response = requests.request(method, url, timeout=timeout, stream=True, **kwargs)
    body = bytearray()
    try:
        while chunk := _read_some(response):
            body += chunk
            if len(body) > MAX_BODY:
                raise requests.ConnectionError(f"an answer over {MAX_BODY} bytes")
            if time.monotonic() > deadline:
                raise requests.Timeout(f"no whole answer within {sum(timeout)} s")
    finally:
        response.close()
    response._content = bytes(body)  # what .json() and .text read
    return response


def never_sent(exc: requests.RequestException) -> bool:
    """Whether the request never left: no connection to the gateway was made
    (refused, unknown host, connect timeout). Any later failure may have come
    after the gateway acted on it."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def _read_some(response: requests.Response) -> bytes:
    """The next bytes of the body (one read, up to 64 kB; b"" at the end)."""
    try:
        return response.raw.read1(65536, decode_content=True)
    except (urllib3.exceptions.HTTPError, OSError) as exc:  # read timeout, reset
        raise requests.ConnectionError(str(exc)) from exc


def answer_json(response: requests.Response, kind: type) -> dict | list | None:
    """The JSON body if it is a `kind` (dict or list), else None."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, kind) else None


def refusal(response: requests.Response, statuses: set[int]) -> dict | None:
    """The gateway's refusal `{error_code, message}`, or None when it is not one."""
    if response.status_code not in statuses:
        return None
    body = answer_json(response, dict)
    return body if body and body.get("error_code") else None


def described(response: requests.Response, why: str) -> str:
    """`POST /path: HTTP 401, why` (no query string: it may hold an account)."""
    path = response.request.path_url.split("?")[0]
    return f"{response.request.method} {path}: HTTP {response.status_code}, {why}"


def token_matches(given: str, expected: str) -> bool:
    """A callback's shared token, compared in constant time; any header accepted
    (compare_digest refuses str with non-ASCII characters: a 500 before)."""
    return secrets.compare_digest(given.encode(), expected.encode())
