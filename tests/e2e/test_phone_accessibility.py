"""An older member on a 390 px phone, in Indonesian: the participant pages keep to
the basic accessibility rules (one check per page, the same rules everywhere)."""

import pytest

from claims import services as claim_services
from participants.services.data_update import data_update_start
from tests.claims.helpers import make_participant
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

PAGES = [
    "/",
    "/dashboard/",
    "/profile/",
    "/profile/update/",
    "/profile/update/contact/",
    "/profile/update/population/",
    "/profile/update/emergency/",
    "/claims/",
    "/selfie/",
    "/selfie/capture/",
]
# What breaks a rule on the page, as readable lines (an empty list passes).
RULES = """() => {
  const shown = el => { const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  const name = el => el.tagName.toLowerCase() + (el.name ? `[name=${el.name}]` : '')
    + (el.id ? '#' + el.id : '') + ` "${el.textContent.trim().slice(0, 30)}"`;
  const broken = [];
  if (!document.documentElement.lang) broken.push('html has no lang');
  if (document.documentElement.scrollWidth > window.innerWidth)
    broken.push(`page is ${document.documentElement.scrollWidth}px wide`);
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || !shown(el)) continue;
    const label = [...el.labels].some(l => l.textContent.trim())
      || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!label) broken.push('no label: ' + name(el));
  }
  for (const el of document.querySelectorAll('[aria-describedby]'))
    for (const id of el.getAttribute('aria-describedby').split(/\\s+/))
      if (!document.getElementById(id)) broken.push(`${name(el)} described by missing #${id}`);
  for (const el of document.querySelectorAll('button, .btn, input[type=submit]'))
    if (shown(el) && el.getBoundingClientRect().height < 44)
      broken.push(`${name(el)} is ${Math.round(el.getBoundingClientRect().height)}px tall`);
  for (const img of document.querySelectorAll('img:not([alt])')) broken.push('no alt: ' + img.src);
  let level = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const next = +h.tagName[1];
    if (next > level + 1) broken.push(`heading h${level} then h${next}: ${name(h)}`);
    level = next;
  }
  if (document.querySelectorAll('h1').length !== 1) broken.push('not exactly one h1');
  return broken;
}"""


def _phone(browser, live_server, user):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        locale="id-ID",
        is_mobile=True,
        has_touch=True,
    )
    log_in(context, user, live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


@pytest.fixture
def phone(browser, live_server, participant_user):
    page = _phone(browser, live_server, participant_user)
    yield page
    page.context.close()


def test_the_member_pages_keep_the_rules_on_a_phone(phone, participant_user):
    data_update_start(participant=participant_user.participant)
    broken = {}
    for path in PAGES:
        response = phone.goto(path)
        assert response.status == 200, path
        assert phone.evaluate("document.documentElement.lang") == "id"
        if problems := phone.evaluate(RULES):
            broken[path] = problems
    assert broken == {}


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
    assert phone.evaluate(RULES) == []


def test_the_claim_steps_keep_the_rules_on_a_phone(browser, live_server):
    member = make_participant()
    claim = claim_services.claim_start(participant=member, claim_type="resign")
    claim_services.claim_kpj_check(claim=claim, kpj_number=member.kpj)
    phone = _phone(browser, live_server, member.user)
    broken = {}
    for step in ("bank/", "documents/", "selfie/", "review/", ""):
        path = f"/claims/{claim.reference}/{step}"
        assert phone.goto(path).status == 200, path
        if problems := phone.evaluate(RULES):
            broken[path] = problems
    phone.goto(f"/claims/{claim.reference}/bank/")
    phone.click("main form button[type=submit]")
    phone.wait_for_selector("[aria-invalid=true]")
    assert phone.evaluate("document.activeElement.name") == "bank_code"
    assert phone.evaluate(RULES) == []
    phone.context.close()
    assert broken == {}
