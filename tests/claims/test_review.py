"""Return for correction, the member's fix, the one appeal, cancel: the services."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from claims import services
from claims.models import (
    Claim,
    ClaimAppeal,
    ClaimApproval,
    ClaimCorrection,
    ClaimPolicy,
    ClaimStatus,
    Payout,
)
from claims.selectors import add_working_days
from jmo_portal.exceptions import ApplicationError
from participants.models import AttemptCounter, BlockKind
from tests.claims.helpers import (
    make_participant,
    png_bytes,
    png_upload,
    ready_claim,
    under_review,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = ClaimStatus


def officer(name: str):
    user = UserFactory(username=name, is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="claims_officer")[0])
    return user


def counters(participant) -> dict:
    return dict(
        AttemptCounter.objects.filter(participant=participant).values_list(
            "kind", "attempts_used"
        )
    )


def test_a_return_names_what_to_fix_and_the_timeline_shows_it(bank):
    claim = under_review()
    services.claim_return(
        claim=claim, actor=officer("o1"), reason="The KTP photo is blurred.",
        fields=["ktp", "bank_account"],
    )  # fmt: skip
    assert claim.status == S.RETURNED
    correction = ClaimCorrection.objects.get(claim=claim)
    assert correction.fields == ["ktp", "bank_account"]
    last = claim.events.last()
    assert last.to_status == S.RETURNED and "The KTP photo is blurred." in last.note
    assert claim.participant.notifications.filter(kind="claim_returned").count() == 1


@pytest.mark.parametrize(
    ("reason", "fields", "code"),
    [
        ("", ["ktp"], "reason"),
        ("Blurred", [], "return_fields"),
        # Documents outside the claim's requirement snapshot can never be asked.
        ("Need a passport", ["passport"], "return_fields"),
    ],
)
def test_a_return_without_reason_or_with_unknown_fields_changes_nothing(
    bank, reason, fields, code
):
    claim = under_review()
    with pytest.raises(ApplicationError) as error:
        services.claim_return(
            claim=claim, actor=officer("o1"), reason=reason, fields=fields
        )
    assert error.value.code == code
    claim.refresh_from_db()
    assert claim.status == S.UNDER_REVIEW and not claim.corrections.exists()


def test_the_member_fixes_only_what_was_asked_then_sends_it_again(bank):
    claim = under_review()
    requirements = list(claim.requirements)
    services.claim_return(
        claim=claim, actor=officer("o1"), reason="KTP unreadable", fields=["ktp"]
    )
    with pytest.raises(ApplicationError) as error:  # not asked for
        services.claim_document_add(claim=claim, kind="kk", upload=png_upload())
    assert error.value.code == "not_requested" and error.value.status == 409
    with pytest.raises(ApplicationError) as error:
        services.claim_bank_account_set(
            claim=claim, bank_code="BCA", account_number="9876543210",
            account_holder=claim.participant.full_name,
        )  # fmt: skip
    assert error.value.code == "not_requested"
    with pytest.raises(ApplicationError) as error:  # nothing fixed yet
        services.claim_submit(claim=claim)
    assert error.value.code == "not_ready"
    assert claim.status == S.RETURNED

    services.claim_document_add(
        claim=claim, kind="ktp",
        upload=SimpleUploadedFile("ktp2.png", png_bytes((60, 40)), "image/png"),
    )  # fmt: skip
    old_due = claim.sla_due
    claim = services.claim_submit(claim=claim)  # the API's submit, sent again
    assert claim.status == S.UNDER_REVIEW
    assert claim.review_round == 1 and claim.sla_due >= old_due
    assert claim.requirements == requirements  # the snapshot still holds
    assert ClaimCorrection.objects.get(claim=claim).resolved_at is not None
    assert [e.to_status for e in claim.events.all()][-2:] == [
        S.RETURNED, S.UNDER_REVIEW,
    ]  # fmt: skip


def test_a_returned_bank_account_is_checked_again_by_the_bank(bank):
    claim = under_review()
    services.claim_return(
        claim=claim, actor=officer("o1"), reason="Wrong account",
        fields=["bank_account"],
    )  # fmt: skip
    services.claim_bank_account_set(
        claim=claim, bank_code="MANDIRI", account_number="1300012345678",
        account_holder=claim.participant.full_name,
    )  # fmt: skip
    claim = services.claim_resubmit(claim=claim)
    assert claim.status == S.UNDER_REVIEW
    assert (claim.bank_code, claim.account_number) == ("MANDIRI", "1300012345678")


def test_a_first_approval_before_a_return_no_longer_counts(bank):
    claim = under_review(60_000_000)  # above the four-eyes amount
    first, second = officer("o1"), officer("o2")
    services.claim_approve(claim=claim, actor=first)
    assert claim.status == S.UNDER_REVIEW
    services.claim_return(claim=claim, actor=second, reason="KK", fields=["kk"])
    services.claim_document_add(claim=claim, kind="kk", upload=png_upload("kk.png"))
    services.claim_resubmit(claim=claim)
    services.claim_approve(claim=claim, actor=second)
    assert claim.status == S.UNDER_REVIEW  # a new round: one approval so far
    services.claim_approve(claim=claim, actor=first)
    assert claim.status == S.APPROVED
    assert ClaimApproval.objects.filter(claim=claim, round=1).count() == 1


def test_one_appeal_decided_by_another_officer_than_the_one_who_rejected(bank):
    claim = under_review()
    rejecter, other = officer("o1"), officer("o2")
    services.claim_reject(claim=claim, actor=rejecter, reason="Letter unsigned")
    services.claim_appeal(
        claim=claim, actor=claim.participant.user, reason="It is signed on page 2"
    )
    assert claim.status == S.APPEALED
    for decide in (
        lambda: services.claim_approve(claim=claim, actor=rejecter),
        lambda: services.claim_reject(claim=claim, actor=rejecter, reason="no"),
    ):
        with pytest.raises(ApplicationError) as error:
            decide()
        assert error.value.code == "four_eyes_appeal" and error.value.status == 409
    claim.refresh_from_db()
    assert claim.status == S.APPEALED
    services.claim_approve(claim=claim, actor=other, note="Signature found")
    assert claim.status == S.APPROVED
    appeal = ClaimAppeal.objects.get(claim=claim)
    assert (appeal.outcome, appeal.decided_by, appeal.rejected_by) == (
        "approved", other, rejecter,
    )  # fmt: skip
    assert Payout.objects.filter(claim=claim).count() == 1


def test_a_second_appeal_is_refused(bank):
    claim = under_review()
    services.claim_reject(claim=claim, actor=officer("o1"), reason="No")
    services.claim_appeal(claim=claim, actor=None, reason="Please look again")
    services.claim_reject(claim=claim, actor=officer("o2"), reason="Still no")
    with pytest.raises(ApplicationError) as error:
        services.claim_appeal(claim=claim, actor=None, reason="Once more")
    assert error.value.code == "already_appealed" and error.value.status == 409
    claim.refresh_from_db()
    assert claim.status == S.REJECTED
    assert claim.participant.notifications.filter(kind="claim_rejected").count() == 2


def test_an_appeal_above_the_four_eyes_amount_needs_two_new_officers(bank):
    claim = under_review(60_000_000)
    rejecter, second, third = officer("o1"), officer("o2"), officer("o3")
    services.claim_reject(claim=claim, actor=rejecter, reason="No")
    services.claim_appeal(claim=claim, actor=None, reason="Please")
    services.claim_approve(claim=claim, actor=second)
    assert claim.status == S.APPEALED
    with pytest.raises(ApplicationError):
        services.claim_approve(claim=claim, actor=rejecter)
    services.claim_approve(claim=claim, actor=third)
    assert claim.status == S.APPROVED


def test_no_appeal_while_another_claim_is_active(bank):
    claim = under_review()
    services.claim_reject(claim=claim, actor=officer("o1"), reason="No")
    services.claim_start(participant=claim.participant, claim_type="resign")
    with pytest.raises(ApplicationError) as error:
        services.claim_appeal(claim=claim, actor=None, reason="Please")
    assert error.value.code == "active_claim"
    assert not ClaimAppeal.objects.exists()


@pytest.mark.parametrize("state", ["draft", "under_review", "returned", "appealed"])
def test_a_claim_is_cancelled_before_payout_with_the_counters_untouched(bank, state):
    claim = under_review()
    participant = claim.participant
    if state == "draft":
        services.claim_reject(claim=claim, actor=officer("o1"), reason="No")
        claim = services.claim_start(participant=participant, claim_type="resign")
        with pytest.raises(ApplicationError):
            services.claim_kpj_check(claim=claim, kpj_number="99999999999")
    elif state == "returned":
        services.claim_return(claim=claim, actor=officer("o1"), reason="x",
                              fields=["ktp"])  # fmt: skip
    elif state == "appealed":
        services.claim_reject(claim=claim, actor=officer("o1"), reason="No")
        services.claim_appeal(claim=claim, actor=None, reason="Please")
    before = counters(participant)
    services.claim_cancel(claim=claim, actor=participant.user)
    assert claim.status == S.CANCELLED
    assert counters(participant) == before
    if state == "draft":
        assert before == {BlockKind.KPJ: 1}
    assert not Payout.objects.filter(claim=claim).exists()


def test_an_approved_or_paid_claim_cannot_be_cancelled(bank):
    claim = under_review()
    services.claim_approve(claim=claim, actor=officer("o1"))
    claim.refresh_from_db()
    assert claim.status in (S.APPROVED, S.PAID, S.PAYOUT_PENDING)
    status = claim.status
    with pytest.raises(ApplicationError) as error:
        services.claim_cancel(claim=claim)
    assert error.value.code == "not_cancellable" and error.value.status == 409
    claim.refresh_from_db()
    assert claim.status == status


def test_the_policy_still_sets_the_review_promise_after_a_return(bank):
    ClaimPolicy.objects.filter(pk=1).update(sla_days_review=3)
    claim = under_review()
    services.claim_return(claim=claim, actor=officer("o1"), reason="x", fields=["kk"])
    services.claim_document_add(claim=claim, kind="kk", upload=png_upload("kk.png"))
    claim = services.claim_resubmit(claim=claim)
    assert claim.sla_due == add_working_days(timezone.localdate(), 3)


def test_a_claim_whose_transfer_failed_can_be_cancelled(
    bank, django_capture_on_commit_callbacks
):
    from claims.bank.simulator import CLOSED_AFTER_CHECK

    participant = make_participant(balance=20_000_000)
    claim = ready_claim(participant, account_number=CLOSED_AFTER_CHECK)
    for requirement in claim.requirements:
        services.claim_document_add(
            claim=claim, kind=requirement["kind"], upload=png_upload()
        )
    services.claim_submit(claim=claim)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_approve(claim=claim, actor=officer("o1"))
    claim.refresh_from_db()
    assert claim.status == S.PAYOUT_FAILED
    services.claim_cancel(claim=claim, actor=participant.user)
    assert claim.status == S.CANCELLED
    assert list(
        Payout.objects.filter(claim=claim).values_list("status", flat=True)
    ) == ["failed"]


def _submit_reviewed(participant, claim_type: str):
    claim = ready_claim(participant, claim_type=claim_type, npwp="123456789012345")
    for requirement in claim.requirements:
        services.claim_document_add(
            claim=claim, kind=requirement["kind"], upload=png_upload()
        )
    return services.claim_submit(claim=claim)


@pytest.mark.parametrize(
    ("claim_type", "balance"), [("resign", 20_000_000), ("partial_10", 60_000_000)]
)
def test_an_appeal_is_not_paid_when_another_claim_was_paid_meanwhile(
    bank, django_capture_on_commit_callbacks, claim_type, balance
):
    """Rejected, then a second claim of the same kind submitted, approved and paid,
    then the first appealed: approving the appeal would send the money a second time
    (the whole balance, or a second partial claim in one membership)."""
    participant = make_participant(balance=balance)
    first = _submit_reviewed(participant, claim_type)
    services.claim_reject(claim=first, actor=officer("o1"), reason="Unreadable")
    with django_capture_on_commit_callbacks(execute=True):
        second = _submit_reviewed(participant, claim_type)
        services.claim_approve(claim=second, actor=officer("o2"))
    second.refresh_from_db()
    assert second.status == S.PAID
    services.claim_appeal(claim=first, actor=None, reason="I sent it again")

    with pytest.raises(ApplicationError) as error:
        services.claim_approve(claim=first, actor=officer("o3"))
    assert (error.value.code, error.value.status) == ("not_payable", 409)
    first.refresh_from_db()
    assert first.status == S.APPEALED
    assert not Payout.objects.filter(claim=first).exists()
    participant.refresh_from_db()
    assert participant.paid_out_total == second.gross
    # The officer answers the appeal the only way left, with the reason.
    services.claim_reject(claim=first, actor=officer("o3"), reason=str(error.value))
    first.refresh_from_db()
    assert first.status == S.REJECTED


def test_a_claim_without_a_bank_account_is_not_approved(bank):
    """Submission requires an account; a claim that lacks one anyway (made outside
    the product) is refused before a transfer the bank would refuse."""
    claim = under_review()
    Claim.objects.filter(pk=claim.pk).update(account_number="")
    with pytest.raises(ApplicationError) as error:
        services.claim_approve(claim=claim, actor=officer("o1"))
    assert (error.value.code, error.value.status) == ("no_account", 409)
    claim.refresh_from_db()
    assert claim.status == S.UNDER_REVIEW
    assert not Payout.objects.filter(claim=claim).exists()
