"""The policy page and /api/v1/policy/: validation, history, immediate effect."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from biometrics.models import BiometricPolicy, CalibrationRun, LivenessRun
from biometrics.selectors import biometric_status
from biometrics.services import selfie_submit
from claims.document_labels import document_label
from claims.models import ClaimPolicy
from frontoffice.policy import policy_values
from participants.models import AccountPolicy, AuditRecord
from tests.biometrics import images
from tests.conftest import staff_api

POLICY = "/api/v1/policy/"


def _form(**changes) -> dict:
    data = {k: str(v) for k, v in policy_values().items()}
    data.update({k: str(v) for k, v in changes.items()})
    data.setdefault("reason", "Field study recommendation")
    return data


@pytest.fixture
def calibration(db):
    return CalibrationRun.objects.create(
        dataset="dev",
        people=5,
        photos=16,
        genuine_distances=[0.30, 0.40, 0.45, 0.50, 0.55],
        impostor_distances=[0.50, 0.60, 0.70, 0.80],
        lookalike_distances=[0.50, 0.60],
    )


@pytest.fixture
def admin_api(admin_user):
    return staff_api(admin_user)


def test_raising_max_attempts_applies_to_the_next_selfie_and_is_in_the_history(
    admin, admin_user, obama, calibration, django_capture_on_commit_callbacks
):
    def send(person: str, n: int = 1):
        with django_capture_on_commit_callbacks(execute=True):
            selfie_submit(participant=obama, image=images.raw(person, n))

    send("biden")
    send("kit_harington")
    response = admin.post(reverse("frontoffice:policy"), _form(max_attempts=5))
    assert response.status_code == 302
    send("rose_leslie")  # the third failure: with 3 it would block
    status = biometric_status(participant=obama)
    assert (status["blocked"], status["attempts_left"]) == (False, 2)
    send("alex_lacamoire")
    send("biden", 2)
    assert biometric_status(participant=obama)["blocked"] is True

    page = admin.get(reverse("frontoffice:policy")).content.decode()
    history = page[page.index('id="policy-history"') :]
    assert "Percobaan swafoto sebelum diblokir" in history and "3 → 5" in history
    assert "max_attempts" not in history
    assert admin_user.username in history
    record = BiometricPolicy.history.first()
    assert record.history_user == admin_user
    audit = AuditRecord.objects.get(action="policy_change")
    assert (audit.old_value, audit.new_value) == (
        {"max_attempts": 3},
        {"max_attempts": 5},
    )
    preview = admin.get(
        reverse("frontoffice:tradeoff"), {"threshold": "0.47", "max_attempts": "5"}
    ).json()
    assert preview["max_attempts"] == 5
    assert preview["genuine_blocked"] == pytest.approx(0.4**5)
    assert preview["impostor_accepted"] == 0.0  # no impostor pair at <= 0.47


@pytest.mark.parametrize(
    ("field", "value", "why"),
    [
        ("max_attempts", 0, "1"),
        ("max_attempts", 11, "10"),
        ("max_attempts", "2.5", "bulat"),
        ("match_threshold", "0.75", "0.60"),
        ("match_threshold", "0.2", "0.30"),
        ("online_cap", 0, "positif"),
        ("kpj_max_attempts", "abc", "angka"),
    ],
)
def test_the_page_refuses_insane_values_and_says_why(admin, field, value, why):
    response = admin.post(reverse("frontoffice:policy"), _form(**{field: value}))
    assert response.status_code == 200
    assert why in response.content.decode()
    assert BiometricPolicy.current().max_attempts == 3
    assert not AuditRecord.objects.exists()


def test_the_tradeoff_preview_follows_the_threshold(admin, calibration):
    url = reverse("frontoffice:tradeoff")
    strict = admin.get(url, {"threshold": "0.35", "max_attempts": "3"}).json()
    loose = admin.get(url, {"threshold": "0.60", "max_attempts": "3"}).json()
    assert strict["genuine_blocked"] > loose["genuine_blocked"]
    assert strict["impostor_accepted"] < loose["impostor_accepted"]
    assert len(strict["by_threshold"]) == 31 and len(strict["by_attempts"]) == 10
    bad = admin.get(url, {"threshold": "0.9", "max_attempts": "3"})
    assert bad.status_code == 400


def test_the_preview_suggests_the_highest_threshold_for_the_attempt_limit(admin):
    """One look-alike pair in 200 at 0.40: with one try that is 0.5% of look-alikes
    through (under 1%), with five tries 2.5% (over), so the suggestion moves below
    it. The policy's own limit is what counts, as typed."""
    CalibrationRun.objects.create(
        dataset="dev",
        genuine_distances=[0.30, 0.45],
        impostor_distances=[0.70],
        lookalike_distances=[0.40] + [0.50] * 199,
    )
    url = reverse("frontoffice:tradeoff")
    one = admin.get(url, {"threshold": "0.43", "max_attempts": "1"}).json()
    five = admin.get(url, {"threshold": "0.43", "max_attempts": "5"}).json()
    assert (one["suggested_threshold"], five["suggested_threshold"]) == (0.495, 0.395)
    # The saved limit, 3 tries: 1.5% through at 0.40.
    page = admin.get(reverse("frontoffice:policy")).content.decode()
    assert 'id="suggested-threshold">0.395</strong>' in page


