"""HTTP client of the bank's disbursement gateway (API.md). Never call inside atomic()."""

import os

import requests
from django.conf import settings

from jmo_portal.gateway import answer_json, described, refusal, request_within

# The statuses of a refusal (with the bank's JSON `error_code`): any other answer
# is transient (jmo_portal/gateway.py), and the payout is sent again with the same
# key; an officer is alerted if it lasts (PAYOUT_ALERT_AFTER_SWEEPS).
REFUSALS = {400, 409, 422}


def _timeout() -> tuple[float, float]:
    # BANK_TIMEOUT_SECONDS: the read timeout; the fault tests shorten it.
    return (3.05, float(os.environ.get("BANK_TIMEOUT_SECONDS", "5")))


class BankError(Exception):
    """The bank answered with a definite refusal (4xx)."""

    def __init__(self, message: str, *, status: int = 400, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class BankTransientError(Exception):
    """Timeout, cut connection, 5xx or no readable answer: the call may be repeated."""


def _request(method: str, path: str, **kwargs) -> requests.Response:
    headers = {"X-API-Key": settings.BANK_API_KEY, **kwargs.pop("headers", {})}
    url = settings.BANK_API_URL.rstrip("/") + path
    try:
        response = request_within(
            method,
            url,
            headers=headers,
            timeout=kwargs.pop("timeout", _timeout()),
            **kwargs,
        )
    except requests.RequestException as exc:
        # Timeouts, refused or reset connections, a body cut short.
        raise BankTransientError(f"{method} {path}: {type(exc).__name__}") from exc
    if response.status_code >= 500:
        raise BankTransientError(f"{method} {path}: HTTP {response.status_code}")
    return response


def _answer(response: requests.Response, kind: type) -> dict | list:
    body = answer_json(response, kind)
    if body is None:
        raise BankTransientError(described(response, "unreadable answer"))
    return body


def _error(response: requests.Response, refusals: set[int]) -> Exception:
    """The bank's refusal, or a transient error for any other answer."""
    body = refusal(response, refusals)
    if body is None:
        return BankTransientError(described(response, "not a refusal"))
    return BankError(
        body.get("message", f"HTTP {response.status_code}"),
        status=response.status_code,
        code=body["error_code"],
    )


def disbursement_create(*, idempotency_key: str, payload: dict) -> dict:
    response = _request(
        "POST",
        "/disbursements",
        json=payload,
        headers={"Idempotency-Key": idempotency_key},
    )
    if response.status_code not in (200, 201):
        raise _error(response, REFUSALS)
    return _answer(response, dict)


def disbursement_list(*, external_id: str) -> list[dict]:
    response = _request("GET", "/disbursements", params={"external_id": external_id})
    if response.status_code != 200:
        raise _error(response, set())
    return [row for row in _answer(response, list) if isinstance(row, dict)]


def account_inquiry(*, bank_code: str, account_number: str, name_hint: str) -> dict:
    """The holder name the bank has on file; BankError(404) for a closed account."""
    response = _request(
        "GET",
        "/account-inquiry",
        params={
            "bank_code": bank_code,
            "account_number": account_number,
            "name": name_hint,
        },
    )
    if response.status_code != 200:
        raise _error(response, REFUSALS | {404})
    return _answer(response, dict)
