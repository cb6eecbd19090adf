"""Who sees the figures: admins and the management role; page, CSV, API and schema."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from claims.models import Claim
from frontoffice.roles import MANAGEMENT, has_role
from insights.rollup import insights_rollup
from insights.tables import FIGURES
from participants.models import Participant
from tests.conftest import STAFF_PASSWORD, staff_api, staff_login
from tests.factories import UserFactory

from .history import history_build

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def manager(db):
    call_command("create_staff", "manager", "--role", "management", "--password",
                 STAFF_PASSWORD, stdout=io.StringIO())  # fmt: skip
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="manager")


def test_create_staff_gives_the_management_role_only(manager):
    assert list(manager.groups.values_list("name", flat=True)) == ["management"]
    assert has_role(manager, MANAGEMENT)
    assert not has_role(manager, "front_office") and not manager.is_superuser
    assert (
        Group.objects.get(name="admin")
        .permissions.filter(codename="insights_view")
        .exists()
    )


def test_participants_and_officers_without_the_permission_get_403(
    participant_user, front_office_user, claims_officer_user
):
    participant_client, participant_api = Client(), APIClient()
    participant_client.force_login(participant_user)
    participant_api.force_authenticate(participant_user)
    clients = [(participant_client, participant_api)] + [
        (staff_login(user), staff_api(user))
        for user in (front_office_user, claims_officer_user)
    ]
    for client, api in clients:
        assert client.get(reverse("insights:page")).status_code == 403
        assert client.get(reverse("insights:csv", args=["funnel"])).status_code == 403
        assert api.get(reverse("insights_api:figures")).status_code == 403
    assert APIClient().get(reverse("insights_api:figures")).status_code == 401
    anonymous = Client().get(reverse("insights:page"))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("frontoffice:login"))


def test_management_lands_on_the_figures_from_the_desk_index(manager):
    client = staff_login(manager)
    response = client.get(reverse("frontoffice:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("insights:page")


def test_the_page_shows_charts_tables_and_hides_small_groups(manager):
    history_build()
    insights_rollup(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    client = staff_login(manager)
    page = client.get(reverse("insights:page"), MARCH, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<svg") >= 7 and "<table" in html
    assert "hidden" in html
    assert "JHT-T0006" not in html  # the late claim is counted, not named
    assert "cdn" not in html.lower()
    indonesian = client.get(reverse("insights:page"), MARCH, HTTP_ACCEPT_LANGUAGE="id")
    assert "disembunyikan" in indonesian.content.decode()


def test_a_csv_per_figure_holds_the_table(admin_user):
    history_build()
    insights_rollup(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    client = staff_login(admin_user)
    url = reverse("insights:csv", args=["cash"])
    response = client.get(url, MARCH, HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Type"].startswith("text/csv")
    assert "insights-cash-2026-03-01-2026-03-31.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["Channel", "Claims paid"]
    # 5 online and 1 reviewed: both hidden (the funnel's 6 paid is their total).
    assert rows[1][1] == rows[2][1] == "hidden"
    assert client.get(reverse("insights:csv", args=["nope"])).status_code == 404
    bad = client.get(url, {"from": "2026-02-30"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400
    assert "valid date" in bad.content.decode()  # not a bare "invalid period"


def test_no_csv_holds_a_members_name_nik_kpj_account_or_claim(admin_user):
    history_build()
    insights_rollup(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    client = staff_login(admin_user)
    secrets = set()
    for p in Participant.objects.all():
        secrets |= {p.nik, p.kpj, p.full_name, p.email}
    for claim in Claim.objects.all():
        secrets |= {claim.reference, claim.account_number, claim.account_holder} - {""}
    assert len(secrets) > 20
    for key in FIGURES:
        url = reverse("insights:csv", args=[key])
        text = client.get(url, MARCH).content.decode()
        assert not [s for s in secrets if s and s in text], key


def test_the_api_answers_the_figures_and_explains_a_bad_period(admin_user):
    history_build()
    insights_rollup(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    api = staff_api(admin_user)
    data = api.get(reverse("insights_api:figures"), MARCH).json()
    assert data["funnel"][0] == {
        "step": "registered", "count": 7, "online": 7, "desk": 0, "drop": None,
        "median_hours": None, "online_median_hours": None, "desk_median_hours": None,
        "suppressed": [],
    }  # fmt: skip
    assert {"selfie_outcomes", "time_to_cash", "locks", "policy_changes"} <= set(data)
    assert "JHT-T" not in str(data)  # SLA breaches are counted, not named
    bad = api.get(
        reverse("insights_api:figures"),
        {"from": "2026-04-01", "to": "2026-03-01"},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_period"
    assert "periode" in bad.json()["detail"].lower()
    english = api.get(
        reverse("insights_api:figures"), {"from": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 400 and "date" in english.json()["detail"].lower()


def test_the_schema_documents_the_operation(admin_user):
    api = staff_api(admin_user)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/insights/" in schema and "insights_get" in schema
    assert "time_to_cash" in schema and "selfie_outcomes" in schema


def test_a_staff_user_without_a_group_is_refused(db):
    user = UserFactory(username="plain", is_staff=True)
    client = staff_login(user)
    assert client.get(reverse("insights:page")).status_code == 403


@pytest.mark.parametrize("period", [{"to": "9999-12-31"}, {"to": "0001-06-01"}])
def test_a_date_out_of_range_is_a_field_error_not_a_server_error(manager, period):
    """Year 9999 or year 1 overflowed the day arithmetic: a 500 on the page, the
    CSVs and the API."""
    client = staff_login(manager)
    page = client.get(reverse("insights:page"), period)
    assert page.status_code == 200 and page.context["form"].errors
    api = staff_api(manager).get("/api/v1/insights/", period)
    assert api.status_code == 400 and api.json()["code"] == "invalid_period"


def test_a_start_in_this_month_alone_runs_to_today(manager):
    """The default end is last month's end: a start in this month alone was
    refused as "the start must be before the end"."""
    client = staff_login(manager)
    today = dt.date.today()
    page = client.get(reverse("insights:page"), {"from": today.replace(day=1)})
    assert page.status_code == 200 and not page.context["form"].errors


def test_the_page_says_which_period_it_shows_when_the_dates_are_left_empty(manager):
    client = staff_login(manager)
    with time_machine.travel(dt.datetime(2026, 12, 2, 12, 0), tick=False):
        page = client.get(reverse("insights:page"), HTTP_ACCEPT_LANGUAGE="id")
    # The date boxes stay empty; the default (the last twelve full months) is named.
    assert "Angka dari 1 Desember 2025 sampai 30 November 2026" in page.content.decode()
    bad = client.get(reverse("insights:page"), {"from": "x"})
    assert 'id="period-shown"' not in bad.content.decode()


def test_the_branch_is_chosen_from_the_branches_and_an_unknown_one_is_refused(
    manager, branch
):
    """A mistyped branch showed a year of zero desk visits as if nobody came."""
    client = staff_login(manager)
    page = client.get(reverse("insights:page"))
    assert (
        f'<option value="{branch.code}">{branch.name}</option>' in page.content.decode()
    )
    assert (
        client.get(reverse("insights:page"), {"branch": branch.code})
        .context["form"]
        .is_valid()
    )
    typo = client.get(reverse("insights:page"), {"branch": "pusta"})
    assert "branch" in typo.context["form"].errors
    api = staff_api(manager).get(
        "/api/v1/insights/", {"branch": "pusta"}, HTTP_ACCEPT_LANGUAGE="id"
    )
    assert api.status_code == 400 and api.json()["code"] == "invalid_period"
    assert "pusta" in api.json()["detail"]
