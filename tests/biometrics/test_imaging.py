"""Every hostile input gets a specific outcome and none raises anything else."""

import pytest
from PIL import ImageFile

from biometrics import faces
from biometrics.imaging import image_decode
from jmo_portal.exceptions import ApplicationError
from tests.biometrics import images

LIMITS = {"max_bytes": 12 * 1024 * 1024, "max_pixels": 50_000_000}
QUALITY = {
    "min_face_ratio": 0.10,
    "min_brightness": 60,
    "max_brightness": 215,
    "min_sharpness": 12,
}


def _analyse(data: bytes) -> list[str]:
    decoded = image_decode(image=data, **LIMITS)
    return [f.code for f in faces.face_analyse(decoded.rgb, **QUALITY).findings]


@pytest.mark.parametrize(("make", "code"), images.UNREADABLE)
def test_it_refuses_unreadable_files_with_a_specific_code(make, code):
    with pytest.raises(ApplicationError) as exc:
        image_decode(image=make(), **LIMITS)
    assert exc.value.code == code
    assert exc.value.status == 400
    assert len(exc.value.message) > 20


def test_it_refuses_a_file_over_the_byte_limit_before_decoding():
    with pytest.raises(ApplicationError) as exc:
        image_decode(image=images.raw("obama"), max_bytes=10_000, max_pixels=10**7)
    assert exc.value.code == "file_too_large"


def test_it_refuses_a_valid_image_over_the_pixel_limit():
    data = images.phone_photo("obama", 1, size=(2000, 1500))
    with pytest.raises(ApplicationError) as exc:
        image_decode(image=data, max_bytes=10**8, max_pixels=2_000_000)
    assert exc.value.code == "too_many_pixels"


def test_truncated_images_stay_refused_after_face_recognition_is_imported():
    faces.warm()
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # what importing face_recognition does
    with pytest.raises(ApplicationError) as exc:
        image_decode(image=images.truncated(), **LIMITS)
    assert exc.value.code == "damaged_image"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.parametrize(
    "make", [images.cmyk, images.rgba, images.grayscale, images.exif_rotated]
)
def test_colour_modes_and_exif_rotation_become_a_usable_upright_photo(make):
    decoded = image_decode(image=make(), **LIMITS)
    assert decoded.rgb.ndim == 3 and decoded.rgb.shape[2] == 3
    assert b"Exif" not in decoded.jpeg[:200]
    assert _analyse(make()) == []


def test_exif_rotation_is_applied_so_the_photo_is_portrait():
    decoded = image_decode(image=images.exif_rotated(), **LIMITS)
    assert decoded.height > decoded.width
    assert decoded.rgb.shape[0] > decoded.rgb.shape[1]


def test_a_12_megapixel_photo_is_decoded_to_a_small_analysis_copy():
    decoded = image_decode(image=images.phone_photo("obama"), **LIMITS)
    assert (decoded.width, decoded.height) == (4000, 3000)
    assert max(decoded.rgb.shape[:2]) == 640


@pytest.mark.parametrize(
    ("make", "first"),
    [
        (images.dark, "too_dark"),
        (images.blurred, "blurred"),
        (images.tiny_face, "face_too_small"),
        (images.two_faces, "several_faces"),
        (images.no_face, "no_face"),
    ],
)
def test_quality_findings_name_the_problem(make, first):
    assert _analyse(make())[0] == first


def test_the_same_photo_gives_the_same_pixel_hash():
    a = image_decode(image=images.raw("obama", 2), **LIMITS)
    b = image_decode(image=images.raw("obama", 2), **LIMITS)
    c = image_decode(image=images.variant("obama", 2, 3), **LIMITS)
    assert a.sha256 == b.sha256 != c.sha256


def test_each_finding_is_one_plain_instruction_stored_untranslated():
    from django.utils.translation import gettext, override

    with override("id"):
        message = faces.finding("too_dark").message
        assert message.startswith("Your photo is too dark")  # whoever runs it
        assert gettext(message).startswith(
            "Foto Anda terlalu gelap: hadapkan wajah ke jendela atau lampu"
        )
