"""The same person in every frame, at the cost of encoding each distinct face once."""

import numpy as np
import pytest

from biometrics import faces, liveness
from biometrics.imaging import image_decode
from tests.biometrics import images, liveness_frames

QUALITY = {
    "min_face_ratio": 0.1,
    "min_brightness": 40,
    "max_brightness": 220,
    "min_sharpness": 15.0,
}


def _rgb(data: bytes) -> np.ndarray:
    return image_decode(
        image=data, max_bytes=2**24, max_pixels=10**8, long_side=480
    ).rgb


def _chip(rgb: np.ndarray) -> np.ndarray:
    return liveness._chip(rgb, liveness.frame_face(rgb))


def test_the_aligned_face_is_what_the_encoder_reads():
    rgb = np.asarray(images.load("obama", 5))
    box = liveness._box(rgb, liveness.frame_face(rgb))
    via_chip = faces.chip_encoding(faces.face_chip(rgb, box))
    library = faces._fr().face_encodings(rgb, [box], model="small")[0]
    assert np.allclose(via_chip, library, atol=1e-6)


def test_a_face_seen_twice_correlates_two_people_do_not():
    obama = _chip(_rgb(images.raw("obama", 5)))
    again = _chip(_rgb(images.raw("obama", 5)))
    assert liveness._correlation(obama, again) == pytest.approx(1.0)
    biden = _chip(_rgb(images.raw("biden", 1)))
    assert liveness._correlation(obama, biden) < liveness.SAME_CHIP - 0.1


@pytest.mark.parametrize("step", [liveness.STEP_TURN_LEFT, liveness.STEP_TURN_RIGHT])
def test_a_repeated_face_is_not_encoded_again_and_hides_nothing(step):
    frames = [_rgb(f) for f in liveness_frames.genuine([step])]

    result = liveness.liveness_check(frames, steps=[step], quality=QUALITY)

    assert result.outcome == "live", result.metrics
    # Three pictures (facing, turned, facing again) through camera noise: fewer
    # encodings than frames, at least one per picture.
    assert 3 <= result.metrics["encoded"] < len(frames)
    # Every frame encoded after all: the skipped ones lie no further away.
    every = max(
        float(
            np.linalg.norm(
                faces.encode(rgb, liveness._box(rgb, liveness.frame_face(rgb)))
                - result.analysis.encoding
            )
        )
        for rgb in frames
    )
    assert every <= liveness.SAME_PERSON
    assert result.metrics["same_person"] <= every + 1e-9


def test_a_face_spliced_into_a_repeated_run_is_still_encoded():
    steps = [liveness.STEP_TURN_LEFT]
    data = liveness_frames.genuine(steps)
    frames = [_rgb(f) for f in data[:6]] + [_rgb(images.raw("biden", 1))]
    frames += [_rgb(data[7])]

    result = liveness.liveness_check(frames, steps=steps, quality=QUALITY)

    assert (result.outcome, result.reason) == ("not_live", "different_faces")
