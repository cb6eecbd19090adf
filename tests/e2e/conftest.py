"""Real-browser fixtures: Debian's Chromium driven by Playwright against live_server."""

import json
import os
from pathlib import Path

import pytest
from django.test import Client

from tests.e2e.y4m import photo_to_y4m
from tutorials.recorder import CHROMIUM, CHROMIUM_FLAGS

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# the test itself between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).parent / "screenshots"


def log_in(context, user, base_url: str) -> None:
    """Give the browser the session of a real login (staff: password and TOTP code)."""
    from tests.conftest import staff_login

    client = Client()
    if user.is_staff:
        staff_login(user, client)
    else:
        client.force_login(user)
    cookie = client.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": base_url}])


def fake_camera_flags(y4m: Path) -> list[str]:
    return [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={y4m}",
    ]


@pytest.fixture(scope="session")
def playwright_instance():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{CHROMIUM} is missing: `make test` installs it with apt")
        pytest.skip(f"{CHROMIUM} is missing (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def launch(playwright_instance, extra_flags: list[str] | None = None):
    return playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_FLAGS + (extra_flags or [])
    )


@pytest.fixture
def browser(playwright_instance):
    browser = launch(playwright_instance)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 412, "height": 915}, locale="id-ID"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def bank_sim(tmp_path, settings, live_server):
    """A bank simulator of the test's own that calls back to the live server."""
    from claims.bank.harness import BankSimulator

    sim = BankSimulator(tmp_path / "bank.sqlite3", flags={"settle_delay_ms": 400})
    settings.BANK_API_URL = sim.url
    settings.SITE_URL = live_server.url  # the simulator calls back here
    yield sim
    sim.stop()


@pytest.fixture
def camera_page(playwright_instance, live_server, tmp_path):
    """A phone-sized page whose camera films Obama (demo photo 4)."""
    from tests.biometrics import images
    from tests.e2e.y4m import photo_to_y4m

    y4m = photo_to_y4m(
        images.photo("obama", 4), tmp_path / "obama-4.y4m", frames=60, noise=1.5
    )
    browser = launch(playwright_instance, fake_camera_flags(y4m))
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 412, "height": 915}, locale="id-ID"
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    browser.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot for review (git-ignored folder)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def selfie_page(playwright_instance, live_server, participant_user, tmp_path):
    """Return a function opening a logged-in page whose camera shows `photo`
    (or plays a .y4m file)."""
    opened = []

    def open_with_camera(photo):
        y4m = (
            photo
            if photo.suffix == ".y4m"
            else photo_to_y4m(photo, tmp_path / f"{photo.parent.name}-{photo.stem}.y4m")
        )
        browser = launch(playwright_instance, fake_camera_flags(y4m))
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 412, "height": 915},
            locale="id-ID",
        )
        log_in(context, participant_user, live_server.url)
        opened.append(browser)
        page = context.new_page()
        page.set_default_timeout(20000)
        return page

    yield open_with_camera
    for browser in opened:
        browser.close()


def wait_for_js(page, expression: str, timeout: float = 30000) -> None:
    """Wait until a JavaScript condition holds, checked on every animation frame.

    Unlike `page.wait_for_function` this compiles nothing inside the page (the
    condition is part of the evaluated source), so it works under the portal's
    Content-Security-Policy without 'unsafe-eval'. Not across a navigation: wait
    for a selector there.
    """
    condition = expression.strip()
    if condition.startswith("()"):
        condition = f"({condition})()"
    page.evaluate(
        "() => new Promise((resolve, reject) => {"
        f" const limit = setTimeout(() => reject(new Error({json.dumps(expression)})),"
        f" {int(timeout)});"
        " const check = () => { let ok = false;"
        f" try {{ ok = {condition}; }} catch (e) {{ ok = false; }}"
        " if (ok) { clearTimeout(limit); resolve(true); }"
        " else { requestAnimationFrame(check); } };"
        " check(); })"
    )
