"""A participant plays a tutorial from the home page, switches captions, wins a quiz."""

import pytest

from tests.e2e.conftest import log_in, screenshot, wait_for_js
from tests.tutorials.conftest import answers_for, make_session, seed_content
from tests.tutorials.recording import record, require_recording_tools

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_play_a_tutorial_switch_captions_and_win_a_quiz(
    page, browser, live_server, settings, tmp_path, participant_user, front_office_user
):
    require_recording_tools()
    seed_content()
    settings.TUTORIALS_MEDIA_ROOT = str(tmp_path)
    record(base_url=live_server.url, media_root=tmp_path, slug="when-blocked")

    # The tutorial menu is on the home page, before logging in.
    page.goto("/")
    page.click("a.tutorial-item[data-slug=when-blocked]")
    video = page.locator("video#tutorial-video")
    video.wait_for()
    wait_for_js(
        page,
        "() => { const v = document.querySelector('#tutorial-video');"
        " return v.readyState >= 1 && Number.isFinite(v.duration) && v.duration > 0; }",
    )
    duration = video.evaluate("v => v.duration")
    assert duration > 1 and duration < 30
    video.evaluate("v => { v.muted = true; return v.play(); }")
    wait_for_js(
        page, "() => document.querySelector('#tutorial-video').currentTime > 0.3"
    )

    def modes() -> dict:
        return video.evaluate(
            "v => Object.fromEntries(Array.from(v.textTracks, t => [t.language, t.mode]))"
        )

    assert modes() == {"id": "showing", "en": "hidden"}
    page.click(".caption-switch[data-lang=en]")
    assert modes() == {"id": "hidden", "en": "showing"}
    wait_for_js(
        page,
        "() => { const t = Array.from(document.querySelector('#tutorial-video')"
        ".textTracks).find(t => t.language === 'en'); return t.cues && t.cues.length"
        " === 3; }",
    )
    screenshot(page, "tutorial_video")

    # A quiz session; the participant answers every question correctly.
    session = make_session(staff=front_office_user, prizes=1)
    log_in(page.context, participant_user, live_server.url)
    page.goto("/quiz/")
    page.click(f"[data-testid=quiz-open-{session.pk}]")
    for choice in answers_for(session).values():
        page.check(f"input[type=radio][value='{choice}']")
    page.click("[data-testid=quiz-form] button[type=submit]")
    assert page.locator("[data-testid=quiz-score]").inner_text() == "2/2"
    assert (
        "Semua jawaban benar" in page.locator("[data-testid=prize-status]").inner_text()
    )
    entry_url = page.url

    # Front office closes the session, the winners are chosen, the prize handed over.
    staff = browser.new_context(base_url=live_server.url, locale="id-ID")
    log_in(staff, front_office_user, live_server.url)
    desk = staff.new_page()
    desk.goto(f"/quiz/staff/{session.pk}/")
    desk.click("[data-testid=choose-winners]")
    assert participant_user.participant.full_name in desk.content()

    page.goto(entry_url)
    status = page.locator("[data-testid=prize-status]").inner_text()
    assert "Anda menang: Payung" in status

    desk.click("[data-testid=hand-over]")
    desk.wait_for_load_state()
    staff.close()
    page.reload()
    assert "Sudah diserahkan" in page.locator("[data-testid=prize-status]").inner_text()
    screenshot(page, "tutorial_quiz_won")
