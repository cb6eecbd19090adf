import pytest

from claims.models import Claim, ClaimStatus
from claims.services import claim_start
from tests.claims.helpers import make_participant
from tests.conftest import staff_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed_claim():
    claim = claim_start(
        participant=make_participant(balance=20_000_000), claim_type="resign"
    )
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.UNDER_REVIEW)
    return claim


def test_the_admin_reject_action_asks_for_a_reason(client, admin_user, reviewed_claim):
    staff_login(admin_user, client)
    url = "/admin/claims/claim/"
    data = {"action": "reject", "_selected_action": [reviewed_claim.pk]}
    page = client.post(url, data)
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    reviewed_claim.refresh_from_db()
    assert reviewed_claim.status == ClaimStatus.UNDER_REVIEW
    client.post(url, {**data, "apply": "1", "reason": "KK tidak terbaca"})
    reviewed_claim.refresh_from_db()
    assert reviewed_claim.status == ClaimStatus.REJECTED
    assert reviewed_claim.decision_note == "KK tidak terbaca"
    assert reviewed_claim.decided_by == admin_user


def test_the_admin_approve_action_queues_the_payout(
    client, admin_user, reviewed_claim, django_capture_on_commit_callbacks
):
    Claim.objects.filter(pk=reviewed_claim.pk).update(
        gross=20_000_000, tax=0, net=20_000_000, bank_code="BCA",
        account_number="1234567890", account_holder="X",
    )  # fmt: skip
    staff_login(admin_user, client)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            "/admin/claims/claim/",
            {"action": "approve", "_selected_action": [reviewed_claim.pk]},
        )
    reviewed_claim.refresh_from_db()
    assert reviewed_claim.status == ClaimStatus.APPROVED
    assert reviewed_claim.payouts.get().status == "queued"
    # The payout's page shows the account as the claim's does: masked.
    payout = reviewed_claim.payouts.get()
    html = client.get(f"/admin/claims/payout/{payout.pk}/change/").content.decode()
    assert "******7890" in html and "1234567890" not in html
    assert len(callbacks) >= 1


def test_policy_pages_keep_history(client, admin_user):
    from claims.models import ClaimPolicy

    staff_login(admin_user, client)
    policy = ClaimPolicy.current()
    assert (
        client.get(f"/admin/claims/claimpolicy/{policy.pk}/change/").status_code == 200
    )
    policy.online_cap = 20_000_000
    policy.save()
    assert policy.history.count() >= 1
    assert client.get("/admin/claims/taxbracket/").status_code == 200
    assert client.get("/admin/claims/documentrequirement/").status_code == 200


def test_policies_are_read_only_in_the_admin(client, admin_user):
    """Editing a policy in the admin skipped the policy page's ranges, reason and
    audit record (a negative online cap saved): the admin shows them only."""
    from claims.models import ClaimPolicy

    staff_login(admin_user, client)
    policy = ClaimPolicy.current()
    url = f"/admin/claims/claimpolicy/{policy.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"online_cap": "-5"}).status_code == 403
    assert ClaimPolicy.current().online_cap == policy.online_cap
    for path in (
        "/admin/biometrics/biometricpolicy/",
        "/admin/frontoffice/deskpolicy/",
        "/admin/claims/taxbracket/",
        "/admin/claims/documentrequirement/",
    ):
        assert client.get(path).status_code == 200
