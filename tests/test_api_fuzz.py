"""Schemathesis fuzzes API v1 from its own OpenAPI schema, through the WSGI app.

A bounded run (a few examples per operation, fixed seed) as a participant (a
registry member who activated the account, with an API token) and as an admin
(password and TOTP code for the token, as staff must). Checks: no server error
(`not_a_server_error`), every status answered is documented for its operation
(`status_code_conformance`: API.md, a client generated from the schema handles
every response it gets) and every documented response matches its schema
(`response_schema_conformance`). Destructive operations are fine: a fuzzed
kpj-check may lock the member, as long as the answer is a documented one.
"""

import contextlib
import os

import pytest
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis import openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from jmo_portal.wsgi import application
from tests.conftest import STAFF_PASSWORD, totp_code
from tests.journey import PASSWORD, activate, registry_member

schema = openapi.from_wsgi("/api/schema/?format=json", application)
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# Bounded and repeatable for `make test` (about a minute for both roles, a fixed
# seed); a deeper run: FUZZ_EXAMPLES=100 pytest tests/test_api_fuzz.py, and with
# FUZZ_RANDOM=1 new inputs each run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
RANDOM = bool(os.environ.get("FUZZ_RANDOM"))


@contextlib.contextmanager
def _one_connection():
    """As Django's test client does: a WSGI request must not close the test's
    database connection (that would end the test's transaction). Around each
    call, not once per test: the test client connects the handlers again after
    each of its own requests (why an earlier draft's admin cases answered 500)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _token(credentials: dict) -> str:
    """A token from POST /api/v1/auth/token/, through the same WSGI app."""
    case = schema["/api/v1/auth/token/"]["POST"].Case(
        body=credentials, media_type="application/json"
    )
    with _one_connection():
        response = case.call()
    assert response.status_code == 200, response.text
    return response.json()["token"]


def _participant_token(member) -> str:
    activate(member)
    return _token({"username": member.email, "password": PASSWORD})


def _admin_token() -> str:
    from frontoffice.staff import staff_create

    admin = staff_create(
        username="fuzz_admin", role="admin", password=STAFF_PASSWORD
    ).user
    return _token(
        {
            "username": admin.username,
            "password": STAFF_PASSWORD,
            "otp_token": totp_code(admin),
        }
    )


@pytest.fixture
def auth(request, db, settings, tmp_path):
    # The fuzzer sends many requests from one address: no rate limit in the way.
    settings.RATE_LIMITS = {
        name: (10**6, window) for name, (_limit, window) in settings.RATE_LIMITS.items()
    }
    # A member on file for both roles: the desk's lists have a row to show.
    member = registry_member(tmp_path)
    made: dict[str, dict] = {}
    makers = {"participant": lambda: _participant_token(member), "admin": _admin_token}

    def headers(role: str) -> dict:
        if role not in made:
            made[role] = {"Authorization": f"Token {makers[role]()}"}
        return made[role]

    return headers


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["participant", "admin"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=not RANDOM,
    database=None,
    phases=[Phase.explicit, Phase.generate],
)
def test_the_api_keeps_its_schema(case, role, auth):
    headers = auth(role)
    with _one_connection():
        case.call_and_validate(headers=headers, checks=CHECKS)
