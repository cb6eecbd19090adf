"""An HTTP gateway that answers oddly: statuses that are no refusal, broken bodies,
a connection reset mid-body, an answer dripped a byte at a time. The bank and SMS
clients must take each as transient."""

import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WHOLE = b'{"id": "d-1", "external_id": "X", "reference": "X", "status": "COMPLETED"}'
ANSWERS = {
    "a proxy's 404 page": (404, "text/html", b"<html>Not Found</html>"),
    "a wrong API key": (401, "application/json", b'{"error_code": "INVALID_API_KEY"}'),
    "forbidden": (403, "application/json", b'{"error_code": "REQUEST_FORBIDDEN"}'),
    "a rate limit": (429, "application/json", b'{"error_code": "RATE_LIMIT"}'),
    "an HTML 200": (200, "text/html", b"<html><body>Gateway OK</body></html>"),
    "a JSON list": (200, "application/json", b"[1, 2]"),
    "half a JSON body": (200, "application/json", WHOLE[:20]),
    "a reset mid-body": (200, "application/json", WHOLE),
}
# A whole, correct answer: sent a byte at a time (`answer(name, drip=...)`: the
# body; with `headers=True`, the status line and headers) it must still be given
# up on.
COMPLETED = {"a whole answer": (200, "application/json", WHOLE)}


class _Gateway(BaseHTTPRequestHandler):
    """Answers every request with `answer`; `cut` resets the connection mid-body."""

    protocol_version = "HTTP/1.1"
    answer = ANSWERS["a wrong API key"]
    cut = False
    drip = 0.0  # seconds between the body's bytes (0: all at once)
    drip_headers = False  # drip the status line and headers instead

    def log_message(self, *args) -> None:
        pass

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, kind, body = self.answer
        if self.drip_headers:
            head = (
                f"HTTP/1.1 {status} {self.responses[status][0]}\r\n"
                f"Content-Type: {kind}\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            if self._dripped(head.encode()):
                self.wfile.write(body)
            return
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.drip:
            self._dripped(body)
            return
        if not self.cut:
            self.wfile.write(body)
            return
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        # Linger 0: close() sends a TCP reset instead of a clean end.
        self.connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        self.connection.close()
        self.close_connection = True

    def _dripped(self, data: bytes) -> bool:
        """Send `data` a byte every `drip` seconds; False when the client gave up."""
        try:
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(self.drip)
        except OSError:
            self.close_connection = True
            return False
        return True

    do_GET = do_POST = _answer  # noqa: N815 - http.server's naming


@contextmanager
def odd_gateway() -> Iterator[ThreadingHTTPServer]:
    """The server at `.url`; `.answer(name)` picks one of ANSWERS."""
    handler = type("Handler", (_Gateway,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_port}"

    def answer(name: str, drip: float = 0.0, headers: bool = False) -> None:
        handler.answer = {**ANSWERS, **COMPLETED}[name]
        handler.cut = name == "a reset mid-body"
        handler.drip = drip
        handler.drip_headers = headers

    server.answer = answer
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
