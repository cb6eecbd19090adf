"""Every staff and API URL × the cast gives the expected status.

The frontoffice URLs are listed one by one (a URL missing from the table fails
the completeness test); the other apps' API and staff URLs are swept from the
URL resolver with generic rules; participant-owned URLs are checked across
participants (the other participant always gets a 404 or 403, never data).
"""

import io

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from biometrics.models import SelfieAttempt
from claims.models import Claim, ClaimDocument
from frontoffice.models import WalkInTicket
from participants.models import BlockKind
from tests.conftest import staff_login
from tests.frontoffice.conftest import make_block

CAST = ["anonymous", "participant", "other", "front_office", "claims", "admin"]
LOGIN = "login"  # a redirect to the staff login page
NOT_STAFF = [LOGIN, 403, 403]  # anonymous, participant, other participant


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (90, 90, 90)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def world(participant_user, other_participant_user, branch):
    """Participant A's block, failed selfie, claim and document."""
    owner = participant_user.participant
    # The claim below is payable: approving it quotes it on this balance.
    type(owner).objects.filter(pk=owner.pk).update(balance=20_000_000)
    block = make_block(owner, BlockKind.KPJ)
    selfie = SelfieAttempt(
        participant=owner, status="not_matched", counted=True, image_sha256="a" * 64
    )
    selfie.image.save("s.jpg", ContentFile(_jpeg()), save=True)
    claim = Claim.objects.create(
        reference="JHT-MATRIX-1",
        participant=owner,
        claim_type="resign",
        status="under_review",
        channel="review",
        balance_at_start=20_000_000,
        gross=20_000_000,
        tax=0,
        net=20_000_000,
        bank_code="BCA",
        account_number="1234567890",
        account_holder=owner.full_name,
    )
    document = ClaimDocument(
        claim=claim, kind="paklaring", content_type="image/jpeg", size=100
    )
    document.file.save("d.jpg", ContentFile(_jpeg()), save=True)
    ticket = WalkInTicket.objects.create(
        branch="pusat", day="2026-01-01", prefix="A", number=1, reason="biometric"
    )
    return {
        "participant": owner,
        "block": block,
        "selfie": selfie,
        "claim": claim,
        "document": document,
        "ticket": ticket,
    }


@pytest.fixture
def clients(
    participant_user,
    other_participant_user,
    front_office_user,
    claims_officer_user,
    admin_user,
):
    users = [
        None,
        participant_user,
        other_participant_user,
        front_office_user,
        claims_officer_user,
        admin_user,
    ]
    result = {}
    for name, user in zip(CAST, users, strict=True):
        client = Client()
        if user is not None and user.is_staff:
            staff_login(user, client)
        elif user is not None:
            client.force_login(user)
        result[name] = client
    return result


