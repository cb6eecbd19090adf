"""An older member on a 390 px phone, in Indonesian: the participant pages keep to
the basic accessibility rules (one check per page, the same rules everywhere)."""

import pytest

from participants.services.data_update import data_update_start
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone(browser, live_server, participant_user):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        locale="id-ID",
        is_mobile=True,
        has_touch=True,
    )
    log_in(context, participant_user, live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_a_field_error_is_announced_and_gets_the_focus(phone, participant_user):
    data_update_start(participant=participant_user.participant)
    phone.goto("/profile/update/contact/")
    phone.fill("#id_address", "")
    phone.click("#section-save")
    phone.wait_for_selector("[aria-invalid=true]")
    focused = phone.evaluate("document.activeElement.name")
    first = phone.locator("[aria-invalid=true]").first
    assert focused == first.get_attribute("name")
    described = first.get_attribute("aria-describedby").split()
    errors = [phone.locator(f"#{i}") for i in described if i.endswith("_error")]
    assert errors and errors[0].get_attribute("role") == "alert"
    assert errors[0].inner_text().strip()
