import csv
import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from frontoffice.roles import has_role
from participants.models import (
    AuditRecord,
    Contribution,
    Employer,
    Participant,
    YieldPosting,
    YieldRate,
)
from participants.services.ledger import ContributionLine, contributions_record
from tests.factories import EmployerFactory, ParticipantFactory

User = get_user_model()
pytestmark = pytest.mark.django_db
PASSWORD = "Tabungan-Hari-Tua-26"


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _contributions_csv(tmp_path: Path, rows: list[tuple]) -> Path:
    path = tmp_path / "contributions.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kpj", "period", "employer", "wage"])
        writer.writerows(rows)
    return path


def test_import_contributions_loads_each_month_once_and_reports_bad_rows_by_line(
    tmp_path,
):
    member = ParticipantFactory(kpj="12345678901")
    path = _contributions_csv(
        tmp_path,
        [
            ("12345678901", "2024-01", "PT Sari Kopi", "4000000"),
            ("12345678901", "2024-02-01", "PT Sari Kopi", "4000000"),
            ("99999999999", "2024-01", "PT Tak Dikenal", "4000000"),
            ("12345678901", "2024-13", "PT Sari Kopi", "4000000"),
            ("12345678901", "2024-01", "PT Sari Kopi", "4000000"),
            ("12345678901", "2024-02", "PT Sari Kopi", "4500000"),
        ],
    )

    out, err = _run("import_contributions", str(path))

    assert "2 created, 1 unchanged, 3 failed" in out
    assert "line 4: kpj: no registered member has this KPJ number" in err
    assert "line 5: period: '2024-13' is not a month (YYYY-MM)" in err
    assert "line 7: period: 2024-02 is already recorded with another" in err
    assert not Employer.objects.filter(name="PT Tak Dikenal").exists()
    member.refresh_from_db()
    assert member.balance == 2 * 228_000

    again, _err = _run("import_contributions", str(path))
    assert "0 created, 3 unchanged, 3 failed" in again
    assert Contribution.objects.filter(participant=member).count() == 2
    member.refresh_from_db()
    assert member.balance == 2 * 228_000


def test_import_contributions_refuses_a_month_before_birth_or_not_written_yyyy_mm(
    tmp_path,
):
    member = ParticipantFactory(kpj="12345678901")
    path = _contributions_csv(
        tmp_path,
        [
            ("12345678901", "0001-01", "PT Sari Kopi", "4000000"),
            ("12345678901", f"{member.birth_date.year - 1}-06", "PT Sari Kopi", "4000"),
            ("12345678901", "2020-W01", "PT Sari Kopi", "4000000"),  # a week
        ],
    )
    out, err = _run("import_contributions", str(path))
    assert "0 created, 0 unchanged, 3 failed" in out, err
    assert "line 2: period: before the member's birth" in err
    assert "line 4: period: '2020-W01' is not a month (YYYY-MM)" in err
    assert not Contribution.objects.exists()


