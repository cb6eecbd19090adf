import json

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from tutorials.media import Recording, Step, recording_save
from tutorials.models import Faq

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    settings.TUTORIALS_MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _fake_recording(root, slug="good-selfie"):
    folder = root / slug
    folder.mkdir()
    (folder / f"{slug}.webm").write_bytes(bytes(range(256)) * 4)
    (folder / f"{slug}.id.vtt").write_text("WEBVTT\n")
    (folder / f"{slug}-01.jpg").write_bytes(b"jpg")
    (folder / "secret.txt").write_text("not listed")
    recording_save(
        recording=Recording(
            slug=slug,
            duration_ms=4200,
            video=f"{slug}.webm",
            captions={"id": f"{slug}.id.vtt"},
            steps=[Step(1, "Langkah satu", "Step one", 0, 4200, f"{slug}-01.jpg")],
        )
    )


def test_the_home_page_introduces_the_portal_and_lists_the_tutorials(client, content):
    page = client.get("/").content.decode()
    for slug in ["activation", "check-balance", "claim-jht", "good-selfie"]:
        assert reverse("tutorials:detail", args=[slug]) in page
    assert reverse("participants:activate") in page
    assert "tiga centang hijau" in page.lower()


def test_a_tutorial_without_recording_falls_back_to_its_script(client, content, media):
    page = client.get(reverse("tutorials:detail", args=["when-blocked"]))
    text = page.content.decode()
    assert "<video" not in text
    assert "blokir" in text  # the journey's steps in Bahasa Indonesia
    assert "Purwokerto" in text  # the desk's address (blocked help)


def test_a_recorded_tutorial_has_video_tracks_and_pictures(client, content, media):
    _fake_recording(media)
    text = client.get(reverse("tutorials:detail", args=["good-selfie"])).content
    text = text.decode()
    assert 'srclang="id"' in text and "good-selfie-01.jpg" in text
    assert "Langkah satu" in text


def test_media_is_served_with_byte_ranges_and_only_listed_files(client, media):
    _fake_recording(media)
    url = reverse("tutorials:media", args=["good-selfie", "good-selfie.webm"])
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Content-Type"] == "video/webm"
    part = client.get(url, HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206 and part.content == bytes(range(10, 20))
    assert part["Content-Range"] == "bytes 10-19/1024"
    assert client.get(url, HTTP_RANGE="bytes=-4").content == bytes(range(252, 256))
    assert client.get(url, HTTP_RANGE="bytes=5000-").status_code == 416
    for name in ["secret.txt", "manifest.json", "..%2Fgood-selfie.webm"]:
        bad = f"/tutorials/media/good-selfie/{name}"
        assert client.get(bad).status_code == 404


def test_the_faq_search_matches_the_current_language(client, content):
    assert Faq.objects.count() >= 10
    page = client.get(reverse("tutorials:faq"), {"q": "PAKLARING"}).content.decode()
    assert "Apakah saya perlu surat paklaring?" in page
    assert "Apa itu JHT?" not in page
    with override_settings(LANGUAGE_CODE="en"):
        english = client.get(
            reverse("tutorials:faq"), {"q": "umbrella"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert "No answer matches" in english.content.decode()


def test_the_faq_search_finds_english_words_on_the_english_page(client, content):
    # override: the request's activated language must not leak into later tests
    with translation.override("en"):
        english = client.get(
            reverse("tutorials:faq"),
            {"q": "reference letter"},
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
    assert "Do I need a paklaring (employer reference letter)?" in english
    assert "Apakah saya perlu surat paklaring?" not in english
    assert "What is JHT?" not in english


def test_help_link_points_to_the_matching_tutorial(content):
    html = Template('{% load tutorial_help %}{% help_link "good-selfie" %}').render(
        Context()
    )
    assert reverse("tutorials:detail", args=["good-selfie"]) in html
    assert "Cara swafoto yang baik" in html
    missing = Template('{% load tutorial_help %}{% help_link "nope" %}').render(
        Context()
    )
    assert "#tutorials" in missing


def test_the_api_lists_tutorials_with_absolute_urls(client, content, media):
    _fake_recording(media)
    with translation.override("en"):
        rows = client.get("/api/v1/tutorials/", HTTP_ACCEPT_LANGUAGE="en").json()
    by_slug = {row["slug"]: row for row in rows}
    assert set(by_slug) >= {"activation", "check-balance", "claim-jht", "when-blocked"}
    selfie = by_slug["good-selfie"]
    assert selfie["video_url"] == (
        "http://testserver/tutorials/media/good-selfie/good-selfie.webm"
    )
    assert selfie["captions"] == [
        {
            "language": "id",
            "url": "http://testserver/tutorials/media/good-selfie/good-selfie.id.vtt",
        }
    ]
    assert selfie["steps"][0]["image_url"].startswith("http://testserver/")
    assert by_slug["activation"]["video_url"] is None
    assert json.dumps(rows)


def test_blocked_help_shows_the_desks_and_the_tutorial(content):
    html = Template("{% load tutorial_help %}{% blocked_help %}").render(Context())
    assert reverse("tutorials:detail", args=["when-blocked"]) in html
    assert "Jl. Jenderal Sudirman" in html and "08.00" in html


def test_record_if_missing_skips_complete_recordings(media, content):
    from io import StringIO

    from django.core.management import call_command

    _fake_recording(media, slug="activation")
    out = StringIO()
    call_command("record_tutorials", "activation", "--if-missing", stdout=out)
    assert "already recorded" in out.getvalue()


def test_the_claim_tutorial_names_the_buttons_and_pages_the_member_sees(
    client, content, media
):
    text = client.get(reverse("tutorials:detail", args=["claim-jht"])).content.decode()
    assert "ketuk “Ajukan klaim”" in text  # the review step's button
    assert "di halaman “Klaim JHT”" in text  # where the ticks are
    assert "“Kirim”" not in text and "halaman JHT Anda" not in text
