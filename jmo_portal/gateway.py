"""What the bank and SMS clients share: which of a gateway's answers count.

Only a gateway's own JSON error (`error_code`) with one of the statuses its
contract uses for a refusal is a refusal. Any other 4xx says nothing about the
message or the transfer (our credentials, a wrong address, a proxy's page, a rate
limit), and a body that is not the expected JSON (an HTML page, a cut answer) is
no answer: the caller sends the same request again with the same key. The
gateways' callbacks prove themselves with a shared token (`token_matches`).

`timeout` in requests (and urllib3's `total`) bounds each wait for the next bytes,
not the whole answer: a gateway (or a proxy) that drips its status line, headers
or body a byte at a time held a worker until Celery's time limit and a page until
gunicorn's. `request_within` gives the whole exchange one deadline: a timer shuts
the call's socket down when it passes, which ends any read at once.
"""

import secrets
import socket
import threading
from functools import partial

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# An answer is a small JSON document; anything bigger is not one of them.
MAX_BODY = 1_000_000


def request_within(
    method: str, url: str, *, timeout: tuple[float, float], **kwargs
) -> requests.Response:
    """requests.request whose whole answer, headers included, must arrive within
    the sum of `timeout` (connect + read); raises a requests exception (Timeout,
    ConnectionError)."""
    within = sum(timeout)
    with _Deadline(within) as deadline, requests.Session() as session:
        adapter = _DeadlineAdapter(deadline)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        try:
            response = session.request(
                method, url, timeout=timeout, stream=True, **kwargs
            )
            body = _read_body(response)
        except requests.RequestException as exc:
            # The timer cut it (or a read timeout met it); a connection never
            # made stays what it is (jmo_portal.sms counts only what may have gone).
            if deadline.expired and not never_sent(exc):
                raise requests.Timeout(f"no whole answer within {within} s") from exc
            raise
        if deadline.expired:  # headers cut short read as complete ones
            raise requests.Timeout(f"no whole answer within {within} s")
    response._content = body  # what .json() and .text read
    return response


def _read_body(response: requests.Response) -> bytes:
    body = bytearray()
    try:
        while chunk := _read_some(response):
            body += chunk
            if len(body) > MAX_BODY:
                raise requests.ConnectionError(f"an answer over {MAX_BODY} bytes")
    finally:
        response.close()
    return bytes(body)


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


class _Deadline:
    """Shuts down the sockets it watches once `seconds` have passed."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "_Deadline":
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    # socket.socket's own shutdown: an SSLSocket's would also drop its TLS state
    # under the thread still reading from it.
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:  # closed already
        pass


class _Watched:
    """A urllib3 connection whose socket its call's _Deadline watches."""

    def __init__(self, *args, deadline: _Deadline, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        super().connect()
        self._deadline.watch(self.sock)


class _WatchedHTTP(_Watched, HTTPConnection):
    pass


class _WatchedHTTPS(_Watched, HTTPSConnection):
    pass


class _DeadlineAdapter(HTTPAdapter):
    """Opens its connections under `deadline` (one adapter per call)."""

    def __init__(self, deadline: _Deadline) -> None:
        self._deadline = deadline
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        # The pools hand `deadline` on to each connection they open (conn_kw).
        self.poolmanager.pool_classes_by_scheme = {
            "http": partial(_HTTPPool, deadline=self._deadline),
            "https": partial(_HTTPSPool, deadline=self._deadline),
        }

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        # A proxy (HTTP(S)_PROXY) gets its own manager: its pools are watched too.
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, urllib3.ProxyManager):  # not SOCKS: its own pools
            manager.pool_classes_by_scheme = self.poolmanager.pool_classes_by_scheme
        return manager


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTP


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPS


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