def test_the_preview_shows_what_liveness_costs_genuine_members(admin, calibration):
    LivenessRun.objects.create(
        dataset="dev", genuine=20, genuine_not_live=4, attacks=100, attacks_live=1
    )
    url = reverse("frontoffice:tradeoff")
    typed = {"threshold": "0.47", "max_attempts": "3"}
    # Saved policy: liveness off, so not-live results block nobody.
    off = admin.get(url, typed).json()
    on = admin.get(url, {**typed, "liveness_required": "1"}).json()
    free = admin.get(
        url, {**typed, "liveness_required": "1", "not_live_counts": "0"}
    ).json()
    assert off["genuine_not_live"] == pytest.approx(0.2) == on["genuine_not_live"]
    assert off["attacks_live"] == pytest.approx(0.01)
    assert (off["not_live_counted"], on["not_live_counted"]) == (False, True)
    frr = 2 / 5  # of the calibration fixture's genuine distances, above 0.47
    assert off["genuine_blocked"] == pytest.approx(frr**3) == free["genuine_blocked"]
    assert on["genuine_blocked"] == pytest.approx((1 - 0.8 * (1 - frr)) ** 3)
    bad = admin.get(url, {**typed, "liveness_required": "2"})
    assert bad.status_code == 400
    page = admin.get(reverse("frontoffice:policy")).content.decode()
    assert 'id="genuine-not-live">20.00%' in page
    assert 'id="attacks-live">1.00%' in page


def test_the_tradeoff_preview_without_a_calibration_run(admin):
    body = admin.get(
        reverse("frontoffice:tradeoff"), {"threshold": "0.47", "max_attempts": "3"}
    ).json()
    assert body["has_calibration"] is False and body["genuine_blocked"] is None
    assert body["suggested_threshold"] is None
    page = admin.get(reverse("frontoffice:policy")).content.decode()
    assert 'id="tradeoff-none"' in page and 'id="liveness-none"' in page


def test_api_get_lists_every_policy(admin_api):
    body = admin_api.get(POLICY).json()
    assert body["max_attempts"] == 3
    assert body["match_threshold"] == "0.430"
    assert body["online_cap"] == ClaimPolicy.current().online_cap
    assert {"kpj_max_attempts", "four_eyes_above", "tax_brackets", "tradeoff"} <= set(
        body
    )
    # No liveness run stored yet: the preview says so rather than a share.
    assert body["tradeoff"]["liveness_run_id"] is None


