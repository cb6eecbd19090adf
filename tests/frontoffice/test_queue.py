"""Walk-in queue numbers: kiosk, call next, served, stats."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontoffice.models import TicketStatus, WalkInTicket
from frontoffice.selectors import visit_stats
from frontoffice.services import ticket_call_next, ticket_take
from tests.conftest import require_services
from tutorials.models import Branch


def test_the_kiosk_prints_numbers_per_reason_and_day(client, branch):
    url = reverse("frontoffice:kiosk", args=["pusat"])
    first = client.post(url, {"reason": "biometric"})
    assert "A-001" in first.content.decode()
    client.post(url, {"reason": "biometric"})
    kpj = client.post(url, {"reason": "kpj"})
    assert "B-001" in kpj.content.decode()
    # A locked activation (the third kind of block) has its own letter.
    activation = client.post(url, {"reason": "activation"})
    assert "D-001" in activation.content.decode()
    labels = [t.label for t in WalkInTicket.objects.all()]
    assert labels == ["A-001", "A-002", "B-001", "D-001"]
    assert client.post(url, {"reason": "nonsense"}).status_code == 200
    assert WalkInTicket.objects.count() == 4


def test_numbers_start_again_the_next_day_and_per_branch(branch):
    bekasi = Branch.objects.create(code="bekasi", name="Bekasi", address="Bekasi")
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)):
        assert ticket_take(branch=branch, reason="other").label == "C-001"
        assert ticket_take(branch=branch, reason="other").label == "C-002"
        assert ticket_take(branch=bekasi, reason="other").label == "C-001"
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)):
        assert ticket_take(branch=branch, reason="other").label == "C-001"


def test_call_next_takes_the_oldest_waiting_once(officer, front_office_user, branch):
    a = ticket_take(branch=branch, reason="kpj")
    b = ticket_take(branch=branch, reason="biometric")
    officer.post(reverse("frontoffice:call-next", args=["pusat"]))
    a.refresh_from_db()
    assert a.status == TicketStatus.CALLED and a.officer == front_office_user
    assert ticket_call_next(branch="pusat", actor=front_office_user) == b
    assert ticket_call_next(branch="pusat", actor=front_office_user) is None
    page = officer.get(reverse("frontoffice:queue", args=["pusat"]))
    assert a.label in page.content.decode()
    officer.post(reverse("frontoffice:ticket-finish", args=[a.pk]), {"served": "1"})
    a.refresh_from_db()
    assert a.status == TicketStatus.SERVED and a.served_at
    # The staff menu leads to the queue of the first open branch.
    first = Branch.objects.filter(is_active=True).first()
    menu = officer.get(reverse("frontoffice:index")).content.decode()
    assert reverse("frontoffice:queue", args=[first.code]) in menu


def test_stats_count_visits_per_day_by_reason(officer, branch):
    for reason in ["biometric", "biometric", "kpj", "activation", "other"]:
        ticket_take(branch=branch, reason=reason)
    today = visit_stats(days=14)[0]
    assert today["by_reason"] == [2, 1, 1, 1] and today["total"] == 5
    page = officer.get(reverse("frontoffice:stats")).content.decode()
    assert "<strong>5</strong>" in page
    assert "Account activation unblock" in page or "Buka blokir aktivasi akun" in page
    # One branch, chosen from the branches; a mistyped code is no branch at all.
    page = officer.get(reverse("frontoffice:stats"), {"branch": branch.code})
    assert f'<option value="{branch.code}" selected>' in page.content.decode()
    assert (
        officer.get(reverse("frontoffice:stats"), {"branch": "pusta"}).status_code
        == 404
    )


@pytest.mark.django_db(transaction=True)
def test_two_kiosks_pressing_at_once_never_share_a_number(branch):
    require_services(postgres=True)

    def press(n: int) -> list[str]:
        try:
            return [ticket_take(branch=branch, reason="kpj").label for _ in range(n)]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        labels = [x for batch in pool.map(press, [8, 8, 8, 8]) for x in batch]
    assert len(labels) == 32
    assert sorted(labels) == [f"B-{i:03d}" for i in range(1, 33)]


@pytest.mark.parametrize("branch", ["Pusat", "b" * 41])
def test_a_branch_code_the_queue_cannot_hold_is_not_found(client, db, branch):
    """A capital letter or an over-long code reached the ticket's own validation:
    a 500 on the public kiosk."""
    page = client.post(f"/desk/kiosk/{branch}/", {"reason": "other"})
    assert page.status_code == 404
    assert not WalkInTicket.objects.exists()


def test_a_branch_code_no_branch_has_gets_no_number(client, officer, branch):
    for method in (client.get, client.post):
        page = method(reverse("frontoffice:kiosk", args=["nowhere"]), {"reason": "kpj"})
        assert page.status_code == 404
    assert not WalkInTicket.objects.exists()
    # Nor a queue to call from.
    queue = officer.get(reverse("frontoffice:queue", args=["nowhere"]))
    assert queue.status_code == 404
    call = officer.post(reverse("frontoffice:call-next", args=["nowhere"]))
    assert call.status_code == 404


def test_a_closed_branch_gives_no_numbers_but_its_queue_can_be_finished(
    client, officer, branch
):
    waiting = ticket_take(branch=branch, reason="other")
    Branch.objects.filter(pk=branch.pk).update(is_active=False)
    kiosk = reverse("frontoffice:kiosk", args=["pusat"])
    assert client.post(kiosk, {"reason": "other"}).status_code == 404
    assert WalkInTicket.objects.count() == 1
    queue = officer.get(reverse("frontoffice:queue", args=["pusat"]))
    assert queue.status_code == 200 and waiting.label in queue.content.decode()
    officer.post(reverse("frontoffice:call-next", args=["pusat"]))
    waiting.refresh_from_db()
    assert waiting.status == TicketStatus.CALLED


def test_the_kiosk_finds_its_branch_once_for_a_number(client, branch):
    """The page found the branch, then the service looked it up again."""
    url = reverse("frontoffice:kiosk", args=["pusat"])
    with CaptureQueriesContext(connection) as queries:
        page = client.post(url, {"reason": "kpj"})
    assert "B-001" in page.content.decode()
    branch_reads = [q for q in queries if '"tutorials_branch"' in q["sql"]]
    assert len(branch_reads) == 1
