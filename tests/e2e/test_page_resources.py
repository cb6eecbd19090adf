"""Every resource the public pages ask for is there (no 404 behind the scenes)."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("path", ["/", "/login/", "/desk/login/"])
def test_a_public_page_loads_every_resource_and_its_icon(page, path):
    failed = []
    page.on(
        "response",
        lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None,
    )
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert failed == []
    # Without an icon of its own a browser asks for /favicon.ico, a 404 on every visit.
    icon = page.request.get(page.eval_on_selector("link[rel=icon]", "l => l.href"))
    assert icon.status == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
