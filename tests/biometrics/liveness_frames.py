"""Frame bursts for liveness tests, from demo/faces (ag_obama at several angles)."""

import random

from django.core.files.uploadedfile import SimpleUploadedFile

from biometrics import liveness
from biometrics.liveness_eval import _camera, attack_frames
from tests.biometrics import images

# ag_obama 5 and 6 look at the camera; 4 is turned to his left, 2 to his right.
TURNED = {liveness.STEP_TURN_LEFT: 4, liveness.STEP_TURN_RIGHT: 2}
TIMES = ",".join(str(200 * n) for n in range(8))
CHALLENGES = "/api/v1/biometrics/challenges/"
SELFIES = "/api/v1/biometrics/selfies/"


def send(client, nonce: str, frames: list[bytes], times: str = TIMES):
    """Answer a challenge with a burst of frames, as the camera page does."""
    files = [
        SimpleUploadedFile(f"f{n}.jpg", data, content_type="image/jpeg")
        for n, data in enumerate(frames)
    ]
    return client.post(
        SELFIES,
        {"challenge": nonce, "frames": files, "frame_times_ms": times},
        format="multipart",
    )


def genuine(steps: list[str], seed: int = 1) -> list[bytes]:
    """Obama facing the camera, turning the asked way, then back."""
    rng = random.Random(seed)
    turned = images.load("obama", TURNED[steps[0]])
    frames = (
        [images.load("obama", 5)] * 2 + [turned] * 3 + [images.load("obama", 6)] * 3
    )
    return [_camera(f, rng) for f in frames]


# A print tilted like this fakes the asked turn (the tilt's sign picks the side).
PRINT_TILT = {liveness.STEP_TURN_LEFT: (3, 50), liveness.STEP_TURN_RIGHT: (1, -50)}


def print_attack(steps: list[str]) -> list[bytes]:
    """One photo of Obama held close to the camera, tilted the asked way and back."""
    seed, tilt = PRINT_TILT[steps[0]]
    return attack_frames(images.load("obama", 5), random.Random(seed), tilt=tilt)
