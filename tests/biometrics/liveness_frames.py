"""Frame bursts for liveness tests, from demo/faces (ag_obama at several angles)."""

import random

from biometrics import liveness
from biometrics.liveness_eval import _camera, attack_frames
from tests.biometrics import images

# ag_obama 5 and 6 look at the camera; 4 is turned to his left, 2 to his right.
TURNED = {liveness.STEP_TURN_LEFT: 4, liveness.STEP_TURN_RIGHT: 2}
TIMES = ",".join(str(200 * n) for n in range(8))


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
