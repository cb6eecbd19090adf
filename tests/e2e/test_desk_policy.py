"""The admin raises the selfie attempt limit in Chromium: live preview, then history."""

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from biometrics.calibration import choose_threshold
from biometrics.models import BiometricPolicy, CalibrationRun, LivenessRun
from tests.conftest import totp_code
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
FACES = ROOT / "demo" / "faces"
LIVENESS = ROOT / "biometrics" / "data" / "liveness_dev.json"


def _percent(share: float) -> str:
    return f"{share * 100:.2f}%"


def test_the_admin_sees_the_tradeoff_change_before_saving_and_the_history_after(
    page, admin_user, tmp_path
):
    # The calibration the page reads comes from the product's own command, run
    # on real photos (three people, to keep it quick); the expected figures are
    # worked out here from the distances it stored.
    # All three count as one look-alike group, so the run has look-alike pairs
    # and the page suggests a threshold.
    people = ("ag_obama", "ag_biden", "ag_rose_leslie")
    for person in people:
        shutil.copytree(FACES / person, tmp_path / person)
    groups = tmp_path / "groups.csv"
    groups.write_text("".join(f"{p},Look-alike\n" for p in people))
    call_command(
        "evaluate_faces",
        str(tmp_path),
        groups=str(groups),
        hard_groups="Look-alike",
        stdout=StringIO(),
    )
    run = CalibrationRun.objects.get()
    threshold = float(BiometricPolicy.current().match_threshold)
    frr = sum(d > threshold for d in run.genuine_distances) / len(run.genuine_distances)
    far = sum(d <= threshold for d in run.impostor_distances) / len(
        run.impostor_distances
    )
    lines = 3  # genuine, impostor, look-alike
    # The liveness counts of the dev set, stored by the product's own import.
    call_command("evaluate_liveness", "--import", str(LIVENESS), stdout=StringIO())
    live = LivenessRun.objects.get()
    not_live = live.genuine_not_live / (live.genuine - live.genuine_retry)
    page.goto("/desk/policy/")
    page.fill("input[name=username]", admin_user.username)
    page.fill("input[name=password]", "Rahasia-123")
    page.fill("input[name=otp_token]", totp_code(admin_user))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/desk/policy/$"))
    # Independent tries: blocked = FRR^N, an impostor in = 1 - (1 - FAR)^N.
    page.wait_for_selector(f"#genuine-blocked:text-is('{_percent(frr**3)}')")
    # The figures above are rendered by the server; the chart only once the
    # preview's first answer arrives: wait for the chart's own state.
    expect(page.locator("#tradeoff-chart polyline")).to_have_count(lines)
    page.fill("input[name=max_attempts]", "5")
    page.wait_for_selector(f"#genuine-blocked:text-is('{_percent(frr**5)}')")
    assert page.inner_text("#impostor-accepted") == _percent(1 - (1 - far) ** 5)
    expect(page.locator("#tradeoff")).to_have_attribute("data-max-attempts", "5")
    expect(page.locator("#tradeoff-chart polyline")).to_have_count(lines)
    suggested = choose_threshold(run.lookalike_distances, tries=5)
    expect(page.locator("#suggested-threshold")).to_have_text(f"{suggested:.3f}")
    assert page.inner_text("#genuine-not-live") == _percent(not_live)
    expect(page.locator("#not-live-counted")).to_be_hidden()
    # Liveness on, and a 'not live' result uses an attempt (the default): a try
    # fails when the camera check or the match does.
    page.fill("input[name=liveness_required]", "1")
    fails = 1 - (1 - not_live) * (1 - frr)
    page.wait_for_selector(f"#genuine-blocked:text-is('{_percent(fails**5)}')")
    expect(page.locator("#not-live-counted")).to_be_visible()
    page.fill("input[name=liveness_required]", "0")
    page.wait_for_selector(f"#genuine-blocked:text-is('{_percent(frr**5)}')")
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
    # The setting by its label (Indonesian by default), not its field name.
    assert "Percobaan swafoto sebelum diblokir" in row.inner_text()
    assert "3 → 5" in row.inner_text()
    assert admin_user.username in row.inner_text()
    screenshot(page, "desk-policy-history")
