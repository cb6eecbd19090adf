"""API.md, line by line, where no other test pinned it: malformed and forged
input, JSON types, the enums and the money and date formats of the schema.

Every refusal is a 4xx `{detail, code}` in the request's language (Indonesian
when none is asked for) and leaves the data as it was. The statuses each
operation documents are in tests/test_api_schema.py; 401, 404 and 405 bodies in
tests/test_error_pages.py; 429 in tests/test_ratelimits.py.
"""

import pytest

from biometrics.models import SelfieAttempt
from claims import services
from claims.models import Claim, ClaimEvent
from participants.models import AuditRecord, Block, BlockKind, FailedAttempt
from participants.profile_models import ParticipantProfile, ProfileChange
from tests.claims.helpers import make_participant, png_upload
from tests.conftest import member_api, staff_api
from tests.frontoffice.conftest import make_block

pytestmark = pytest.mark.django_db

WATCHED = [
    Claim,
    ClaimEvent,
    Block,
    FailedAttempt,
    AuditRecord,
    ParticipantProfile,
    ProfileChange,
    SelfieAttempt,
]


def _snapshot() -> list:
    from participants.models import Participant

    return [
        list(model.objects.order_by("pk").values()) for model in [Participant, *WATCHED]
    ]


@pytest.fixture
def world(front_office_user):
    member = make_participant()
    other = make_participant()
    claim = services.claim_start(participant=member, claim_type="resign")
    other_claim = services.claim_start(participant=other, claim_type="resign")
    return {
        "member": member,
        "other": other,
        "claim": claim,
        "other_claim": other_claim,
        "block": make_block(other, BlockKind.KPJ),
        "api": member_api(member),
        "desk": staff_api(front_office_user),
    }


def _refused(response, code: str | None = None) -> dict:
    """A 4xx with the contract's error body, in Indonesian (the default)."""
    assert 400 <= response.status_code < 500, response.content[:300]
    body = response.json()
    assert isinstance(body, dict) and {"detail", "code"} <= set(body), body
    assert isinstance(body["detail"], str) and isinstance(body["code"], str)
    assert response["Content-Language"] == "id"
    if code is not None:
        assert body["code"] == code, body
    return body


# (client, method, path, a valid body) of the JSON writes a member or the desk sends
def _writes(w) -> list[tuple[str, str, str, dict]]:
    ref = w["claim"].reference
    m = w["member"]
    return [
        ("api", "post", "/api/v1/claims/", {"claim_type": "resign"}),
        ("api", "post", f"/api/v1/claims/{ref}/kpj-check/", {"kpj_number": m.kpj}),
        ("api", "put", f"/api/v1/claims/{ref}/bank-account/",
         {"bank_code": "BCA", "account_number": "1234567890",
          "account_holder": m.full_name}),
        ("api", "post", f"/api/v1/claims/{ref}/submit/", {}),
        ("api", "post", f"/api/v1/claims/{ref}/appeal/", {"reason": "salah"}),
        ("api", "put", "/api/v1/profile/contact/",
         {"phone": "081298765432", "address": "Jl. Baru 1", "postal_code": "10110"}),
        ("api", "put", "/api/v1/profile/membership/", {"correct": True}),
        ("api", "post", "/api/v1/profile/phone/verify/", {"code": "123456"}),
        ("desk", "post", f"/api/v1/desk/blocks/{w['block'].pk}/unblock/",
         {"reason": "KTP dilihat", "identity_checked": True}),
        ("desk", "post", f"/api/v1/desk/participants/{w['other'].pk}/data-update/",
         {"documents_seen": ["ktp", "kk"], "corrections": {}, "reason": "x"}),
    ]  # fmt: skip


UNREADABLE_BODIES = [
    (b"[]", "application/json"),
    (b'"text"', "application/json"),
    (b"42", "application/json"),
    (b"null", "application/json"),
    (b'{"reason": ', "application/json"),
    (b'{"reason": "\xff\xfe"}', "application/json"),  # not UTF-8
    ('{"reason": "caf\xe9"}'.encode("latin-1"), "application/json"),
    (b"reason=\xff\xfe&code=\xff", "application/x-www-form-urlencoded"),
    (b'{"reason": "x"}', "text/plain"),
    (b"<reason/>", "application/xml"),
]


def test_unreadable_bodies_are_refused_in_the_contracts_shape_and_change_nothing(
    world,
):
    before = _snapshot()
    for who, method, path, _body in _writes(world):
        client = world[who]
        for raw, content_type in UNREADABLE_BODIES:
            response = getattr(client, method)(path, raw, content_type=content_type)
            body = _refused(response)
            # The same refusal asked for in English is another message.
            english = getattr(client, method)(
                path, raw, content_type=content_type, HTTP_ACCEPT_LANGUAGE="en"
            )
            assert english["Content-Language"] == "en"
            assert english.json()["detail"] != body["detail"], (path, raw)
    assert _snapshot() == before


