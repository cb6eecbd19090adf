"""Every route × every role, generated from the URL resolver and the API schema.

Each named route has an access class below; a route the resolver knows that is
not in the table (or an API schema path without a route in it) fails the test,
so a new page or endpoint cannot ship without a stated expectation. The roles:
anonymous, participant A, participant B, front office, claims officer, admin,
and a front-office officer who is also a member (their own NIK on file).

A refusal is 401/403 or a redirect to a login page (or, for a staff login on
participant pages, to the desk); "hidden" routes may also answer 404, so that
nobody learns whether somebody else's object exists. Objects in the URL are
dummies: allowed roles get 200 or 404 (or 400/405/409...), never a refusal.
The per-object checks (B never sees A's data) live in
tests/frontoffice/test_authorization_matrix.py.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from frontoffice.staff import staff_create
from tests.conftest import STAFF_PASSWORD, staff_login

ROLES = ["anonymous", "A", "B", "front_office", "officer", "admin", "staff_member"]
STAFF = {"front_office", "officer", "admin", "staff_member"}
# access class -> roles allowed (everyone else refused)
EVERYONE = set(ROLES)
LOGGED_IN = EVERYONE - {"anonymous"}
PARTICIPANTS = {"A", "B"}
DESK = {"front_office", "admin", "staff_member"}
OFFICERS = {"officer", "admin"}
DESK_OR_OFFICERS = DESK | OFFICERS
ADMINS = {"admin"}

# route -> (allowed roles, hidden: refusals may be 404 too)
ROUTES: dict[str, tuple[set, bool]] = {
    # public pages and documents
    ":home": (EVERYONE, False),
    ":set_language": (EVERYONE, False),
    ":schema": (EVERYONE, False),
    ":api-docs": (EVERYONE, False),
    ":api-token": (EVERYONE, False),
    ":robots": (EVERYONE, False),
    "participants:login": (EVERYONE, False),
    "participants:logout": (EVERYONE, False),
    "participants:activate": (EVERYONE, False),
    "participants:activate_email": (EVERYONE, False),
    "participants:activate_code": (EVERYONE, False),
    "participants:activate_code_resend": (EVERYONE, False),
    "participants:activate_password": (EVERYONE, False),
    "participants:password_reset": (EVERYONE, False),
    "participants:password_reset_done": (EVERYONE, False),
    "participants:password_reset_confirm": (EVERYONE, False),
    "participants:password_reset_complete": (EVERYONE, False),
    "claims:bank-callback": (set(), False),  # only the bank, with its token
    "notifications:sms-report": (set(), False),  # only the SMS gateway, with its token
    "claims:paper-verify": (EVERYONE, False),  # a paper's code: masked facts
    "participants:card-verify": (EVERYONE, False),  # a card's QR: masked facts
    "frontoffice:login": (EVERYONE, False),
    "frontoffice:logout": (EVERYONE, False),
    "frontoffice:kiosk": (EVERYONE, False),
    "tutorials:detail": (EVERYONE, False),
    "tutorials:media": (EVERYONE, False),
    "tutorials:faq": (EVERYONE, False),
    "tutorials:branches": (EVERYONE, False),
    "tutorials:quiz_list": (EVERYONE, False),
    "tutorials_api:list": (EVERYONE, False),
    # operations: liveness probes; metrics for staff and allow-listed scrapers
    # (the test client's 127.0.0.1 is on the default allow-list)
    ":health": (EVERYONE, False),
    ":metrics": (EVERYONE, False),
    # any login
    ":api-logout-everywhere": (LOGGED_IN, False),
    "participants:logout_everywhere": (LOGGED_IN, False),
    # the participant's own pages and API
    "participants:dashboard": (PARTICIPANTS, False),
    "participants:profile": (PARTICIPANTS, False),
    "participants:card": (PARTICIPANTS, False),
    "participants:channels": (PARTICIPANTS, False),
    "participants:card-image": (PARTICIPANTS, False),
    "participants:update": (PARTICIPANTS, False),
    "participants:update-membership": (PARTICIPANTS, False),
    "participants:update-contact": (PARTICIPANTS, False),
    "participants:update-phone": (PARTICIPANTS, False),
    "participants:update-population": (PARTICIPANTS, False),
    "participants:update-emergency": (PARTICIPANTS, False),
    "participants:update-review": (PARTICIPANTS, False),
    "notifications:inbox": (PARTICIPANTS, False),
    "notifications:open": (PARTICIPANTS, True),
    "biometrics:guidance": (PARTICIPANTS, False),
    "biometrics:update-selfie": (PARTICIPANTS, False),
    "biometrics:capture": (PARTICIPANTS, False),
    "biometrics:attempt": (PARTICIPANTS, True),
    "claims:index": (PARTICIPANTS, False),
    "claims:start": (PARTICIPANTS, False),
    "claims:detail": (PARTICIPANTS, True),
    "claims:continue": (PARTICIPANTS, True),
    "claims:kpj": (PARTICIPANTS, True),
    "claims:bank": (PARTICIPANTS, True),
    "claims:documents": (PARTICIPANTS, True),
    "claims:document": (PARTICIPANTS | DESK_OR_OFFICERS, True),
    "claims:selfie": (PARTICIPANTS, True),
    "claims:review": (PARTICIPANTS, True),
    "claims:cancel": (PARTICIPANTS, True),
    "claims:resubmit": (PARTICIPANTS, True),
    "claims:appeal": (PARTICIPANTS, True),
    # the papers a member keeps: the owner and claims staff (claims/papers.py)
    "claims:receipt": (PARTICIPANTS | OFFICERS, True),
    "claims:payment": (PARTICIPANTS | OFFICERS, True),
    "claims:tax-slip": (PARTICIPANTS | OFFICERS, True),
    "claims_api:receipt": (PARTICIPANTS | OFFICERS, True),
    "claims_api:payment": (PARTICIPANTS | OFFICERS, True),
    "claims_api:tax-slip": (PARTICIPANTS | OFFICERS, True),
    "tutorials:quiz_join": (LOGGED_IN, False),  # a wrong code: back to the list
    "tutorials:quiz_detail": (PARTICIPANTS, True),
    "tutorials:quiz_entry": (PARTICIPANTS, True),
    "participants_api:me": (PARTICIPANTS, False),
    "participants_api:balance": (PARTICIPANTS, False),
    "participants_api:contributions": (PARTICIPANTS, False),
    "participants_api:profile": (PARTICIPANTS, False),
    "participants_api:profile-phone-code": (PARTICIPANTS, False),
    "participants_api:profile-phone-verify": (PARTICIPANTS, False),
    "participants_api:profile-confirm": (PARTICIPANTS, False),
    "participants_api:profile-section": (PARTICIPANTS, False),
    "biometrics_api:status": (PARTICIPANTS, False),
    "biometrics_api:selfie-create": (PARTICIPANTS, False),
    "biometrics_api:challenge-create": (PARTICIPANTS, False),
    "biometrics_api:selfie-detail": (PARTICIPANTS, True),
    "claims_api:list": (PARTICIPANTS, False),
    "claims_api:detail": (PARTICIPANTS, True),
    "claims_api:kpj-check": (PARTICIPANTS, True),
    "claims_api:bank-account": (PARTICIPANTS, True),
    "claims_api:documents": (PARTICIPANTS, True),
    "claims_api:submit": (PARTICIPANTS, True),
    "claims_api:cancel": (PARTICIPANTS, True),
    "claims_api:appeal": (PARTICIPANTS, True),
    # face photos: the owner, and the desk (audited)
    "biometrics:selfie-image": (PARTICIPANTS | DESK, True),
    "biometrics:reference-photo": (DESK, True),
    # the desk
    "frontoffice:index": (DESK_OR_OFFICERS, False),
    "frontoffice:participant": (DESK, False),
    "frontoffice:reference": (DESK, False),
    "frontoffice:data-update": (DESK, False),
    "frontoffice:unblock": (DESK, False),
    "frontoffice:selfie-thumbnail": (DESK, False),
    "frontoffice:queue": (DESK, False),
    "frontoffice:call-next": (DESK, False),
    "frontoffice:ticket-finish": (DESK, False),
    "frontoffice:stats": (DESK, False),
    "frontoffice_api:blocks": (DESK, False),
    "frontoffice_api:unblock": (DESK, False),
    "frontoffice_api:participants": (DESK, False),
    "frontoffice_api:participant-reference": (DESK, False),
    "frontoffice_api:participant-data-update": (DESK, False),
    "tutorials:quiz_staff_list": (DESK, False),
    "tutorials:quiz_staff_create": (DESK, False),
    "tutorials:quiz_staff_detail": (DESK, True),
    "tutorials:quiz_staff_action": (DESK, True),
    # claims officers
    "frontoffice:claims": (OFFICERS, False),
    "frontoffice:claim": (OFFICERS, False),
    "frontoffice:decide": (OFFICERS, False),
    "frontoffice:claim-document": (OFFICERS, False),
    "frontoffice_api:claim-return": (OFFICERS, False),
    "frontoffice_api:claim-approve": (OFFICERS, False),
    "frontoffice_api:claim-reject": (OFFICERS, False),
    # admins
    "frontoffice:audit": (ADMINS, False),
    "frontoffice:policy": (ADMINS, False),
    "frontoffice:tradeoff": (ADMINS, False),
    "frontoffice_api:policy": (ADMINS, False),
    # the effectiveness figures: admins and the management role
    "insights:page": (ADMINS, False),
    "insights:csv": (ADMINS, False),
    "insights_api:figures": (ADMINS, False),
}
LOGIN_PAGES = ("/login/", "/desk/login/", "/admin/login/")


def _routes(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            route = prefix + str(entry.pattern)
            if route.startswith("admin/"):
                continue  # the Django admin: its own test below
            yield from _routes(entry, route, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = entry.name or route.split(".")[0].strip("/")
            yield f"{namespace}:{name}", route


def _dummy(route: str) -> str:
    """Put harmless values into the path converters (objects that do not exist)."""

    def value(match):
        kind, name = match.group(1), match.group(2)
        if kind == "int":
            return "987654"
        if name == "branch":
            return "pusat"
        if name == "section":
            return "contact"
        return "nope-x"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def test_every_route_has_an_expectation():
    known = dict(_routes())
    assert set(known) - set(ROUTES) == set(), "routes without an expectation"
    assert set(ROUTES) - set(known) == set(), "expectations without a route"


def test_every_api_schema_path_is_a_route_in_the_table(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    routes = {
        re.sub(r"<[^>]+>", "{}", "/" + route)
        for name, route in _routes()
        if name in ROUTES
    }
    paths = {re.sub(r"{[^}]+}", "{}", path) for path in schema["paths"]}
    assert paths - routes == set()


@pytest.fixture
def role_clients(
    participant_user, other_participant_user, front_office_user, claims_officer_user,
    admin_user, branch,
):  # fmt: skip
    member = staff_create(
        username="desk_member",
        role="front_office",
        password=STAFF_PASSWORD,
        nik=participant_user.participant.nik,
    ).user
    clients = {"anonymous": Client()}
    for role, user in [("A", participant_user), ("B", other_participant_user)]:
        clients[role] = Client()
        clients[role].force_login(user)
    for role, user in [
        ("front_office", front_office_user),
        ("officer", claims_officer_user),
        ("admin", admin_user),
        ("staff_member", member),
    ]:
        clients[role] = staff_login(user)
    return clients


def _answer(response, role: str) -> str:
    """ "refused" (401/403, sent to a login page or, staff on a member page, to the
    desk), "hidden" (404) or "served" (anything else)."""
    if response.status_code in (401, 403):
        return "refused"
    if response.status_code == 404:
        return "hidden"
    if response.status_code == 302:
        where = response["Location"].split("?")[0]
        if where.endswith(LOGIN_PAGES):
            return "refused"
        if role in STAFF and where.endswith("/desk/"):
            return "refused"
    return "served"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_its_class_says(role, role_clients):
    client = role_clients[role]
    wrong = []
    for name, route in _routes():
        allowed, hidden = ROUTES[name]
        if name in (":api-logout-everywhere", "participants:logout_everywhere"):
            continue  # it would end this role's session: tested in test_sessions
        if name in ("participants:logout", "frontoffice:logout"):
            continue
        if name == ":health":
            continue  # an async view: tested over HTTP in tests/test_ops.py
        url = _dummy(route)
        for method in ("get", "post", "put", "patch"):
            response = getattr(client, method)(url)
            if response.status_code != 405:
                break
        answer = _answer(response, role)
        if role in allowed:
            ok = answer != "refused"  # 404: the dummy object does not exist
        else:
            ok = answer == "refused" or (hidden and answer == "hidden")
        if not ok:
            wrong.append((name, url, response.status_code, response.get("Location")))
    assert wrong == []


@pytest.mark.django_db
def test_the_django_admin_is_for_admins_only(role_clients):
    url = "/admin/participants/auditrecord/"
    for role, client in role_clients.items():
        response = client.get(url)
        if role == "admin":
            assert response.status_code == 200
        elif role in STAFF:  # a staff login, but no admin permissions
            assert response.status_code == 403, role
        else:
            assert response.status_code == 302, role
            assert "/admin/login/" in response["Location"]
