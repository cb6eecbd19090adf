import pytest

from claims import services
from claims.models import Claim, ClaimStatus
from tests.claims.helpers import make_participant, pass_selfie
from tests.conftest import staff_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client):
    participant = make_participant()
    client.force_login(participant.user)
    return client, participant


def test_the_ticks_page_shows_each_condition_and_death_is_not_online(logged_in):
    client, _participant = logged_in
    page = client.get("/claims/").content.decode()
    assert 'id="type-resign"' in page and 'id="type-death"' in page
    assert "tick-ok" in page
    assert "claim-jht" in page  # the help link goes to the tutorial
    assert "Mengundurkan diri" in page  # Bahasa Indonesia first


def test_the_wizard_saves_each_step_and_resumes(bank, logged_in):
    client, participant = logged_in
    response = client.post("/claims/start/", {"claim_type": "resign"})
    claim = Claim.objects.get(participant=participant)
    assert response.url == f"/claims/{claim.reference}/continue/"
    assert client.get(response.url).url.endswith("/kpj/")
    page = client.post(f"/claims/{claim.reference}/kpj/", {"kpj_number": "99999999999"})
    assert page.status_code == 200 and 'id="attempts-left"' in page.content.decode()
    response = client.post(
        f"/claims/{claim.reference}/kpj/", {"kpj_number": participant.kpj}
    )
    assert response.status_code == 302
    # leave and come back: the wizard resumes at the bank step
    assert client.get(f"/claims/{claim.reference}/continue/").url.endswith("/bank/")
    bad = client.post(
        f"/claims/{claim.reference}/bank/",
        {"bank_code": "BCA", "account_number": "9000000002",
         "account_holder": participant.full_name},
    )  # fmt: skip
    assert bad.status_code == 200 and "alert error" in bad.content.decode()
    client.post(
        f"/claims/{claim.reference}/bank/",
        {"bank_code": "BCA", "account_number": "1234567890",
         "account_holder": participant.full_name},
    )  # fmt: skip
    selfie = client.get(f"/claims/{claim.reference}/continue/")
    assert selfie.url.endswith("/selfie/")
    page = client.get(selfie.url).content.decode()
    assert f"/selfie/?next=/claims/{claim.reference}/continue/" in page
    pass_selfie(participant)
    review = client.get(f"/claims/{claim.reference}/continue/").url
    assert review.endswith("/review/")
    page = client.get(review).content.decode()
    assert "Rp 12.000.000" in page and 'id="submit-claim"' in page
    response = client.post(review)
    assert response.url == f"/claims/{claim.reference}/"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED  # paid once the payout runs
    page = client.get(response.url).content.decode()
    assert 'class="timeline"' in page and "sla-due" in page
    # a step of a submitted claim only leads back to the claim
    assert client.get(f"/claims/{claim.reference}/kpj/").url == response.url


def test_the_partial_claim_review_warns_about_later_tax(bank, logged_in):
    from tests.factories import EmploymentFactory

    client, participant = logged_in
    EmploymentFactory(participant=participant, start="2025-01-01", end=None)
    claim = services.claim_start(participant=participant, claim_type="partial_30")
    services.claim_kpj_check(claim=claim, kpj_number=participant.kpj)
    services.claim_bank_account_set(
        claim=claim, bank_code="BNI", account_number="123456789",
        account_holder=participant.full_name,
    )  # fmt: skip
    page = client.get(f"/claims/{claim.reference}/review/").content.decode()
    assert 'id="partial-warning"' in page


def test_another_participants_claim_pages_are_404(logged_in, client):
    owner = make_participant()
    claim = services.claim_start(participant=owner, claim_type="resign")
    viewer, _me = logged_in
    for step in ("", "continue/", "kpj/", "bank/", "review/"):
        assert viewer.get(f"/claims/{claim.reference}/{step}").status_code == 404
    assert viewer.post(f"/claims/{claim.reference}/cancel/").status_code == 404
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT


def test_a_forged_claim_type_from_the_form_is_a_message(logged_in):
    client, participant = logged_in
    response = client.post("/claims/start/", {"claim_type": "bonus"}, follow=True)
    assert "msg error" in response.content.decode()
    assert not Claim.objects.filter(participant=participant).exists()


