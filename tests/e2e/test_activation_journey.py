"""A registry member activates an account in Chromium, logs in, reads the balance."""

import datetime as dt
import re

import pytest
from django.core import mail

from tests.e2e.conftest import screenshot
from tests.journey import registry_member

pytestmark = pytest.mark.e2e

PASSWORD = "Tabungan-Hari-Tua-9"


def _member_with_history(tmp_path):
    """Five years at PT Sumber Makmur (2019–2023), as the registry CSV has it."""
    return registry_member(
        tmp_path,
        photo=None,
        born=dt.date(1984, 3, 12),
        gender="F",
        kpj="32345678901",
        full_name="Siti Rahayu",
        email="siti.rahayu@example.id",
        employer="PT Sumber Makmur",
        membership_start="2019-01-01",
        membership_end="2023-12-01",
        monthly_wage="5000000",
    )


def _code_from_last_email() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def test_a_member_activates_logs_in_sees_the_balance_and_switches_language(
    page, tmp_path
):
    member = _member_with_history(tmp_path)
    page.goto("/")
    page.click("[data-testid=home-activate]")
    page.fill("input[name=nik]", member.nik)
    page.fill("input[name=kpj]", member.kpj)
    page.fill("input[name=full_name]", "siti  rahayu")  # case and spaces forgiven
    page.fill("input[name=birth_date]", "1984-03-12")
    screenshot(page, "activation-1-data")
    page.click("main form button[type=submit]")

    page.wait_for_url(re.compile(r"/activate/email/$"))
    assert page.input_value("input[name=email]") == member.email
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/activate/code/$"))
    code = _code_from_last_email()
    page.fill("input[name=code]", f"{(int(code) + 1) % 1_000_000:06d}")  # a typo
    page.click("main form button[type=submit]")
    page.wait_for_selector("main .errorlist")  # the typo is refused, the page stays
    page.fill("input[name=code]", code)
    screenshot(page, "activation-2-code")
    page.click("main form button[type=submit]")

    page.wait_for_url(re.compile(r"/activate/password/$"))
    page.fill("input[name=phone]", "0812 3456 7890")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard/$"))
    member.refresh_from_db()
    assert member.user is not None and member.user.username == member.email

    page.click("header form.inline button.linklike")  # log out
    page.goto("/login/")
    page.fill("input[name=username]", member.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard/$"))
    expected = f"Rp {member.balance:,}".replace(",", ".")
    assert expected in page.inner_text(".big-number")
    assert page.locator("main svg.balance-chart rect.bar").count() == 5  # 2019-2023
    assert page.locator("main table tbody tr").count() == 12
    assert member.nik not in page.content()  # masked on the dashboard
    assert "Saldo" in page.inner_text("main")
    screenshot(page, "dashboard-id")

    page.click("button.lang[value=en]")
    page.wait_for_selector("html[lang=en]", state="attached")
    assert "Balance" in page.inner_text("main") or "balance" in page.inner_text("main")
    assert expected in page.inner_text(".big-number")
    screenshot(page, "dashboard-en")