# name -> (method, args from the world, expected per CAST)
FRONTOFFICE = {
    "index": ("get", None, [*NOT_STAFF, 200, 302, 200]),
    "login": ("get", None, [200] * 6),
    "participant": ("get", "participant", [*NOT_STAFF, 200, 403, 200]),
    "unblock": ("get", "block", [*NOT_STAFF, 200, 403, 200]),
    "reference": ("get", "participant", [*NOT_STAFF, 200, 403, 200]),
    "data-update": ("get", "participant", [*NOT_STAFF, 200, 403, 200]),
    "selfie-thumbnail": ("get", "selfie", [*NOT_STAFF, 200, 403, 200]),
    "audit": ("get", None, [*NOT_STAFF, 403, 403, 200]),
    "policy": ("get", None, [*NOT_STAFF, 403, 403, 200]),
    "tradeoff": ("get", None, [*NOT_STAFF, 403, 403, 200]),
    "claims": ("get", None, [*NOT_STAFF, 403, 200, 200]),
    "claim": ("get", "claim", [*NOT_STAFF, 403, 200, 200]),
    "decide": ("post", "claim", [*NOT_STAFF, 403, 302, 302]),
    "claim-document": ("get", "document", [*NOT_STAFF, 403, 200, 200]),
    "kiosk": ("get", "branch", [200] * 6),
    "queue": ("get", "branch", [*NOT_STAFF, 200, 403, 200]),
    "call-next": ("post", "branch", [*NOT_STAFF, 302, 403, 302]),
    "ticket-finish": ("post", "ticket", [*NOT_STAFF, 302, 403, 302]),
    "stats": ("get", None, [*NOT_STAFF, 200, 403, 200]),
    "logout": ("post", None, [302] * 6),  # last: it ends the sessions
}
FRONTOFFICE_API = {
    "blocks": ("get", None, [401, 403, 403, 200, 403, 200]),
    "unblock": ("post", "block", [401, 403, 403, 400, 403, 400]),
    "policy": ("get", None, [401, 403, 403, 403, 403, 200]),
    "participants": ("get", None, [401, 403, 403, 200, 403, 200]),
    "participant-reference": ("post", "participant", [401, 403, 403, 400, 403, 400]),
    "participant-data-update": ("post", "participant", [401, 403, 403, 409, 403, 409]),
    # A claim under review: no reason is a 400; the officer approves it, so the
    # admin after them finds it decided (409).
    "claim-return": ("post", "claim", [401, 403, 403, 403, 400, 400]),
    "claim-approve": ("post", "claim", [401, 403, 403, 403, 200, 409]),
    "claim-reject": ("post", "claim", [401, 403, 403, 403, 400, 400]),
}
# The effectiveness figures: admins and the management role only.
INSIGHTS = {
    "page": ("get", None, [*NOT_STAFF, 403, 403, 200]),
    "csv": ("get", "figure", [*NOT_STAFF, 403, 403, 200]),
}
INSIGHTS_API = {"figures": ("get", None, [401, 403, 403, 403, 403, 200])}
TABLES = {
    "frontoffice": FRONTOFFICE,
    "frontoffice_api": FRONTOFFICE_API,
    "insights": INSIGHTS,
    "insights_api": INSIGHTS_API,
}


def _args(world, key):
    if key is None:
        return []
    if key == "branch":
        return ["pusat"]
    if key == "figure":
        return ["funnel"]
    if key == "claim":
        return [world["claim"].reference]
    if key == "document":
        return [world["claim"].reference, world["document"].pk]
    return [world[key].pk]


