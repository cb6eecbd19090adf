"""The scripted journeys `record_tutorials` follows through the real portal.

Each step says one thing (its caption, in English msgids translated to Bahasa
Indonesia), `show` brings the page to the state the step's picture shows, and
`then` (optional) performs the tap that leads to the next step. A step whose page
does not exist yet raises `StepFailed` and the journey ends there: the tutorial is
recorded from what exists and marked incomplete, so the next run refreshes it.
The journeys never submit a form that changes data (no activation, no claim).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


class StepFailed(Exception):
    pass


@dataclass
class Run:
    base_url: str
    email: str
    password: str


Action = Callable[["object", Run], None]


@dataclass(frozen=True)
class Step:
    text: str
    show: Action
    then: Action | None = None


def _url(run: Run, name: str) -> str:
    try:
        return run.base_url.rstrip("/") + reverse(name)
    except NoReverseMatch as exc:
        raise StepFailed(f"no page named {name}") from exc


def goto(name: str) -> Action:
    def action(page, run: Run) -> None:
        response = page.goto(_url(run, name))
        if response is None or response.status >= 400:
            raise StepFailed(f"{name} answered {response and response.status}")

    return action


def expect_page(name: str) -> Action:
    """Fail unless the browser is on `name` (e.g. the login really worked)."""

    def action(page, run: Run) -> None:
        path = reverse(name)
        if not page.url.split("?")[0].endswith(path):
            raise StepFailed(f"expected {path}, on {page.url}")

    return action


def highlight(*selectors: str) -> Action:
    """Outline the first visible element matching one of `selectors`."""

    def action(page, run: Run) -> None:
        for selector in selectors:
            target = page.locator(selector).first
            if target.count() and target.is_visible():
                target.scroll_into_view_if_needed()
                target.evaluate(
                    "el => { el.style.outline = '5px solid #f5a300';"
                    " el.style.outlineOffset = '3px'; }"
                )
                return
        raise StepFailed(f"nothing visible matches {selectors}")

    return action


def tap(*selectors: str) -> Action:
    def action(page, run: Run) -> None:
        for selector in selectors:
            target = page.locator(selector).first
            if target.count() and target.is_visible():
                target.click()
                page.wait_for_load_state()
                return
        raise StepFailed(f"nothing to tap matches {selectors}")

    return action


def fill(values: dict[str, str], *, at_least: int = 1) -> Action:
    """Type into the fields that exist; fail when fewer than `at_least` do."""

    def action(page, run: Run) -> None:
        filled = 0
        for selector, value in values.items():
            field = page.locator(selector).first
            if field.count() and field.is_visible():
                field.fill(value.format(email=run.email, password=run.password))
                filled += 1
        if filled < at_least:
            raise StepFailed(f"form fields missing: {list(values)}")

    return action


def scroll_to(*selectors: str) -> Action:
    def action(page, run: Run) -> None:
        for selector in selectors:
            target = page.locator(selector).first
            if target.count():
                target.scroll_into_view_if_needed()
                return
        raise StepFailed(f"nothing matches {selectors}")

    return action


def chain(*actions: Action) -> Action:
    def action(page, run: Run) -> None:
        for each in actions:
            each(page, run)

    return action


def _href(name: str) -> str:
    return f'main a[href="{reverse(name)}"]'


def _start_button() -> str:
    return f'main form[action="{reverse("claims:start")}"] button'


SUBMIT = "main form button[type=submit], main form input[type=submit]"


def _login_steps() -> list[Step]:
    return [
        Step(
            _("Open the JMO Portal home page and tap “Log in”."),
            chain(goto("home"), highlight(_href("participants:login"))),
            tap(_href("participants:login")),
        ),
        Step(
            _("Type the email and password of your account, then tap “Log in”."),
            chain(
                fill(
                    {
                        "input[name=username]": "{email}",
                        "input[name=password]": "{password}",
                    },
                    at_least=2,
                ),
                highlight(SUBMIT),
            ),
            tap(SUBMIT),
        ),
    ]


def script_texts(slug: str) -> list[str]:
    """The step texts of a journey in the current language (the no-video fallback)."""
    return [str(step.text) for step in journeys().get(slug, [])]


def journeys() -> dict[str, list[Step]]:
    """Slug -> steps. Built on call so URL names resolve against the current tree."""
    return {
        "activation": [
            Step(
                _("Open the JMO Portal home page and tap “Activate account”."),
                chain(goto("home"), highlight(_href("participants:activate"))),
                tap(_href("participants:activate")),
            ),
            Step(
                _(
                    "Type your NIK, KPJ number, full name and birth date exactly as "
                    "they are on your KTP and KPJ card."
                ),
                chain(
                    expect_page("participants:activate"),
                    fill(
                        {
                            "input[name=nik]": "3302011204850001",
                            "input[name=kpj]": "12345678901",
                            "input[name=full_name]": "Budi Santoso",
                        }
                    ),
                ),
            ),
            Step(
                _(
                    "Tap the button. We send a code to your email: type it in, then "
                    "choose a password. Three wrong tries lock the activation."
                ),
                highlight(SUBMIT),
            ),
        ],
        "check-balance": [
            *_login_steps(),
            Step(
                _(
                    "Your JHT balance is at the top: your contributions plus the "
                    "yearly development yield."
                ),
                chain(
                    expect_page("participants:dashboard"),
                    highlight(".big-number", "main h1"),
                ),
            ),
            Step(
                _(
                    "Scroll down to see every month's contribution by employer and "
                    "your digital KPJ card."
                ),
                chain(scroll_to("main table", ".kpj-card"), highlight(".kpj-card")),
            ),
        ],
        "claim-jht": [
            *_login_steps(),
            Step(
                _(
                    "Check the three green ticks on the “Claim JHT” page: they tell "
                    "you whether you can claim online."
                ),
                chain(
                    expect_page("participants:dashboard"),
                    highlight(
                        "[data-testid=ticks]",
                        ".ticks",
                        _href("claims:index"),
                        "main h1",
                    ),
                ),
            ),
            Step(
                _(
                    "Open “Claim JHT” and choose the reason for your claim. Each step "
                    "is saved, so you can stop and come back later."
                ),
                chain(
                    goto("claims:index"),
                    expect_page("claims:index"),
                    highlight(_start_button(), ".claim-type", "main h1"),
                ),
            ),
            Step(
                _(
                    "Next you type your KPJ number, your bank account and take a "
                    "selfie. Check the amounts and tap “Submit claim”."
                ),
                highlight(".steps", ".claim-type p", "main h1"),
            ),
        ],
        "good-selfie": [
            *_login_steps(),
            Step(
                _(
                    "Before the selfie: find good light, take off glasses, mask and "
                    "hat, and hold the phone at eye level."
                ),
                chain(
                    goto("biometrics:guidance"),
                    expect_page("biometrics:guidance"),
                    highlight("main h1"),
                ),
            ),
            Step(
                _(
                    "Look straight at the camera and keep still. Only a face that does "
                    "not match uses up a try; a dark or blurred photo does not."
                ),
                chain(
                    scroll_to("main form", "main a.btn", "main ul"),
                    highlight(SUBMIT, "main a.btn"),
                ),
            ),
        ],
        "when-blocked": [
            Step(
                _(
                    "Blocked after failed selfies or wrong KPJ numbers? Your money is "
                    "safe. Search the questions for “blokir”."
                ),
                chain(
                    goto("home"),
                    fill({"#faq-q": "blokir"}),
                    highlight("#faq-q"),
                ),
                tap("main form[role=search] button[type=submit]"),
            ),
            Step(
                _("The answer: bring your original KTP to a branch office desk."),
                highlight("details.faq"),
            ),
            Step(
                _(
                    "Here are the branch addresses and opening hours. An officer "
                    "checks your identity and lifts the block."
                ),
                chain(goto("tutorials:branches"), highlight(".branches li")),
            ),
        ],
    }