def test_api_patch_validates_saves_and_records_the_user(admin_api, admin_user):
    response = admin_api.patch(
        POLICY,
        {"max_attempts": 11, "kpj_max_attempts": 4, "nonsense": 1},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"max_attempts", "nonsense"}
    assert AccountPolicy.current().kpj_max_attempts == 3  # nothing half-saved

    response = admin_api.patch(
        POLICY,
        {"match_threshold": "0.5", "kpj_max_attempts": 4, "reason": "pilot"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["match_threshold"] == "0.500"
    assert BiometricPolicy.current().match_threshold == Decimal("0.500")
    assert AccountPolicy.history.first().history_user == admin_user
    audit = AuditRecord.objects.get(action="policy_change")
    assert audit.new_value == {"match_threshold": "0.500", "kpj_max_attempts": 4}
    assert audit.reason == "pilot"
    assert {c["field"] for c in response.json()["history"]} == {
        "match_threshold",
        "kpj_max_attempts",
    }


def test_api_patch_with_nothing_is_a_400(admin_api):
    assert admin_api.patch(POLICY, {}, format="json").status_code == 400


def test_document_lists_tax_brackets_and_yield_rates_change_with_history(
    admin, admin_user
):
    from claims.models import DocumentRequirement, TaxBracket
    from participants.models import YieldRate

    doc = DocumentRequirement.objects.filter(active=True).first()
    bracket = TaxBracket.objects.first()
    others = DocumentRequirement.objects.exclude(pk=doc.pk).filter(active=True)
    data = {
        "form": "rows",
        "doc_ids": [str(d.pk) for d in [doc, *others]],
        **{f"doc_{d.pk}": "on" for d in others},  # `doc` unticked: switched off
        f"bracket_{bracket.pk}": str(bracket.rate_bp + 100),
        "yield_year": "2026",
        "yield_rate": "650",
        "rows_reason": "New regulation",
    }
    assert admin.post(reverse("frontoffice:policy"), data).status_code == 302
    doc.refresh_from_db()
    assert doc.active is False
    assert TaxBracket.objects.get(pk=bracket.pk).rate_bp == bracket.rate_bp + 100
    assert YieldRate.objects.get(year=2026).rate_bp == 650
    audit = AuditRecord.objects.get(action="policy_change")
    assert audit.new_value[f"document:{doc.claim_type}/{doc.kind}"] is False
    assert audit.new_value["yield:2026"] == 650 and audit.actor == admin_user
    page = admin.get(reverse("frontoffice:policy")).content.decode()
    history = page[page.index('id="policy-history"') :]
    with translation.override("id"):
        label = f"{doc.get_claim_type_display()}: {document_label(doc.kind, doc.label)}"
    assert f"{label}: wajib" in history
    assert f"{label}: wajib</td><td>ya → tidak</td>" in history  # not True → False
    assert "Hasil pengembangan tahun 2026: tarif (basis poin)" in history
    assert f"{doc.claim_type}/{doc.kind}" not in history
    assert DocumentRequirement.history.filter(history_user=admin_user).exists()


def test_document_requirements_read_in_the_viewers_language(admin, settings):
    from claims.models import DocumentRequirement

    DocumentRequirement.objects.filter(kind="ktp").update(label="KTP (identity card)")
    typed = DocumentRequirement.objects.filter(kind="kk").first()
    typed.label = "Kartu Keluarga asli dan fotokopi"
    typed.save()
    form = _rows_form(admin.get(reverse("frontoffice:policy")))
    assert "KTP (kartu tanda penduduk)" in form and "identity card" not in form
    assert "Kartu Keluarga asli dan fotokopi" in form  # typed by an admin: as typed
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "KTP (identity card)" in _rows_form(admin.get(reverse("frontoffice:policy")))


def _rows_form(response) -> str:
    page = response.content.decode()
    return page[page.index('id="policy-rows-form"') :]


def test_row_policies_refuse_insane_rates(admin_api):
    from claims.models import TaxBracket

    bracket = TaxBracket.objects.first()
    response = admin_api.patch(
        POLICY,
        {
            "tax_brackets": [{"id": bracket.pk, "rate_bp": 9000}],
            "yield_rates": [{"year": 2026, "rate_bp": -1}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        f"tax_brackets.{bracket.pk}",
        "yield_rates.2026",
    }
    response = admin_api.patch(
        POLICY,
        {"tax_brackets": [{"id": bracket.pk, "rate_bp": 600}], "reason": "api"},
        format="json",
    )
    assert response.status_code == 200
    row = next(b for b in response.json()["tax_brackets"] if b["id"] == bracket.pk)
    assert row["rate_bp"] == 600


def test_the_first_change_of_a_seeded_policy_row_shows_old_and_new(admin_api):
    ClaimPolicy.history.all().delete()  # as seeded by a data migration
    body = admin_api.patch(POLICY, {"online_cap": 20_000_000}, format="json").json()
    change = next(c for c in body["history"] if c["field"] == "online_cap")
    assert (change["old"], change["new"]) == ("15000000", "20000000")


@pytest.mark.parametrize("body", [[{"max_attempts": 5}], "max_attempts=5", 5])
def test_api_patch_with_a_body_that_is_not_an_object_is_a_clear_400(admin_api, body):
    details = {}
    with translation.override("id"):  # keep the request's language in this test
        for lang in ("en", "id"):
            response = admin_api.patch(
                POLICY, body, format="json", HTTP_ACCEPT_LANGUAGE=lang
            )
            assert response.status_code == 400
            assert response.json()["code"] == "not_an_object"
            details[lang] = response.json()["detail"]
    assert "JSON object" in details["en"] and "objek JSON" in details["id"]
    assert BiometricPolicy.current().max_attempts == 3
    assert not AuditRecord.objects.exists()


@pytest.mark.parametrize(
    "change",
    [{"max_attempts": 4}, {"yield_rates": [{"year": 2031, "rate_bp": 600}]}],
)
@pytest.mark.parametrize("reason", ["nul\x00byte", ["a list"], {"an": "object"}])
def test_api_patch_with_a_reason_the_database_cannot_hold_is_a_400(
    admin_api, change, reason
):
    """A NUL in the reason was a 500 (PostgreSQL cannot hold one); a list was
    stored as its Python text. Found by an adversarial API run."""
    from participants.models import YieldRate

    answers = {}
    with translation.override("id"):  # keep the request's language in this test
        for lang in ("en", "id"):
            response = admin_api.patch(
                POLICY, {**change, "reason": reason}, format="json",
                HTTP_ACCEPT_LANGUAGE=lang,
            )  # fmt: skip
            assert response.status_code == 400, response.content
            assert response.json()["code"] == "invalid"
            answers[lang] = response.json()["errors"]["reason"]
    assert answers["en"] != answers["id"]  # in the request's language
    assert BiometricPolicy.current().max_attempts == 3
    assert not YieldRate.objects.filter(year=2031).exists()
    assert not AuditRecord.objects.filter(action="policy_change").exists()


def test_the_lists_and_rates_form_needs_a_reason_like_the_first(admin):
    from claims.models import TaxBracket

    bracket = TaxBracket.objects.first()
    data = {"form": "rows", f"bracket_{bracket.pk}": str(bracket.rate_bp + 100)}
    page = admin.post(reverse("frontoffice:policy"), {**data, "rows_reason": " "})
    assert page.status_code == 302
    assert TaxBracket.objects.get(pk=bracket.pk).rate_bp == bracket.rate_bp
    assert not AuditRecord.objects.exists()
    shown = admin.get(reverse("frontoffice:policy")).content.decode()
    assert "Tuliskan alasan perubahan ini." in shown


def test_rupiah_typed_with_thousands_dots_is_read_as_written(admin):
    """The page writes rupiah as "Rp 15.000.000": "50.000" was saved as Rp 50 and
    "1.000.000" refused."""
    response = admin.post(
        reverse("frontoffice:policy"), _form(four_eyes_above="50.000.000")
    )
    assert response.status_code == 302
    assert ClaimPolicy.current().four_eyes_above == 50_000_000


def test_a_second_tab_saves_only_what_it_changed(admin):
    """Two tabs opened on the same values: the second one's save put back the
    first one's change before (every field was posted and saved)."""

    def opened_page(**changes) -> dict:
        shown = {k: str(v) for k, v in policy_values().items()}
        return _form(**changes) | {f"initial-{k}": v for k, v in shown.items()}

    tab_a = opened_page(online_cap=20_000_000)
    tab_b = opened_page(four_eyes_above=40_000_000)
    assert admin.post(reverse("frontoffice:policy"), tab_a).status_code == 302
    assert admin.post(reverse("frontoffice:policy"), tab_b).status_code == 302
    policy = ClaimPolicy.current()
    assert (policy.online_cap, policy.four_eyes_above) == (20_000_000, 40_000_000)