def _check(response, expected, who: str, url: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302, (who, url, response.status_code)
        assert response["Location"].startswith(reverse("frontoffice:login")), (
            who,
            url,
        )
    else:
        assert response.status_code == expected, (who, url, response.status_code)


def _all_patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _all_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield namespace, entry.name, prefix + str(entry.pattern), entry


def test_every_frontoffice_url_is_in_the_matrix():
    names = {
        (ns, name)
        for ns, name, _route, _p in _all_patterns()
        if ns.startswith(("front", "insights"))
    }
    listed = {(ns, n) for ns, table in TABLES.items() for n in table}
    assert names == listed


@pytest.mark.parametrize("namespace", list(TABLES))
def test_frontoffice_urls_give_the_expected_status(namespace, world, clients):
    table = TABLES[namespace]
    for name, (method, key, expected) in table.items():
        url = reverse(f"{namespace}:{name}", args=_args(world, key))
        if name == "tradeoff":
            url += "?threshold=0.47&max_attempts=3"
        for who, status in zip(CAST, expected, strict=True):
            response = getattr(clients[who], method)(url)
            _check(response, status, who, url)


def _dummy(route: str) -> str:
    """Fill path converters with harmless values (auth is checked first)."""
    import re

    route = route.lstrip("^").rstrip("$")
    return "/" + re.sub(
        r"<(?:(\w+):)?\w+>",
        lambda m: "1" if m.group(1) == "int" else "x",
        route.replace("\\Z", ""),
    )


PUBLIC_API = {"tutorials_api", "schema", "api-docs", "api-token"}


def test_no_other_api_answers_anonymous_or_staff_only_pages_participants(clients):
    checked = 0
    for ns, name, route, _p in _all_patterns():
        if "(?P" in route or route.startswith("admin/"):
            continue
        url = _dummy(route)
        if ns.endswith("_api") and ns not in PUBLIC_API and name not in PUBLIC_API:
            for method in ("get", "post"):
                status = getattr(clients["anonymous"], method)(url).status_code
                assert status in (401, 403, 405), (url, method, status)
            checked += 1
        elif "staff" in (name or "") or "staff/" in route:
            for who in ("anonymous", "participant"):
                response = clients[who].get(url)
                assert response.status_code in (302, 403, 404, 405), (url, who)
            checked += 1
    assert checked >= 8


OWNED = [
    ("biometrics_api:selfie-detail", "selfie", 404),
    ("biometrics:attempt", "selfie", 404),
    ("biometrics:selfie-image", "selfie", 404),
    ("claims_api:detail", "claim", 404),
    ("claims:detail", "claim", 404),
    ("claims:document", "document", 404),
]


@pytest.mark.parametrize(("name", "key", "other_status"), OWNED)
def test_no_participant_data_crosses_participants(
    name, key, other_status, world, clients
):
    url = reverse(name, args=_args(world, key))
    assert clients["participant"].get(url).status_code == 200
    other = clients["other"].get(url)
    assert other.status_code == other_status
    assert world["participant"].full_name.encode() not in other.content
    assert clients["anonymous"].get(url).status_code in (302, 401, 403)


@pytest.mark.parametrize(
    ("name", "key"),
    [("biometrics:selfie-image", "selfie"), ("frontoffice:selfie-thumbnail", "selfie")],
)
def test_a_failed_selfie_is_shown_to_the_officer_not_to_the_claims_officer(
    name, key, world, clients
):
    url = reverse(name, args=_args(world, key))
    assert clients["front_office"].get(url).status_code == 200
    assert clients["claims"].get(url).status_code in (403, 404)
    assert clients["other"].get(url).status_code in (403, 404)


def test_django_admin_is_closed_to_participants(clients):
    url = reverse("admin:participants_auditrecord_changelist")
    for who in ("anonymous", "participant", "other"):
        response = clients[who].get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert clients["admin"].get(url).status_code == 200
    record_url = reverse("admin:participants_auditrecord_add")
    assert clients["admin"].get(record_url).status_code == 403


# The participant's own pages and API: each member sees only their own record.
TO_LOGIN = "to the participant login"
PARTICIPANT_OWN = {
    "participants_api:me": [401, 200, 200, 403, 403, 403],
    "participants_api:balance": [401, 200, 200, 403, 403, 403],
    "participants_api:contributions": [401, 200, 200, 403, 403, 403],
    "participants:dashboard": [TO_LOGIN, 200, 200, 302, 302, 302],  # staff: desk
    "participants:profile": [TO_LOGIN, 200, 200, 302, 302, 302],
    "participants:update": [TO_LOGIN, 200, 200, 403, 403, 403],
    "participants:update-review": [TO_LOGIN, 302, 302, 403, 403, 403],
    "biometrics:update-selfie": [TO_LOGIN, 302, 302, 403, 403, 403],
    "participants_api:profile": [401, 200, 200, 403, 403, 403],
    "notifications:inbox": [TO_LOGIN, 200, 200, 403, 403, 403],
}


@pytest.mark.parametrize("name", PARTICIPANT_OWN)
def test_participant_pages_and_api_give_the_expected_status(name, world, clients):
    url = reverse(name)
    for who, expected in zip(CAST, PARTICIPANT_OWN[name], strict=True):
        response = clients[who].get(url)
        if expected == TO_LOGIN:
            assert response.status_code == 302, (who, url)
            assert response["Location"].startswith(reverse("participants:login"))
        else:
            assert response.status_code == expected, (who, url, response.status_code)
        if who != "participant":
            owner = world["participant"]
            assert owner.full_name.encode() not in response.content, (who, url)
            assert owner.kpj.encode() not in response.content, (who, url)
