"""The load test of `make bench-load`: members and desk staff on the full stack.

Run by bench/load.py (which builds the world and starts the stack); plain Locust,
no Django import. Members log in (token and page session), open the dashboard and
poll the API a mobile app polls; one in five also claims JHT: the desk confirms
their data (a front-office login with its TOTP code), then they start a claim,
pass the KPJ check, upload the documents the claim asks for, give a bank
account, take a selfie with a real photo of themselves and submit. "selfie upload -> decision" is reported as its own row.
"""

import json
import os
import time
from collections import deque

import pyotp
from gevent.lock import Semaphore
from locust import HttpUser, between, events, task

# The desk's data update of a member (documents seen, corrections), as bench_api's.
with open(os.path.join(os.path.dirname(__file__), "desk_update.json")) as _file:
    DESK_UPDATE = json.load(_file)

WORLD = json.loads(open(os.environ["LOAD_WORLD"], encoding="utf-8").read())
CLAIM_SHARE = 5  # every fifth member claims
FINAL = {"matched", "not_matched", "rejected_quality", "error"}

_next_member = iter(range(len(WORLD["members"])))
_next_desk = iter(WORLD["staff"])
_to_confirm: deque = deque()  # claimers waiting for the desk
_confirmed: set[int] = set()
_lock = Semaphore()


def _json(response) -> dict:
    try:
        return response.json()
    except ValueError:
        return {}


def _call(client, method: str, path: str, auth: dict, name: str, **kwargs):
    """A request whose failure is reported with the API's error code."""
    with client.request(
        method, path, headers=auth, name=name, catch_response=True, **kwargs
    ) as response:
        if not response.ok:
            body = _json(response)
            response.failure(
                f"{response.status_code} {body.get('code', '')} {body.get('detail', '')}"
            )
    return response


class Member(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        with _lock:
            self.index = next(_next_member, None)
        if self.index is None:
            self.stop()
            return
        self.me = WORLD["members"][self.index]
        self.claimer = self.index % CLAIM_SHARE == 0
        self.claimed = False
        self.selfie_n = 0
        response = self.client.post(
            "/api/v1/auth/token/",
            json={"username": self.me["email"], "password": WORLD["password"]},
            name="login (API token)",
        )
        self.auth = {"Authorization": f"Token {_json(response).get('token', '')}"}
        self._page_login()
        if self.claimer:
            _to_confirm.append(self.me["id"])

    def _page_login(self):
        self.client.get("/login/", name="login page")
        self.client.post(
            "/login/",
            data={
                "username": self.me["email"],
                "password": WORLD["password"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": f"{self.host}/login/"},
            name="login (page)",
        )

    def _api(self, method: str, path: str, name: str, **kwargs):
        return _call(self.client, method, f"/api/v1/{path}", self.auth, name, **kwargs)

    @task(3)
    def dashboard(self):
        self.client.get("/dashboard/", name="dashboard page")

    @task(10)
    def poll(self):
        for path in ("balance/", "me/", "biometrics/status/", "claims/", "profile/"):
            self._api("GET", path, name=f"GET /api/v1/{path}")

    @task(2)
    def claim(self):
        if not self.claimer or self.claimed or self.me["id"] not in _confirmed:
            return
        self.claimed = True
        started = self._api(
            "POST", "claims/", json={"claim_type": "resign"}, name="claim start"
        )
        claim = _json(started)
        ref = claim.get("reference")
        if not ref:
            return
        for requirement in claim.get("requirements", []):
            with open(self.me["selfies"][-1], "rb") as scan:  # a JPEG "scan"
                self._api(
                    "POST",
                    f"claims/{ref}/documents/",
                    data={"kind": requirement["kind"]},
                    files={"file": ("scan.jpg", scan, "image/jpeg")},
                    name="claim document",
                )
        self._api(
            "POST",
            f"claims/{ref}/kpj-check/",
            json={"kpj_number": self.me["kpj"]},
            name="claim kpj-check",
        )
        self._api(
            "PUT",
            f"claims/{ref}/bank-account/",
            json={
                "bank_code": "BCA",
                "account_number": f"12{self.me['id']:08d}",
                "account_holder": self.me["name"],
            },
            name="claim bank-account",
        )
        while self.selfie_n < len(self.me["selfies"]):
            if self._selfie() == "matched":
                self._api("POST", f"claims/{ref}/submit/", name="claim submit")
                return
        # Out of photos of this face that match: a real member would try again
        # or go to a desk; counted here, not an error of the portal.
        events.request.fire(
            request_type="CLAIM",
            name="left: no selfie matched",
            response_time=0,
            response_length=0,
            exception=None,
            context={},
        )

    def _selfie(self) -> str:
        path = self.me["selfies"][self.selfie_n]
        self.selfie_n += 1
        with open(path, "rb") as photo:
            sent = self._api(
                "POST",
                "biometrics/selfies/",
                files={"image": ("selfie.jpg", photo, "image/jpeg")},
                name="selfie upload",
            )
        attempt = _json(sent).get("id")
        if not attempt:
            return "refused"
        t0 = time.perf_counter()
        status = ""
        while time.perf_counter() - t0 < 60:
            status = _json(
                self._api(
                    "GET", f"biometrics/selfies/{attempt}/", name="selfie result poll"
                )
            ).get("status", "")
            if status in FINAL:
                break
            time.sleep(0.25)
        events.request.fire(
            request_type="SELFIE",
            name="upload -> decision",
            response_time=(time.perf_counter() - t0) * 1000,
            response_length=0,
            exception=None if status in FINAL else TimeoutError("undecided"),
            context={},
        )
        return status


class DeskStaff(HttpUser):
    """A front-office officer: searches members, confirms data, unblocks."""

    fixed_count = len(WORLD["staff"])
    wait_time = between(1, 2)

    def on_start(self):
        with _lock:
            staff = next(_next_desk)
        response = self.client.post(
            "/api/v1/auth/token/",
            json={
                "username": staff["username"],
                "password": staff["password"],
                "otp_token": pyotp.TOTP(staff["secret"]).now(),
            },
            name="desk login (API token)",
        )
        self.auth = {"Authorization": f"Token {_json(response).get('token', '')}"}

    @task(3)
    def search(self):
        member = WORLD["members"][int(time.time() * 1000) % len(WORLD["members"])]
        _call(
            self.client,
            "GET",
            f"/api/v1/desk/participants/?q={member['kpj']}",
            self.auth,
            "desk search",
        )

    @task(5)
    def confirm_data(self):
        try:
            member_id = _to_confirm.popleft()
        except IndexError:
            return
        response = _call(
            self.client,
            "POST",
            f"/api/v1/desk/participants/{member_id}/data-update/",
            self.auth,
            "desk data update",
            json={
                **DESK_UPDATE,
                "reason": "Pengkinian data di meja layanan (uji beban)",
            },
        )
        if response.ok:
            _confirmed.add(member_id)

    @task(1)
    def unblock(self):
        blocks = _json(
            _call(self.client, "GET", "/api/v1/desk/blocks/", self.auth, "desk blocks")
        )
        for block in (blocks.get("results") or [])[:1]:
            _call(
                self.client,
                "POST",
                f"/api/v1/desk/blocks/{block['id']}/unblock/",
                self.auth,
                "desk unblock",
                json={
                    "reason": "Identitas diperiksa (uji beban)",
                    "identity_checked": True,
                },
            )


@events.quitting.add_listener
def _fail_on_errors(environment, **_kwargs):
    if environment.stats.total.num_failures:
        environment.process_exit_code = 1
