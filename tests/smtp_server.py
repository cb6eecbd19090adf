"""A small real SMTP server on loopback: enough of RFC 5321 for smtplib (EHLO,
MAIL, RCPT, DATA, RSET, NOOP, QUIT, no extensions). It keeps what it was sent and
counts its connections; it refuses the recipients in `refused` for good and
those in `busy` for now. (aiosmtpd is no
dependency; smtpd left Python 3.12.)"""

import email
import socketserver
import threading
from email.message import Message


class _Session(socketserver.StreamRequestHandler):
    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.server.connections += 1
        self._reply("220 localhost ESMTP test server")
        recipients: list[str] = []
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"QUIT":
                return self._reply("221 bye")
            if verb == b"RCPT":
                to = line.split(b":", 1)[1].strip(b" <>\r\n").decode()
                if to in self.server.refused:
                    self._reply("550 no such mailbox")
                    continue
                if to in self.server.busy:
                    self._reply("450 mailbox busy, try again later")
                    continue
                recipients.append(to)
            elif verb == b"RSET":
                recipients = []
            elif verb == b"DATA":
                self._reply("354 end with <CRLF>.<CRLF>")
                data = b""
                while (more := self.rfile.readline()) not in (b".\r\n", b""):
                    data += more
                self.server.messages.append(
                    (recipients, email.message_from_bytes(data))
                )
                recipients = []
            self._reply("250 OK" if verb in _KNOWN else "502 not implemented")


_KNOWN = {b"EHLO", b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP", b"DATA"}


class SmtpServer(socketserver.ThreadingTCPServer):
    """Serves on 127.0.0.1:`port` (0: any) until `stop()`."""

    allow_reuse_address = daemon_threads = True

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Session)
        self.port = self.server_address[1]
        self.connections = 0
        self.refused: set[str] = set()  # RCPT answered 550 (permanent)
        self.busy: set[str] = set()  # RCPT answered 450 (for now)
        self.messages: list[tuple[list[str], Message]] = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def use_smtp(settings, port: int) -> None:
    """Send the portal's mail over SMTP to 127.0.0.1:`port`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 0.5
