"""The selfie encoding (a sample and its mirror image) and the distance of directions."""

import numpy as np
import pytest

from biometrics import faces
from biometrics.imaging import image_decode
from tests.biometrics import images

QUALITY = {
    "min_face_ratio": 0.1,
    "min_brightness": 60,
    "max_brightness": 215,
    "min_sharpness": 12.0,
}


def _rgb(data: bytes) -> np.ndarray:
    return image_decode(image=data, max_bytes=2**24, max_pixels=10**8).rgb


def test_distances_compare_directions_not_lengths():
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=128), rng.normal(size=128)
    assert faces.encoding_distance(a, 3 * a) == pytest.approx(0, abs=1e-9)
    assert faces.encoding_distance(a, b) == pytest.approx(
        faces.encoding_distance(0.5 * a, 2 * b)
    )
    # Descriptors of the usual length keep their plain distance.
    unit = (
        faces.DESCRIPTOR_LENGTH / np.linalg.norm(a),
        faces.DESCRIPTOR_LENGTH / (np.linalg.norm(b)),
    )
    assert faces.encoding_distance(a, b) == pytest.approx(
        np.linalg.norm(a * unit[0] - b * unit[1])
    )
    # The matching reads stored references (lists) the same way.
    distances = faces.face_distances(a, [list(b), list(2 * a)])
    assert distances == pytest.approx([faces.encoding_distance(a, b), 0], abs=1e-9)


def test_a_reference_is_encoded_as_before():
    rgb = _rgb(images.raw("biden"))
    analysis = faces.face_analyse(
        rgb, **QUALITY, check_quality=False, jitters=faces.REFERENCE_JITTERS
    )
    # dlib's re-sampling of a reference already mirrors about half of its samples.
    plain = faces.encode(rgb, analysis.box, faces.REFERENCE_JITTERS)
    assert faces.encoding_distance(analysis.encoding, plain) < 0.1
