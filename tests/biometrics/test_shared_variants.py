"""Optional: every file in /work/shared/faces/variants gets a clear outcome, no 500."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from biometrics.models import SelfieAttempt
from biometrics.services import face_reference_create
from tests.biometrics import images

VARIANTS = Path("/work/shared/faces/variants")
MATCHED = {
    "reference_unmodified.jpg",
    "cmyk_colorspace.jpg",
    "grayscale_single_channel.jpg",
    "exif_orientation6_phone_style.jpg",
    "rgba_semitransparent.png",
    "small_face_2pct_of_frame_1600x1200.jpg",
}


@pytest.mark.skipif(not VARIANTS.is_dir(), reason="/work/shared/faces/variants absent")
def test_every_shared_variant_gets_a_clear_outcome(
    participant_api, participant, django_capture_on_commit_callbacks, settings
):
    # One member sends every variant: more than the per-member upload limit.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "selfie_upload": (1000, 900)}
    face_reference_create(
        participant=participant, image=images.raw("obama", 2), source="registry"
    )
    outcomes = {}
    for path in sorted(VARIANTS.iterdir()):
        if path.suffix == ".md":
            continue
        SelfieAttempt.objects.all().delete()  # the control and CMYK share pixels
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        with django_capture_on_commit_callbacks(execute=True):
            response = participant_api.post(
                "/api/v1/biometrics/selfies/", {"image": upload}, format="multipart"
            )
        assert response.status_code in (202, 400), path.name
        if response.status_code == 400:
            outcomes[path.name] = response.json()["code"]
            assert response.json()["detail"]
            continue
        attempt = SelfieAttempt.objects.get(pk=response.json()["id"])
        outcomes[path.name] = attempt.status
        assert attempt.status != "error", path.name
        if attempt.status != "matched":
            assert attempt.guidance and not attempt.counted, path.name
    for name in MATCHED:
        assert outcomes[name] == "matched", (name, outcomes[name])
    assert outcomes["decompression_bomb_header_100000x100000.png"] == "too_many_pixels"
    assert (
        outcomes["decompression_bomb_valid_12000x12000_gray.png"] == "too_many_pixels"
    )
    assert outcomes["truncated_jpeg_40pct_bytes.jpg"] == "damaged_image"
    assert outcomes["two_faces_side_by_side_obama_rose.jpg"] == "rejected_quality"
