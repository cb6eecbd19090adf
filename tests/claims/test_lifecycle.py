import pytest
from django.db import IntegrityError, transaction

from claims import services
from claims.models import Claim, ClaimEvent, ClaimStatus, Payout
from claims.services.lifecycle import TRANSITIONS
from jmo_portal.exceptions import ApplicationError
from notifications.models import Notification
from participants.models import Block
from tests.claims.helpers import make_participant, ready_claim

pytestmark = pytest.mark.django_db


def test_an_online_claim_is_approved_automatically_and_paid(
    bank, django_capture_on_commit_callbacks
):
    participant = make_participant(balance=12_000_000)
    claim = ready_claim(participant)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_submit(claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert (claim.gross, claim.tax, claim.net) == (12_000_000, 0, 12_000_000)
    steps = list(claim.events.values_list("to_status", flat=True))
    assert steps == ["draft", "submitted", "approved", "paid"]
    participant.refresh_from_db()
    assert participant.balance == 0
    assert participant.paid_out_total == 12_000_000
    [transfer] = [t for t in bank.transfers() if t["external_id"] == claim.reference]
    assert transfer["amount"] == 12_000_000 and transfer["status"] == "COMPLETED"
    kinds = set(
        Notification.objects.filter(participant=participant).values_list(
            "kind", flat=True
        )
    )
    assert {"claim_submitted", "claim_approved", "claim_paid"} <= kinds


def test_the_sla_date_skips_weekends(bank, time_machine):
    time_machine.move_to("2026-11-27 10:00 +07:00")  # a Friday
    participant = make_participant()
    claim = ready_claim(participant)
    services.claim_submit(claim=claim)
    claim.refresh_from_db()
    assert str(claim.sla_due) == "2026-11-30"  # Monday


def test_above_the_cap_documents_are_required_and_an_officer_decides(
    bank, claims_officer_user, admin_user, django_capture_on_commit_callbacks
):
    participant = make_participant(balance=80_000_000, npwp="123456789012345")
    claim = services.claim_start(participant=participant, claim_type="resign")
    assert [r["kind"] for r in claim.requirements] == [
        "ktp",
        "kk",
        "savings_book",
        "resignation_letter",
    ]
    services.claim_kpj_check(claim=claim, kpj_number=participant.kpj)
    services.claim_bank_account_set(
        claim=claim, bank_code="BRI", account_number="5550001111",
        account_holder=participant.full_name,
    )  # fmt: skip
    from tests.claims.helpers import pass_selfie

    pass_selfie(participant)
    with pytest.raises(ApplicationError, match="dokumen"):
        services.claim_submit(claim=claim)
    from tests.claims.helpers import png_upload

    for r in claim.requirements:
        services.claim_document_add(claim=claim, kind=r["kind"], upload=png_upload())
    services.claim_submit(claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_REVIEW
    assert (claim.gross, claim.tax, claim.net) == (80_000_000, 1_500_000, 78_500_000)
    # Above the four-eyes amount (Rp 50 jt) a second officer completes it.
    services.claim_approve(claim=claim, actor=admin_user, note="first look")
    assert claim.status == ClaimStatus.UNDER_REVIEW
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.claim_approve(claim=claim, actor=claims_officer_user, note="ok")
    assert callbacks  # the payout is dispatched only after commit
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert claim.events.filter(to_status="approved", actor=claims_officer_user).exists()


def test_requirements_never_grow_mid_claim(bank):
    from claims.models import DocumentRequirement

    participant = make_participant(balance=20_000_000)
    claim = services.claim_start(participant=participant, claim_type="resign")
    before = list(claim.requirements)
    DocumentRequirement.objects.create(claim_type="resign", kind="extra", label="Extra")
    claim.refresh_from_db()
    assert claim.requirements == before
    with pytest.raises(ApplicationError):
        from tests.claims.helpers import png_upload

        services.claim_document_add(claim=claim, kind="extra", upload=png_upload())


def test_an_officer_rejects_with_a_reason(bank, claims_officer_user):
    participant = make_participant(balance=20_000_000)
    claim = services.claim_start(participant=participant, claim_type="resign")
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.UNDER_REVIEW)
    with pytest.raises(ApplicationError):
        services.claim_reject(claim=claim, actor=claims_officer_user, reason=" ")
    services.claim_reject(
        claim=claim, actor=claims_officer_user, reason="Letter unreadable"
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    assert claim.events.get(to_status="rejected").note == "Letter unreadable"
    with pytest.raises(ApplicationError):
        services.claim_approve(claim=claim, actor=claims_officer_user)


def test_the_transition_table_refuses_a_jump():
    participant = make_participant()
    claim = services.claim_start(participant=participant, claim_type="resign")
    with pytest.raises(ApplicationError) as exc:
        services.claim_transition(claim=claim, to=ClaimStatus.PAID)
    assert exc.value.status == 409
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT
    assert ClaimEvent.objects.filter(claim=claim).count() == 1
    assert set(TRANSITIONS) == set(ClaimStatus.values)


def test_one_active_claim_is_a_database_constraint():
    participant = make_participant()
    claim = services.claim_start(participant=participant, claim_type="resign")
    with pytest.raises(ApplicationError) as exc:
        services.claim_start(participant=participant, claim_type="termination")
    assert exc.value.status == 409
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            reference="JHTDUP", participant=participant, claim_type="resign",
            channel="online", balance_at_start=1,
        )  # fmt: skip
    services.claim_cancel(claim=claim)
    assert services.claim_start(participant=participant, claim_type="resign")


def test_a_forged_claim_type_is_refused():
    participant = make_participant()
    with pytest.raises(ApplicationError, match="Unknown|dikenal"):
        services.claim_start(participant=participant, claim_type="lottery")
    with pytest.raises(ApplicationError):
        services.claim_start(participant=participant, claim_type="death")
    assert not Claim.objects.exists()


def test_a_claim_before_the_waiting_period_is_refused_with_the_date():
    import datetime as dt

    from django.utils import timezone

    participant = make_participant(end=timezone.localdate() - dt.timedelta(days=3))
    with pytest.raises(ApplicationError) as exc:
        services.claim_start(participant=participant, claim_type="resign")
    assert exc.value.code == "waiting_period"
    assert "allowed_from" in exc.value.extra


def test_wrong_kpj_numbers_lock_at_the_policy_limit_and_the_desk_unlocks(
    front_office_user,
):
    from participants.services.guards import block_lift

    participant = make_participant()
    claim = services.claim_start(participant=participant, claim_type="resign")
    for left in (2, 1):
        with pytest.raises(ApplicationError) as exc:
            services.claim_kpj_check(claim=claim, kpj_number="99999999999")
        assert exc.value.extra["attempts_left"] == left
    with pytest.raises(ApplicationError) as exc:
        services.claim_kpj_check(claim=claim, kpj_number="99999999999")
    assert exc.value.status == 423
    with pytest.raises(ApplicationError) as exc:  # even the right one, while locked
        services.claim_kpj_check(claim=claim, kpj_number=participant.kpj)
    assert exc.value.status == 423
    block = Block.objects.active().get(participant=participant, kind="kpj")
    block_lift(block=block, actor=front_office_user, reason="KTP checked")
    services.claim_kpj_check(claim=claim, kpj_number=participant.kpj)
    claim.refresh_from_db()
    assert claim.kpj_verified_at and claim.status == ClaimStatus.DRAFT


def test_a_malformed_kpj_is_not_counted():
    participant = make_participant()
    claim = services.claim_start(participant=participant, claim_type="resign")
    with pytest.raises(ApplicationError, match="11"):
        services.claim_kpj_check(claim=claim, kpj_number="abc")
    assert services.kpj_state(participant=participant).attempts_used == 0


def test_double_submit_changes_nothing_the_second_time(bank):
    participant = make_participant()
    claim = ready_claim(participant)
    services.claim_submit(claim=claim)
    events = ClaimEvent.objects.filter(claim=claim).count()
    stale = Claim.objects.get(pk=claim.pk)
    stale.status = ClaimStatus.DRAFT  # the second tab still shows the draft
    with pytest.raises(ApplicationError) as exc:
        services.claim_submit(claim=stale)
    assert exc.value.status == 409
    assert ClaimEvent.objects.filter(claim=claim).count() == events
    assert Payout.objects.filter(claim=claim).count() == 1


def test_submit_needs_a_fresh_selfie(bank):
    from claims.selectors import selfie_passed
    from tests.claims.helpers import pass_selfie

    participant = make_participant()
    pass_selfie(participant)  # before the claim: does not count
    claim = services.claim_start(participant=participant, claim_type="resign")
    assert not selfie_passed(claim=claim)
    pass_selfie(participant)
    assert selfie_passed(claim=claim)


def test_a_biometric_block_after_the_pass_stops_the_submission(bank):
    from biometrics.models import BiometricPolicy
    from participants.services.guards import attempt_register_failure

    participant = make_participant()
    claim = ready_claim(participant)  # selfie passed after the start
    for _ in range(BiometricPolicy.current().max_attempts):
        attempt_register_failure(
            participant=participant, kind="biometric", max_attempts=3, reason="test"
        )
    with pytest.raises(ApplicationError) as exc:
        services.claim_submit(claim=claim)
    assert exc.value.code == "not_ready"
    assert "e-KTP" in exc.value.message
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT and claim.submitted_at is None
    assert list(claim.events.values_list("to_status", flat=True)) == ["draft"]


def test_partial_claim_is_once_only_and_pays_ten_percent(
    bank, django_capture_on_commit_callbacks
):
    from tests.factories import EmploymentFactory

    participant = make_participant(balance=10_000_000)
    EmploymentFactory(participant=participant, start="2025-01-01", end=None)
    claim = ready_claim(participant, claim_type="partial_10")
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_submit(claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID and claim.gross == 1_000_000
    with pytest.raises(ApplicationError) as exc:
        services.claim_start(participant=participant, claim_type="partial_30")
    assert exc.value.code == "once_only"