def test_import_contributions_needs_the_four_columns(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("kpj,period,wage\n12345678901,2024-01,4000000\n")
    with pytest.raises(CommandError, match="missing columns: employer"):
        _run("import_contributions", str(path))


def test_activate_member_creates_the_login_and_audits_the_assisted_activation():
    member = ParticipantFactory(kpj="12345678901")

    out, _err = _run(
        "activate_member", "12345678901", "--email", "Siti@Example.id",
        "--password", PASSWORD,
    )  # fmt: skip

    member.refresh_from_db()
    assert member.user.username == "siti@example.id"
    assert member.user.check_password(PASSWORD)
    assert "*******8901" in out
    record = AuditRecord.objects.get(action="activate_member")
    assert record.participant == member
    assert record.new_value == {"email": "siti@example.id"}


def test_activate_member_refuses_an_unknown_kpj_an_active_member_and_a_weak_password():
    ParticipantFactory(kpj="12345678901")
    with pytest.raises(CommandError, match="no registry member has KPJ 10000000009"):
        _run(
            "activate_member",
            "10000000009",
            "--email",
            "a@b.id",
            "--password",
            PASSWORD,
        )
    with pytest.raises(CommandError, match="too common|too short|entirely numeric"):
        _run(
            "activate_member", "12345678901", "--email", "a@b.id", "--password", "12345"
        )
    assert not User.objects.filter(username="a@b.id").exists()

    _run("activate_member", "12345678901", "--email", "a@b.id", "--password", PASSWORD)
    with pytest.raises(CommandError, match="already has an account"):
        _run(
            "activate_member",
            "12345678901",
            "--email",
            "c@d.id",
            "--password",
            PASSWORD,
        )
    assert AuditRecord.objects.filter(action="activate_member").count() == 1


def test_create_staff_puts_the_user_in_the_role_group_and_a_rerun_changes_the_role():
    _run("create_staff", "desk", "--role", "front_office", "--password", PASSWORD)
    user = User.objects.get(username="desk")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["front_office"]
    assert has_role(user, "front_office") and not has_role(user, "claims_officer")

    out, _err = _run("create_staff", "desk", "--role", "claims_officer")

    assert "updated staff user desk" in out
    assert "password" not in out
    user = User.objects.get(username="desk")
    assert User.objects.filter(username="desk").count() == 1
    assert list(user.groups.values_list("name", flat=True)) == ["claims_officer"]
    assert user.check_password(PASSWORD)
    assert has_role(user, "claims_officer") and not has_role(user, "front_office")


def test_create_staff_admin_is_a_superuser_and_a_generated_password_is_printed_once():
    out, _err = _run("create_staff", "boss", "--role", "admin")

    password = out.split("password (shown once): ", 1)[1].split()[0]
    assert "authenticator secret (shown once): " in out
    user = User.objects.get(username="boss")
    assert user.is_superuser and user.is_staff
    assert user.check_password(password)
    assert list(user.groups.values_list("name", flat=True)) == ["admin"]

    again, _err = _run("create_staff", "boss", "--role", "admin")
    assert "password" not in again
    assert User.objects.get(username="boss").check_password(password)
    assert AuditRecord.objects.filter(action="staff_role_set").count() == 1


def test_create_staff_refuses_a_weak_password_and_a_participant_login(
    participant_user,
):
    with pytest.raises(CommandError, match="too short|too common"):
        _run("create_staff", "desk", "--role", "front_office", "--password", "abc")
    assert not User.objects.filter(username="desk").exists()
    with pytest.raises(CommandError, match="participant's login"):
        _run("create_staff", participant_user.username, "--role", "admin")
    participant_user.refresh_from_db()
    assert not participant_user.is_staff


def _member_with_2024_contributions() -> Participant:
    member = ParticipantFactory()
    employer = EmployerFactory()
    contributions_record(
        participant=member,
        lines=[
            ContributionLine(employer, dt.date(2024, month, 1), 5_000_000)
            for month in range(1, 13)
        ],
    )
    return member


def test_post_yield_credits_the_year_rate_once_per_participant():
    YieldRate.objects.create(year=2024, rate_bp=563)
    member = _member_with_2024_contributions()
    ParticipantFactory()  # no balance yet: nothing to credit

    out, _err = _run("post_yield", "--year", "2024")

    assert "2024 at 5.63%: credited 1 participants (0 already credited)" in out
    member.refresh_from_db()
    base = 12 * 285_000
    assert member.yield_total == base * 563 // 10000
    assert member.balance == base + base * 563 // 10000

    again, _err = _run("post_yield", "--year", "2024")
    assert "credited 0 participants (1 already credited)" in again
    assert YieldPosting.objects.filter(participant=member).count() == 1
    member.refresh_from_db()
    assert member.balance == base + base * 563 // 10000


def test_post_yield_falls_back_to_the_policy_default_rate():
    member = _member_with_2024_contributions()
    out, _err = _run("post_yield", "--year", "2024")
    assert "2024 at 6.00%" in out
    assert YieldPosting.objects.get(participant=member).rate_bp == 600


def test_post_yield_refuses_a_year_that_has_not_ended():
    with pytest.raises(CommandError, match="has not ended yet"):
        _run("post_yield", "--year", str(dt.date.today().year))
    assert not YieldPosting.objects.exists()
