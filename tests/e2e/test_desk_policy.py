"""The admin raises the selfie attempt limit in Chromium: live preview, then history."""

import re

import pytest
from playwright.sync_api import expect

from biometrics.models import BiometricPolicy, CalibrationRun
from tests.conftest import totp_code
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_the_admin_sees_the_tradeoff_change_before_saving_and_the_history_after(
    page, admin_user
):
    CalibrationRun.objects.create(
        dataset="demo/faces",
        people=5,
        photos=16,
        genuine_distances=[0.30, 0.40, 0.41, 0.50, 0.55],
        impostor_distances=[0.41, 0.60, 0.70, 0.80],
        lookalike_distances=[0.41, 0.60],
    )
    page.goto("/desk/policy/")
    page.fill("input[name=username]", admin_user.username)
    page.fill("input[name=password]", "Rahasia-123")
    page.fill("input[name=otp_token]", totp_code(admin_user))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/desk/policy/$"))
    # FRR(0.415) = 2/5 -> 0.4^3 blocked with 3 tries; FAR(0.415) = 1/4.
    page.wait_for_selector("#genuine-blocked:text-is('6.40%')")
    # The figures above are rendered by the server; the chart only once the
    # preview's first answer arrives: wait for the chart's own state.
    expect(page.locator("#tradeoff-chart polyline")).to_have_count(3)
    page.fill("input[name=max_attempts]", "5")
    page.wait_for_selector("#genuine-blocked:text-is('1.02%')")
    assert page.inner_text("#impostor-accepted") == "76.27%"  # 1 - 0.75^5
    expect(page.locator("#tradeoff")).to_have_attribute("data-max-attempts", "5")
    expect(page.locator("#tradeoff-chart polyline")).to_have_count(3)
    assert BiometricPolicy.current().max_attempts == 3  # nothing saved yet
    screenshot(page, "desk-policy-preview")

    page.fill("input[name=max_attempts]", "12")
    page.fill("input[name=reason]", "Field study: fewer desk visits")
    page.click("#policy-form button[type=submit]")
    assert "Harus antara 1 dan 10" in page.inner_text("#policy-form")
    page.fill("input[name=max_attempts]", "5")
    page.click("#policy-form button[type=submit]")
    page.wait_for_selector(".msg")
    assert BiometricPolicy.current().max_attempts == 5
    row = page.locator("#policy-history tbody tr").first
    assert "max_attempts" in row.inner_text()
    assert "3 → 5" in row.inner_text()
    assert admin_user.username in row.inner_text()
    screenshot(page, "desk-policy-history")
