"""The OpenAPI schema documents every status an operation answers (API.md: "a
client generated from /api/schema/ must handle every response it gets").

The fuzz (tests/test_api_fuzz.py) checks the statuses it meets; this walks the
whole schema for the ones every operation of a kind can give, and pins those an
adversarial API run found missing (401/403 on most operations, 409 and 423 on
the KPJ check, 429 and 503 on the phone code).
"""

import pytest

pytestmark = pytest.mark.django_db

ERROR = {"$ref": "#/components/schemas/Error"}


@pytest.fixture
def operations(client) -> dict:
    schema = client.get("/api/schema/", {"format": "json"}).json()
    return {
        (method.upper(), path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_operation_that_needs_a_login_documents_401_and_403(operations):
    needs_login = {
        key: op
        for key, op in operations.items()
        if op.get("security") and {} not in op["security"]
    }
    assert len(needs_login) > 30
    missing = {
        key: sorted({"401", "403"} - set(op["responses"]))
        for key, op in needs_login.items()
        if not {"401", "403"} <= set(op["responses"])
    }
    assert missing == {}


def test_every_error_answer_is_documented_with_its_json_body(operations):
    bare = [
        (key, status)
        for key, op in operations.items()
        for status, response in op["responses"].items()
        if status[0] in "45"
        and "schema" not in response.get("content", {}).get("application/json", {})
    ]
    assert bare == []


def test_generic_answers_are_documented_where_they_apply(operations):
    for (method, path), op in operations.items():
        statuses = set(op["responses"])
        if "requestBody" in op:
            assert {"400", "415"} <= statuses, (method, path)
        if "{" in path:
            assert "404" in statuses, (method, path)
        if method == "POST":  # anonymous POSTs are counted per address
            assert "429" in statuses, (method, path)


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("POST", "/api/v1/claims/{reference}/kpj-check/", "400 401 403 404 409 423"),
        ("POST", "/api/v1/claims/", "400 401 403 409 429"),
        ("GET", "/api/v1/claims/", "401 403"),
        ("GET", "/api/v1/claims/{reference}/", "401 403 404"),
        ("GET", "/api/v1/biometrics/status/", "401 403"),
        ("GET", "/api/v1/biometrics/selfies/{id}/", "401 403 404"),
        ("POST", "/api/v1/biometrics/selfies/", "400 401 403 409 415 423 429"),
        ("POST", "/api/v1/profile/phone/verify/", "400 401 403 409 429"),
        ("POST", "/api/v1/profile/phone/code/", "401 403 409 429 503"),
        ("GET", "/api/v1/policy/", "401 403"),
        ("PATCH", "/api/v1/policy/", "400 401 403"),
        ("POST", "/api/v1/desk/blocks/{id}/unblock/", "400 401 403 404 409"),
        ("POST", "/api/v1/desk/participants/{id}/data-update/", "400 401 403 404"),
        ("GET", "/api/v1/contributions/", "401 403 404"),  # past the last page
    ],
)
def test_the_statuses_an_adversarial_run_met_are_documented(
    operations, method, path, statuses
):
    responses = operations[(method, path)]["responses"]
    assert set(statuses.split()) <= set(responses)
    for status in statuses.split():
        assert responses[status]["content"]["application/json"]["schema"] == ERROR