def test_staff_cannot_open_participant_pages(client, front_office_user):
    staff_login(front_office_user, client)
    assert client.get("/claims/").status_code == 403


def test_the_dashboard_card_shows_the_open_claim_or_the_way_to_start(logged_in):
    from django.template import Context, Template

    _client, participant = logged_in
    template = Template("{% load claims_tags %}{% claims_card participant %}")
    assert 'href="/claims/"' in template.render(Context({"participant": participant}))
    claim = services.claim_start(participant=participant, claim_type="resign")
    html = template.render(Context({"participant": participant}))
    assert claim.reference in html and f"/claims/{claim.reference}/continue/" in html


def test_a_locked_kpj_page_says_where_the_desk_is_and_when_it_opens(logged_in):
    from tutorials.models import Branch

    client, participant = logged_in
    branch = Branch.objects.create(
        name="Kantor Cabang Uji", address="Jl. Uji 1", hours_id="Senin 08.00",
        hours_en="Monday 08:00", position=0,
    )  # fmt: skip
    client.post("/claims/start/", {"claim_type": "resign"})
    claim = Claim.objects.get(participant=participant)
    for _ in range(3):
        client.post(f"/claims/{claim.reference}/kpj/", {"kpj_number": "99999999999"})
    html = client.get(f"/claims/{claim.reference}/kpj/").content.decode()
    assert 'id="kpj-locked"' in html
    assert branch.name in html and branch.address in html and "Senin 08.00" in html
    assert "when-blocked" in html  # the tutorial for blocked participants


def test_the_documents_step_gives_the_reason_documents_are_needed(logged_in):
    client, participant = logged_in  # balance Rp 12.000.000: under the online cap
    client.post("/claims/start/", {"claim_type": "disability"})
    claim = Claim.objects.get(participant=participant)
    page = client.get(f"/claims/{claim.reference}/documents/").content.decode()
    assert "Jenis klaim ini memerlukan bukti berapa pun saldo Anda" in page
    assert "di atas batas klaim online" not in page
    services.claim_cancel(claim=claim)
    rich = make_participant(balance=20_000_000)
    client.force_login(rich.user)
    client.post("/claims/start/", {"claim_type": "resign"})
    claim = Claim.objects.get(participant=rich)
    page = client.get(f"/claims/{claim.reference}/documents/").content.decode()
    assert "Saldo Anda di atas batas klaim online" in page


def test_a_member_whose_face_check_is_blocked_sees_it_before_starting(logged_in):
    from participants.models import BlockKind
    from participants.services.guards import attempt_register_failure

    client, participant = logged_in
    client.post("/claims/start/", {"claim_type": "resign"})
    claim = Claim.objects.get(participant=participant)
    for _ in range(3):  # three selfies that did not match
        attempt_register_failure(
            participant=participant, kind=BlockKind.BIOMETRIC, max_attempts=3,
            reason="Wajah tidak cocok",
        )  # fmt: skip
    selfie = client.get(f"/claims/{claim.reference}/selfie/").content.decode()
    assert 'id="blocked"' in selfie and 'id="selfie-start"' not in selfie
    assert "loket" in selfie  # the way out: a front-office desk
    services.claim_cancel(claim=claim)
    page = client.get("/claims/").content.decode()
    assert 'id="blocked"' in page
    assert "Verifikasi wajah Anda diblokir" in page
    assert "Mulai klaim ini" not in page  # no claim to start and never finish


def test_the_npwp_hint_is_read_out_with_its_field(client):
    # Above Rp 50.000.000 the bank step asks for the NPWP; its hint says why, and a
    # screen reader reads it with the field only when the field points at it.
    participant = make_participant(balance=60_000_000)
    client.force_login(participant.user)
    claim = services.claim_start(participant=participant, claim_type="resign")
    services.claim_kpj_check(claim=claim, kpj_number=participant.kpj)
    page = client.get(f"/claims/{claim.reference}/bank/").content.decode()
    assert 'aria-describedby="id_npwp_helptext"' in page
    assert '<span class="helptext" id="id_npwp_helptext">Wajib:' in page
