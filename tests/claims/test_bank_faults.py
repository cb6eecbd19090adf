"""The bank gateway misbehaving: statuses that are no refusal, broken bodies, cuts.

None of them may fail a payout (which asks the member for another account and is
never sent again) or crash the task: each is a transient error, the payout waits
with the error noted, and the next send with the same key pays it once.
"""

import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from claims import services
from claims.bank.client import BankTransientError
from claims.models import ClaimStatus, PayoutStatus
from jmo_portal.exceptions import ApplicationError
from tests.claims.helpers import make_participant, ready_claim

pytestmark = pytest.mark.django_db

COMPLETED = b'{"id": "d-1", "external_id": "JHT-X", "status": "COMPLETED"}'
ANSWERS = {
    "a proxy's 404 page": (404, "text/html", b"<html>Not Found</html>"),
    "a wrong API key": (401, "application/json", b'{"error_code": "INVALID_API_KEY"}'),
    "forbidden": (403, "application/json", b'{"error_code": "REQUEST_FORBIDDEN"}'),
    "a rate limit": (429, "application/json", b'{"error_code": "RATE_LIMIT"}'),
    "an HTML 200": (200, "text/html", b"<html><body>Gateway OK</body></html>"),
    "a JSON list": (200, "application/json", b"[1, 2]"),
    "half a JSON body": (200, "application/json", COMPLETED[:20]),
    "a reset mid-body": (200, "application/json", COMPLETED),
}


class _Gateway(BaseHTTPRequestHandler):
    """Answers every request with `answer`; `cut` resets the connection mid-body."""

    protocol_version = "HTTP/1.1"
    answer = ANSWERS["a wrong API key"]
    cut = False

    def log_message(self, *args) -> None:
        pass

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, kind, body = self.answer
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
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

    do_GET = do_POST = _answer  # noqa: N815 - http.server's naming


@pytest.fixture
def gateway():
    handler = type("Handler", (_Gateway,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_port}"

    def answer(name: str) -> None:
        handler.answer, handler.cut = ANSWERS[name], name == "a reset mid-body"

    server.answer = answer
    yield server
    server.shutdown()
    server.server_close()


def test_no_odd_answer_fails_or_crashes_a_payout_and_it_is_paid_once_after(
    bank, gateway, settings, django_capture_on_commit_callbacks
):
    participant = make_participant()
    claim = ready_claim(participant)
    with django_capture_on_commit_callbacks(execute=False):
        services.claim_submit(claim=claim)
    payout = claim.payouts.get()
    settings.BANK_API_URL = gateway.url
    for name in ANSWERS:
        gateway.answer(name)
        with pytest.raises(BankTransientError):
            services.payout_send(payout_id=payout.pk)
        with pytest.raises(BankTransientError):
            services.payout_poll(payout_id=payout.pk)
        payout.refresh_from_db()
        claim.refresh_from_db()
        assert (payout.status, claim.status) == (
            PayoutStatus.SENDING,
            ClaimStatus.APPROVED,
        ), name
        assert payout.last_error.startswith("POST /disbursements"), name
    assert bank.transfers() == []
    settings.BANK_API_URL = bank.url  # the gateway behaves again
    services.payout_send(payout_id=payout.pk)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert [t["external_id"] for t in bank.transfers()] == [claim.reference]


def test_an_account_check_the_bank_cannot_answer_says_so(bank, gateway, settings):
    participant = make_participant()
    claim = services.claim_start(participant=participant, claim_type="resign")
    services.claim_kpj_check(claim=claim, kpj_number=participant.kpj)
    settings.BANK_API_URL = gateway.url
    for name in ANSWERS:
        gateway.answer(name)
        with pytest.raises(ApplicationError) as caught:
            services.claim_bank_account_set(
                claim=claim, bank_code="BCA", account_number="1234567890",
                account_holder=participant.full_name,
            )  # fmt: skip
        assert caught.value.code == "bank_unavailable", name
    claim.refresh_from_db()
    assert claim.account_number == ""
