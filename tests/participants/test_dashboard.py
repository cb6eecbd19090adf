import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from participants.services.ledger import (
    ContributionLine,
    contributions_record,
    yield_post,
)
from tests.conftest import staff_login
from tests.factories import EmployerFactory, EmploymentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _months(start: dt.date, count: int) -> list[dt.date]:
    return [
        dt.date(
            start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1
        )
        for i in range(count)
    ]


def _history(participant, months: int, *, start=dt.date(2020, 1, 1), wage=5_000_000):
    employer = EmployerFactory(name="PT Sinar Abadi")
    EmploymentFactory(participant=participant, employer=employer, start=start)
    contributions_record(
        participant=participant,
        lines=[ContributionLine(employer, p, wage) for p in _months(start, months)],
    )
    participant.refresh_from_db()
    return employer


@pytest.fixture
def member(client, participant_user):
    client.force_login(participant_user)
    return participant_user.participant


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for url in ("/dashboard/", "/profile/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/login/")


def test_it_shows_the_balance_split_and_the_as_of_date(client, member):
    with time_machine.travel(dt.datetime(2026, 11, 28, 10, tzinfo=dt.UTC)):
        _history(member, 24)
        yield_post(participant=member, year=2020, rate_bp=600)
    member.refresh_from_db()
    response = client.get("/dashboard/")
    html = response.content.decode()
    assert response.status_code == 200
    # 24 months of 285.000 = 6.840.000; 6% on the 2020 closing 3.420.000 = 205.200.
    assert re.search(r'class="big-number"[^>]*>Rp 7\.045\.200<', html)
    assert "Rp 6.840.000" in html and "Rp 205.200" in html
    assert re.search(r'class="muted as-of">[^<]*28 Nov 2026<', html)
    assert "PT Sinar Abadi" in html and "status-pill active" in html


def test_membership_is_inactive_once_the_latest_employment_ended(client, member):
    employer = EmployerFactory(name="PT Lama")
    EmploymentFactory(
        participant=member, employer=employer, start=dt.date(2012, 1, 1),
        end=dt.date(2015, 6, 30),
    )  # fmt: skip
    html = client.get("/dashboard/").content.decode()
    assert (
        "status-pill inactive" in html and "PT Lama" in html and "30 Jun 2015" in html
    )


def test_the_history_is_a_table_newest_first_twelve_a_page(client, member):
    _history(member, 30)
    html = client.get("/dashboard/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    table = main[main.index("<table") : main.index("</table>")]
    assert table.count("<tr>") == 13  # header + 12 months
    rows = re.findall(r"<tr><td>([^<]+)<br>", table)
    assert rows[0].endswith("2022") and rows[0] != rows[1]
    assert "Rp 285.000" in table and "Rp 5.000.000" in table
    assert 'href="?page=2#history"' in main

    last = client.get("/dashboard/?page=3").content.decode()
    assert re.findall(r"<tr><td>([^<]+)<br>", last)[-1] in ("Jan 2020", "Jan. 2020")
    assert last.count("<tr><td>") == 6


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", ""])
def test_a_bad_page_number_still_shows_a_page(client, member, page):
    _history(member, 30)
    response = client.get(f"/dashboard/?page={page}")
    assert response.status_code == 200
    assert response.content.decode().count("<tr><td>") in (12, 6)


def test_the_chart_is_inline_svg_from_the_yearly_rows(client, member):
    _history(member, 36)
    html = client.get("/dashboard/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count('class="bar"') == 3
    for year in ("2020", "2021", "2022"):
        assert f">{year}</text>" in svg
    assert "<script" not in svg and "http://" not in svg.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


def test_the_kpj_card_masks_the_nik_to_the_last_four_digits(client, member):
    html = client.get("/dashboard/").content.decode()
    card = html[html.index('class="kpj-card"') :]
    card = card[: card.index("</section>")]
    assert member.kpj in card and member.full_name in card
    assert "*" * 12 + member.nik[-4:] in card
    assert member.nik not in html
    assert "1 Jan 2010" in card


def test_it_shows_the_claims_card_the_help_link_and_notifications(client, member):
    Notification.objects.create(
        participant=member, key="n1", kind="info", title="Saldo diperbarui", body="x"
    )
    Notification.objects.create(
        participant=member, key="n2", kind="info", title="Sudah dibaca", body="y",
        read_at="2024-01-01T00:00:00Z",
    )  # fmt: skip
    html = client.get("/dashboard/").content.decode()
    assert 'id="claims-card"' in html and 'href="/claims/"' in html
    assert "data-help-link" in html and "check-balance" in html
    unread = re.search(r'<li class="notification unread">.*?</li>', html, re.S)
    assert unread and "Saldo diperbarui" in unread.group(0)
    read = re.search(r'<li class="notification">.*?</li>', html, re.S)
    assert read and "Sudah dibaca" in read.group(0)
    assert 'href="/messages/"' in html  # the whole inbox


def test_another_participants_data_never_appears(
    client, member, other_participant_user
):
    other = other_participant_user.participant
    _history(other, 14, wage=7_777_000)
    Notification.objects.create(
        participant=other, key="o1", kind="info", title="Pesan orang lain", body="z"
    )
    html = client.get("/dashboard/").content.decode()
    assert other.full_name not in html and other.kpj not in html
    assert "Rp 7.777.000" not in html and "Pesan orang lain" not in html
    assert other.nik[-4:] not in html.split('data-testid="nik-masked"')[1][:40]


def test_staff_without_a_participant_are_redirected_to_the_desk(
    client, front_office_user
):
    staff_login(front_office_user, client)
    for url in ("/dashboard/", "/profile/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == reverse("frontoffice:index")


def test_a_login_without_membership_gets_a_clear_page(client):
    client.force_login(UserFactory(username="nobody@example.id"))
    response = client.get("/dashboard/")
    assert response.status_code == 403
    assert "Akun ini tidak memiliki kepesertaan JHT" in response.content.decode()


def test_the_dashboard_queries_do_not_grow_with_the_history(client, member):
    _history(member, 12)
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as short:
        client.get("/dashboard/")
    _history(member, 360, start=dt.date(1990, 1, 1))
    with CaptureQueriesContext(connection) as long:
        client.get("/dashboard/?page=7")
    assert len(long) == len(short)
    assert len(short) <= 14


def test_the_profile_shows_the_full_nik_to_its_owner_only(
    client, member, other_participant_user
):
    html = client.get("/profile/").content.decode()
    assert member.nik in html and member.kpj in html and member.email in html
    assert member.phone in html and member.birth_date.strftime("%Y") in html
    assert other_participant_user.participant.nik not in html

    client.force_login(other_participant_user)
    html = client.get("/profile/").content.decode()
    assert member.nik not in html
    assert other_participant_user.participant.nik in html


def test_membership_stays_active_while_an_older_employment_is_still_open(
    client, member
):
    EmploymentFactory(
        participant=member, employer=EmployerFactory(name="PT Tetap"),
        start=dt.date(2010, 1, 1), end=None,
    )  # fmt: skip
    EmploymentFactory(
        participant=member, employer=EmployerFactory(name="PT Sampingan"),
        start=dt.date(2020, 1, 1), end=dt.date(2021, 12, 31),
    )  # fmt: skip
    html = client.get("/dashboard/").content.decode()
    assert "status-pill active" in html and "PT Tetap" in html


def test_the_contribution_rates_use_the_decimal_mark_of_the_language(client, member):
    _history(member, 2)
    indonesian = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "3,7% oleh pemberi kerja" in indonesian and "3.7%" not in indonesian
    english = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3.7% from your employer" in english
