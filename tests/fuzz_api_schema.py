"""DRAFT, not collected (not green yet): Schemathesis fuzzes the OpenAPI schema as a
participant and as an admin (not_a_server_error, response_schema_conformance).
Run: pip install schemathesis==4.32.5; pytest tests/fuzz_api_schema.py. Open: every
admin-role case answers 500 through the WSGI transport (not yet understood)."""

import pytest
from hypothesis import HealthCheck, settings
from schemathesis import openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from jmo_portal.wsgi import application

schema = openapi.from_wsgi("/api/schema/?format=json", application)
CHECKS = [not_a_server_error, response_schema_conformance]


def _participant_headers():
    from rest_framework.authtoken.models import Token

    from tests.conftest import _participant_user

    user = _participant_user()
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


def _admin_headers():
    from tests.conftest import _staff_user, staff_api

    client = staff_api(_staff_user("fuzz_admin", "admin"))
    return {"Authorization": client._credentials["HTTP_AUTHORIZATION"]}


@pytest.fixture
def headers(request, db, settings):
    # As Django's test client does: the WSGI calls must not close the test's
    # database connection at the end of each request.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    request.addfinalizer(
        lambda: (
            signals.request_started.connect(close_old_connections),
            signals.request_finished.connect(close_old_connections),
        )
    )
    # The fuzzer sends many requests from one address: no rate limit in the way.
    settings.RATE_LIMITS = {
        name: (10**6, window) for name, (_limit, window) in settings.RATE_LIMITS.items()
    }
    made: dict = {}
    makers = {"participant": _participant_headers, "admin": _admin_headers}

    def for_role(role: str) -> dict:
        if role not in made:
            made[role] = makers[role]()
        return made[role]

    return for_role


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["participant", "admin"])
@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_keeps_its_schema(case, role, headers):
    case.call_and_validate(headers=headers(role), checks=CHECKS)
