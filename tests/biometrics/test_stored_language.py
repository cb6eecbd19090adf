"""A selfie's guidance, its findings and the block reason are stored untranslated:
the member and the desk each read them in their own language, whichever language
was active when the worker decided."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from biometrics.models import SelfieAttempt, SelfieStatus
from biometrics.services import selfie_submit
from participants.models import Block, BlockKind
from tests.biometrics import images
from tests.conftest import staff_api, staff_login

SELFIES = "/api/v1/biometrics/selfies/"
STATUS = "/api/v1/biometrics/status/"
BLOCKS = "/api/v1/desk/blocks/"
RETRY_EN = (
    "Take off glasses or contact lenses, face the light and try again. "
    "Attempts left: 2."
)
RETRY_ID = "Lepas kacamata atau lensa kontak, hadap ke cahaya lalu coba lagi. "
RETRY_ID += "Sisa percobaan: 2."


@pytest.fixture
def decide(participant, obama_reference, django_capture_on_commit_callbacks):
    """Send a selfie; the worker decides it with the member's language active."""

    def send(data: bytes, language: str) -> SelfieAttempt:
        participant.language = language
        participant.save(update_fields=["language"])
        with override(language):
            with django_capture_on_commit_callbacks(execute=True):
                attempt = selfie_submit(participant=participant, image=data)
        attempt.refresh_from_db()
        return attempt

    return send


@pytest.fixture
def member(participant_user):
    client = Client()
    client.force_login(participant_user)
    return client


@pytest.mark.parametrize(
    ("worker", "reader", "shown", "hidden"),
    [("id", "en", RETRY_EN, RETRY_ID), ("en", "id", RETRY_ID, RETRY_EN)],
)
def test_the_member_reads_the_guidance_in_the_language_they_read_in(
    decide, participant_api, member, worker, reader, shown, hidden
):
    attempt = decide(images.raw("kit_harington", 1), worker)
    assert attempt.status == SelfieStatus.NOT_MATCHED
    detail = participant_api.get(
        f"{SELFIES}{attempt.pk}/", HTTP_ACCEPT_LANGUAGE=reader
    ).json()
    assert detail["guidance"].endswith(shown)
    page = member.get(attempt.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=reader)
    html = page.content.decode()
    assert shown in html and hidden not in html


def test_the_desk_reads_findings_and_the_block_reason_in_its_own_language(
    decide, participant, participant_api, front_office_user
):
    dark = decide(images.dark(), "id")
    assert dark.status == SelfieStatus.REJECTED_QUALITY
    for face in [("biden", 1), ("kit_harington", 1), ("alex_lacamoire", 2)]:
        decide(images.raw(*face), "id")
    block = Block.objects.active().get(participant=participant)
    officer = staff_login(front_office_user)
    url = reverse("frontoffice:participant", args=[participant.pk])
    english = officer.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your photo is too dark" in english and "terlalu gelap" not in english
    assert "Face did not match 3 times in a row." in english
    indonesian = officer.get(url, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Wajah tidak cocok 3 kali berturut-turut." in indonesian
    assert "Foto Anda terlalu gelap" in indonesian
    desk = staff_api(front_office_user).get(BLOCKS, HTTP_ACCEPT_LANGUAGE="en").json()
    assert [b["reason"] for b in desk["results"] if b["id"] == block.pk] == [
        "Face did not match 3 times in a row."
    ]
    status = participant_api.get(STATUS, HTTP_ACCEPT_LANGUAGE="en").json()
    assert status["block_reason"] == "Face did not match 3 times in a row."


def test_rows_stored_already_translated_still_show_as_stored(
    participant, participant_api
):
    said = "Wajah Anda tidak cocok dengan data kami. Sisa percobaan: 1."
    attempt = SelfieAttempt.objects.create(
        participant=participant,
        status=SelfieStatus.NOT_MATCHED,
        counted=True,
        guidance=said,
        image_sha256="0" * 64,
    )
    Block.objects.create(
        participant=participant,
        kind=BlockKind.BIOMETRIC,
        reason="Wajah tidak cocok 3 kali berturut-turut.",
    )
    detail = participant_api.get(f"{SELFIES}{attempt.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert detail.json()["guidance"] == said
    status = participant_api.get(STATUS, HTTP_ACCEPT_LANGUAGE="en").json()
    assert status["block_reason"] == "Wajah tidak cocok 3 kali berturut-turut."
