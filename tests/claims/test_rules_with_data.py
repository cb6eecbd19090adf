"""Rules that live with their data: every caller, the Django admin included, obeys
the four-eyes rule, the own-membership rule and the proof rule."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from claims import services
from claims.models import Claim, ClaimApproval, ClaimStatus, DocumentRequirement
from jmo_portal.exceptions import ApplicationError
from participants.models import AuditRecord, Block, BlockKind
from tests.claims.helpers import make_participant, png_upload, ready_claim, under_review
from tests.conftest import staff_api, staff_login
from tests.factories import UserFactory
from tests.frontoffice.conftest import make_block

pytestmark = pytest.mark.django_db
ADMIN_CLAIMS = "/admin/claims/claim/"


def _admin(username: str):
    user = UserFactory(username=username, is_staff=True, is_superuser=True)
    user.groups.add(Group.objects.get_or_create(name="admin")[0])
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    staff_login(user, client)
    return user, client


def _approve_in_admin(client, claim):
    return client.post(
        ADMIN_CLAIMS,
        {"action": "approve", "_selected_action": [claim.pk]},
        follow=True,
    )


def test_the_admin_approve_action_obeys_the_four_eyes_rule(bank):  # noqa: F811
    claim = under_review(60_000_000)
    first, first_client = _admin("admin_one")
    _second, second_client = _admin("admin_two")

    _approve_in_admin(first_client, claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_REVIEW
    assert ClaimApproval.objects.get(claim=claim).officer == first
    assert AuditRecord.objects.filter(action="claim_first_approval").count() == 1

    again = _approve_in_admin(first_client, claim)
    assert "A second, different officer must approve" in again.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_REVIEW

    _approve_in_admin(second_client, claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


@pytest.fixture
def officer_member():
    """A claims officer who is also a member: created with their own NIK."""
    member = make_participant(balance=20_000_000)
    call_command(
        "create_staff", "sari", "--role", "admin", "--password", "Rahasia-123",
        "--nik", member.nik,
    )  # fmt: skip
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="sari"), member


def test_an_officer_cannot_approve_or_reject_their_own_claim_even_in_the_admin(
    officer_member,
    bank,  # noqa: F811
):
    officer, member = officer_member
    claim = under_review(participant=member)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    staff_login(officer, client)

    page = _approve_in_admin(client, claim)

    assert "You cannot act on your own membership" in page.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_REVIEW
    with pytest.raises(ApplicationError) as refused:
        services.claim_reject(claim=claim, actor=officer, reason="no")
    assert refused.value.code == "own_record" and refused.value.status == 403


def test_an_officer_cannot_unblock_their_own_membership(officer_member):
    officer, member = officer_member
    block = make_block(member, BlockKind.KPJ)
    api = staff_api(officer)

    response = api.post(
        f"/api/v1/desk/blocks/{block.pk}/unblock/",
        {"reason": "my own", "identity_checked": True},
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "own_record"
    assert Block.objects.get(pk=block.pk).lifted_at is None
    page = staff_login(officer)
    page.post(
        reverse("frontoffice:unblock", args=[block.pk]),
        {"reason": "my own", "identity_checked": "on"},
    )
    assert Block.objects.get(pk=block.pk).lifted_at is None


def test_an_officer_cannot_correct_their_own_data_or_take_their_own_reference(
    officer_member,
):
    from biometrics.services import face_reference_create
    from participants.services.data_update_desk import data_update_desk_confirm
    from tests.biometrics import images

    officer, member = officer_member
    with pytest.raises(ApplicationError) as corrected:
        data_update_desk_confirm(
            participant=member,
            actor=officer,
            documents_seen=["ktp", "kk"],
            corrections={"address": "Jl. Lain 2"},
            reason="my own data",
        )
    assert corrected.value.code == "own_record"
    with pytest.raises(ApplicationError) as photo:
        face_reference_create(
            participant=member,
            image=images.raw("obama", 1),
            source="desk",
            actor=officer,
            reason="my own face",
        )
    assert photo.value.code == "own_record"


@pytest.mark.parametrize(
    ("claim_type", "proof"),
    [("leave_country", {"passport", "exit_visa"}), ("disability", {"doctor_letter"})],
)
def test_claims_that_need_proof_go_to_an_officer_with_the_proof_required(
    claim_type,
    proof,
    bank,  # noqa: F811
):
    # Even with the policy's document list switched off and a small balance.
    DocumentRequirement.objects.filter(claim_type=claim_type).update(active=False)
    participant = make_participant(balance=5_000_000)

    claim = ready_claim(participant, claim_type=claim_type)

    assert claim.channel == "review"
    assert proof <= {r["kind"] for r in claim.requirements}
    with pytest.raises(ApplicationError) as refused:
        services.claim_submit(claim=claim)
    assert refused.value.code == "not_ready"
    for kind in proof:
        services.claim_document_add(claim=claim, kind=kind, upload=png_upload())
    assert services.claim_submit(claim=claim).status == ClaimStatus.UNDER_REVIEW


def test_a_claim_without_its_proof_is_never_approved(bank, claims_officer_user):  # noqa: F811
    claim = under_review(5_000_000, claim_type="leave_country")
    # A claim from before the rule: its snapshot lacked the exit evidence.
    claim.documents.filter(kind="exit_visa").delete()

    with pytest.raises(ApplicationError) as refused:
        services.claim_approve(claim=claim, actor=claims_officer_user)

    assert refused.value.code == "proof_missing"
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.UNDER_REVIEW


def test_a_death_claim_is_never_started_online():
    with pytest.raises(ApplicationError) as refused:
        services.claim_start(participant=make_participant(), claim_type="death")
    assert refused.value.code == "not_online"
