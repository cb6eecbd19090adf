"""Delays explained: a claim past its promised date says why, officers see it
first, and each breach is told to a supervisor once (beat task)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from claims import services, tasks
from claims.models import ClaimStatus
from claims.selectors import claim_delay, claims_for_review
from tests.claims.helpers import under_review
from tests.claims.test_review import officer
from tests.conftest import _staff_user

pytestmark = pytest.mark.django_db
S = ClaimStatus


def days_later(time_machine, days: int) -> dt.date:
    time_machine.move_to(timezone.now() + dt.timedelta(days=days))
    return timezone.localdate()


def test_a_claim_on_time_shows_no_delay(bank):
    claim = under_review()
    assert claim_delay(claim=claim) is None


def test_a_late_claim_says_who_it_waits_for(bank, time_machine, client):
    claim = under_review()
    today = days_later(time_machine, 10)
    delay = claim_delay(claim=claim)
    assert delay["code"] == "officer"
    assert delay["days_late"] == (today - claim.sla_due).days > 0

    services.claim_return(claim=claim, actor=officer("o1"), reason="x", fields=["kk"])
    assert claim_delay(claim=claim)["code"] == "member"
    client.force_login(claim.participant.user)
    html = client.get(
        reverse("claims:detail", args=[claim.reference]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'id="claim-delay" data-code="member"' in html
    assert "returned to you for a correction" in html
    api = client.get(f"/api/v1/claims/{claim.reference}/").json()
    assert api["delay"]["code"] == "member" and api["delay"]["days_late"] > 0


def test_a_payout_the_bank_has_not_settled_waits_for_the_bank(
    bank, time_machine, django_capture_on_commit_callbacks
):
    bank.flags(settle_delay_ms=600_000)  # the bank answers PENDING and takes long
    claim = under_review()
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_approve(claim=claim, actor=officer("o1"))
    claim.refresh_from_db()
    assert claim.status == S.PAYOUT_PENDING
    days_later(time_machine, 10)
    assert claim_delay(claim=claim)["code"] == "bank"


def test_overdue_claims_come_first_in_the_queue(bank, time_machine):
    late = under_review()
    days_later(time_machine, 10)
    fresh = under_review()
    queue = list(claims_for_review())
    assert [c.reference for c in queue] == [late.reference, fresh.reference]
    assert [c.overdue for c in queue] == [True, False]


def test_each_breach_is_told_to_a_supervisor_once(
    bank, time_machine, django_capture_on_commit_callbacks
):
    supervisor = _staff_user("supervisor", "admin")
    claim = under_review()
    assert tasks.claims_overdue_alert() == 0  # on time: nobody is told
    days_later(time_machine, 10)
    with django_capture_on_commit_callbacks(execute=True):  # the email's delivery
        assert tasks.claims_overdue_alert() == 1
        assert tasks.claims_overdue_alert() == 0  # a second sweep is harmless
    [message] = mail.outbox
    assert message.to == [supervisor.email]
    assert claim.reference in message.subject and "waiting for" in message.body

    # Returned, fixed and sent again: a new promise, and a new breach later.
    services.claim_return(claim=claim, actor=officer("o1"), reason="x", fields=["kk"])
    from tests.claims.helpers import png_upload

    services.claim_document_add(claim=claim, kind="kk", upload=png_upload("kk.png"))
    services.claim_resubmit(claim=claim)
    assert tasks.claims_overdue_alert() == 0
    days_later(time_machine, 10)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.claims_overdue_alert() == 1
    assert len(mail.outbox) == 2