@pytest.mark.parametrize("wrong", [12345678901, 1.5, True, [], {}, None, "x" * 20_000])
def test_every_field_of_another_json_type_or_too_long_is_refused(world, wrong):
    before = _snapshot()
    for who, method, path, good in _writes(world):
        for field, value in good.items():
            if wrong == value:
                continue  # a valid value there (`corrections: {}`, `correct: true`)
            sent = {**good, field: wrong}
            response = getattr(world[who], method)(path, sent, format="json")
            _refused(response)
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("path", "field", "value"),
    [
        ("/api/v1/profile/contact/", "address", 12345),
        ("/api/v1/profile/contact/", "postal_code", 10110),
        ("/api/v1/profile/phone/verify/", "code", 123456),
    ],
)
def test_a_number_is_not_taken_for_a_text_field(world, path, field, value):
    """DRF's CharField turns 12345 into "12345": a client sending the wrong type
    must hear so, not find its number saved as text."""
    good = dict(next(w[3] for w in _writes(world) if w[2] == path))
    method = "put" if "contact" in path else "post"
    response = getattr(world["api"], method)(
        path, {**good, field: value}, format="json"
    )
    body = _refused(response, "invalid")
    assert list(body["errors"]) == [field]


def test_the_kpj_number_as_a_json_number_is_no_kpj_check(world):
    claim, member = world["claim"], world["member"]
    response = world["api"].post(
        f"/api/v1/claims/{claim.reference}/kpj-check/",
        {"kpj_number": int(member.kpj)},
        format="json",
    )
    _refused(response, "kpj_format")
    claim.refresh_from_db()
    assert claim.kpj_verified_at is None


def test_an_unblock_reason_must_be_text(world):
    response = world["desk"].post(
        f"/api/v1/desk/blocks/{world['block'].pk}/unblock/",
        {"reason": 12345, "identity_checked": True},
        format="json",
    )
    assert _refused(response, "invalid")["errors"].keys() == {"reason"}
    assert Block.objects.get(pk=world["block"].pk).lifted_at is None


FORGED = [
    {"participant": 0},
    {"participant_id": 0},
    {"user": 0},
    {"status": "paid"},
    {"amount": 1},
    {"net": 99_000_000},
]


@pytest.mark.parametrize("forged", FORGED, ids=lambda f: next(iter(f)))
def test_forged_owners_amounts_and_statuses_are_refused_everywhere(world, forged):
    """A member's write naming somebody else, an amount or a status is refused
    (400 `read_only`), not silently done for the login with the field dropped."""
    key = next(iter(forged))
    value = {
        "participant": world["other"].pk,
        "participant_id": world["other"].pk,
        "user": world["other"].user_id,
    }.get(key, forged[key])
    before = _snapshot()
    for who, method, path, good in _writes(world):
        if who != "api":
            continue
        response = getattr(world["api"], method)(
            path, {**good, key: value}, format="json"
        )
        assert _refused(response, "read_only")["fields"] == [key], path
    assert _snapshot() == before


def test_a_selfie_with_a_forged_status_is_refused_before_it_is_taken(world):
    response = world["api"].post(
        "/api/v1/biometrics/selfies/",
        {"image": png_upload(), "status": "matched"},
        format="multipart",
    )
    assert _refused(response, "read_only")["fields"] == ["status"]
    assert not SelfieAttempt.objects.exists()


@pytest.fixture
def schema(client) -> dict:
    return client.get("/api/schema/", {"format": "json"}).json()


def _component(schema, name: str) -> dict:
    return schema["components"]["schemas"][name]["properties"]


def test_the_selfie_status_enum_is_the_contracts(schema):
    contract = {"queued", "processing", "matched", "not_matched",
                "rejected_quality", "error", "not_live", "retry"}  # fmt: skip
    for name in ("SelfieCreated", "SelfieDetail"):
        status = _component(schema, name)["status"]
        enum = status.get("enum") or schema["components"]["schemas"][
            status["$ref"].rsplit("/", 1)[1]
        ].get("enum")
        assert set(enum) == contract, name


def test_the_profile_missing_sections_are_the_contracts(schema):
    profile = schema["paths"]["/api/v1/profile/"]["get"]["responses"]["200"]
    ref = profile["content"]["application/json"]["schema"]["$ref"]
    missing = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    items = missing["missing"]["items"]
    enum = items.get("enum") or schema["components"]["schemas"][
        items["$ref"].rsplit("/", 1)[1]
    ].get("enum")
    assert set(enum) == {
        "membership", "biometric", "contact", "phone", "population", "emergency"
    }  # fmt: skip


def test_money_is_an_integer_of_rupiah_and_dates_are_dates_in_the_schema(schema):
    balance = _component(schema, "Balance")
    for field in ("balance", "contributions_total", "yield_total"):
        assert balance[field]["type"] == "integer", field
    assert balance["as_of"]["format"] == "date"
    contribution = _component(schema, "Contribution")
    for field in ("wage", "worker_share", "employer_share", "amount"):
        assert contribution[field]["type"] == "integer", field
    claim_ref = schema["paths"]["/api/v1/claims/{reference}/"]["get"]["responses"][
        "200"
    ]["content"]["application/json"]["schema"]["$ref"]
    claim = schema["components"]["schemas"][claim_ref.rsplit("/", 1)[1]]["properties"]
    for field in ("gross", "tax", "net"):
        assert claim[field]["type"] == "integer", field
    assert claim["sla_due"]["format"] == "date"
