"""Every resource the public pages ask for is there (no 404 behind the scenes)."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_public_pages_load_every_resource_and_their_icon(page):
    failed = []
    page.on(
        "response",
        lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None,
    )
    for path in ("/", "/login/", "/desk/login/"):  # one browser: they share a setup
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert failed == []
        # Without an icon of its own a browser asks for /favicon.ico: a 404 on
        # every visit.
        href = page.eval_on_selector("link[rel=icon]", "l => l.href")
        icon = page.request.get(href)
        assert icon.status == 200
        assert icon.headers["content-type"].startswith("image/svg+xml")
