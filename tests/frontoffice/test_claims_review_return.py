"""The desk claims pages and the member's claim page after a review decision:
return for correction, the fix, resending, the appeal and its second officer."""

from django.urls import reverse

from claims.models import ClaimStatus
from tests.claims.helpers import png_upload, under_review
from tests.frontoffice.conftest import login

S = ClaimStatus


def member_page(claim):
    client = login(claim.participant.user)
    return client, reverse("claims:detail", args=[claim.reference])


def test_an_officer_returns_a_claim_and_the_member_fixes_only_that(reviewer, db):
    claim = under_review()
    page = reviewer.get(reverse("frontoffice:claim", args=[claim.reference]))
    html = page.content.decode()
    assert 'id="return-fields"' in html and 'value="bank_account"' in html
    assert 'value="ktp"' in html  # the claim's own document list
    decide = reverse("frontoffice:decide", args=[claim.reference])
    response = reviewer.post(
        decide,
        {"decision": "return", "note": "KTP photo is blurred", "fields": ["ktp"]},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == S.RETURNED
    queue = reviewer.get(reverse("frontoffice:claims")).content.decode()
    assert 'id="returned-claims"' in queue and claim.reference in queue

    member, url = member_page(claim)
    html = member.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "KTP photo is blurred" in html and 'data-field="ktp"' in html
    assert 'data-field="kk"' not in html  # only what the officer asked for
    documents = reverse("claims:documents", args=[claim.reference])
    step = member.get(documents).content.decode()
    assert 'value="ktp"' in step and 'value="kk"' not in step
    response = member.post(documents, {"kind": "kk", "file": png_upload("kk.png")})
    assert response.status_code == 302
    resubmit = reverse("claims:resubmit", args=[claim.reference])
    member.post(resubmit)
    claim.refresh_from_db()
    assert claim.status == S.RETURNED  # the asked KTP is not fixed yet
    member.post(documents, {"kind": "ktp", "file": png_upload("ktp-sharp.png")})
    html = member.get(url).content.decode()
    assert 'data-field="ktp" data-fixed="1"' in html
    member.post(resubmit)
    claim.refresh_from_db()
    assert claim.status == S.UNDER_REVIEW
    html = reviewer.get(reverse("frontoffice:claim", args=[claim.reference]))
    assert 'id="corrections"' in html.content.decode()


def test_a_return_without_a_field_is_refused_on_the_page(reviewer, db):
    claim = under_review()
    decide = reverse("frontoffice:decide", args=[claim.reference])
    response = reviewer.post(
        decide, {"decision": "return", "note": "fix it"}, follow=True
    )
    claim.refresh_from_db()
    assert claim.status == S.UNDER_REVIEW
    assert response.redirect_chain[-1][0].endswith(
        reverse("frontoffice:claim", args=[claim.reference])
    )


def test_an_appeal_from_the_claim_page_is_decided_by_another_officer(
    reviewer, second_reviewer, db
):
    claim = under_review()
    decide = reverse("frontoffice:decide", args=[claim.reference])
    reviewer.post(decide, {"decision": "reject", "note": "Letter unsigned"})
    member, url = member_page(claim)
    html = member.get(url).content.decode()
    assert 'id="appeal-form"' in html
    # The reason box is described by its help text, which is on the page.
    assert 'aria-describedby="id_reason_helptext"' in html
    assert 'id="id_reason_helptext"' in html
    member.post(reverse("claims:appeal", args=[claim.reference]), {"reason": ""})
    claim.refresh_from_db()
    assert claim.status == S.REJECTED
    member.post(
        reverse("claims:appeal", args=[claim.reference]),
        {"reason": "It is signed on page two."},
    )
    claim.refresh_from_db()
    assert claim.status == S.APPEALED
    html = member.get(url).content.decode()
    assert 'id="appeal"' in html and 'id="appeal-form"' not in html

    queue = reviewer.get(reverse("frontoffice:claims")).content.decode()
    assert claim.reference in queue
    reviewer.post(decide, {"decision": "approve", "note": "ok"})
    claim.refresh_from_db()
    assert claim.status == S.APPEALED  # the officer who rejected cannot decide
    second_reviewer.post(decide, {"decision": "approve", "note": "signature found"})
    claim.refresh_from_db()
    assert claim.status in (S.APPROVED, S.PAYOUT_PENDING, S.PAID)


def test_the_member_cancels_a_claim_under_review_from_the_page(reviewer, db):
    claim = under_review()
    member, url = member_page(claim)
    assert 'id="cancel-claim"' in member.get(url).content.decode()
    cancel = reverse("claims:cancel", args=[claim.reference])
    # one tap only asks: the claim is cancelled from the confirmation page
    asked = member.get(cancel).content.decode()
    assert 'id="cancel-yes"' in asked and 'id="cancel-no"' in asked
    member.post(cancel)  # a POST without the confirmation changes nothing
    claim.refresh_from_db()
    assert claim.status == S.UNDER_REVIEW
    member.post(cancel, {"confirm": "yes"})
    claim.refresh_from_db()
    assert claim.status == S.CANCELLED
    page = member.get(url).content.decode()
    assert 'id="cancel-claim"' not in page
    assert 'id="sla-due"' not in page  # no promise on a cancelled claim
    assert member.get(cancel).url == url  # nothing left to confirm
