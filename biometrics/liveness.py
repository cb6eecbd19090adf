"""Liveness from a short burst of frames: a real head turns, a printed photo does not.

Pure computation on RGB arrays with dlib's 68-point landmarks (shipped with
face_recognition_models). The checks, in order:

- a face in (nearly) every frame, one clear face, usable light (else `retry`);
- the head turns in the asked direction and comes back (else `retry`: the
  participant moved too little or the wrong way — nothing to hold against them);
- the face is not flat: a printed or on-screen photo moved in front of the camera
  is a plane, so its landmarks in every frame fit one homography of the frontal
  frame's landmarks; a real nose moves against the eyes and the cheek contour (else
  `not_live`);
- the same person in every frame (else `not_live`);
- a blink when asked: the eye aspect ratio dips and recovers (else `retry`).

The frontal frame's encoding is then matched like a single selfie.
"""

import time
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from . import faces

STEP_TURN_LEFT = "turn_left"
STEP_TURN_RIGHT = "turn_right"
STEP_BLINK = "blink"
MIN_FRAMES = 4
MAX_FRAMES = 12
FRAME_LONG_SIDE = 480
MAX_SPAN_MS = 10_000
# Yaw proxy: (nose-to-left-cheek - nose-to-right-cheek) / cheek width, from the
# 68 points; 0 frontal, about +-0.3 at 20 degrees. Positive: the nose moved to the
# image's right, i.e. the participant turned to their own left.
MIN_TURN = 0.12
FRONTAL_BAND = 0.07
# Homography misfit (RMS, as a share of the eye distance) below which the frames
# are one flat picture. Chosen with `evaluate_liveness` (README).
MIN_DEPTH = 0.045
# Frame-to-frame encodings of one live person stay well inside this distance.
SAME_PERSON = 0.6
# A blink: the eye aspect ratio falls to this share of the open-eye median and recovers.
BLINK_DIP = 0.75
MIN_FACE_SHARE = 0.75


@dataclass
class FrameFace:
    landmarks: np.ndarray  # 68 x 2, image pixels
    yaw: float
    ear: float


@dataclass
class LivenessResult:
    outcome: str  # live, not_live, retry
    reason: str = ""  # for staff: which check decided
    message: str = ""  # one plain instruction, for `retry`
    frontal: int | None = None  # index of the frame matched with the references
    analysis: faces.FaceAnalysis | None = None
    metrics: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)


def _yaw(pts: np.ndarray) -> float:
    nose, left, right = pts[30], pts[0], pts[16]
    to_left = float(np.linalg.norm(nose - left))
    to_right = float(np.linalg.norm(right - nose))
    return (to_left - to_right) / max(to_left + to_right, 1e-6)


def _eye_ratio(eye: np.ndarray) -> float:
    vertical = np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])
    return float(vertical / max(2 * np.linalg.norm(eye[0] - eye[3]), 1e-6))


def frame_face(rgb: np.ndarray) -> FrameFace | None:
    """The largest face's 68 landmarks, yaw proxy and eye aspect ratio, or None."""
    fr = faces._fr()
    rects = faces._detect(fr, rgb)
    if not rects:
        return None
    face = max(rects, key=lambda r: r.height())
    with faces._dlib_lock:
        shape = fr.api.pose_predictor_68_point(rgb, face)
    pts = np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)
    ear = (_eye_ratio(pts[36:42]) + _eye_ratio(pts[42:48])) / 2
    return FrameFace(landmarks=pts, yaw=_yaw(pts), ear=ear)


def _normalise(pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    centre = pts.mean(axis=0)
    scale = np.sqrt(2) / max(np.linalg.norm(pts - centre, axis=1).mean(), 1e-9)
    t = np.array(
        [[scale, 0, -scale * centre[0]], [0, scale, -scale * centre[1]], [0, 0, 1]]
    )
    return (pts - centre) * scale, t


def homography_misfit(src: np.ndarray, dst: np.ndarray) -> float:
    """RMS distance (share of dst's eye distance) after the best homography src->dst.

    Normalised direct linear transform (Hartley & Zisserman, algorithm 4.2).
    """
    a, ta = _normalise(src)
    b, tb = _normalise(dst)
    rows = []
    for (x, y), (u, v) in zip(a, b, strict=True):
        rows.append([-x, -y, -1, 0, 0, 0, u * x, u * y, u])
        rows.append([0, 0, 0, -x, -y, -1, v * x, v * y, v])
    _u, _s, vt = np.linalg.svd(np.asarray(rows))
    h = np.linalg.inv(tb) @ vt[-1].reshape(3, 3) @ ta
    projected = np.c_[src, np.ones(len(src))] @ h.T
    projected = projected[:, :2] / projected[:, 2:3]
    eyes = np.linalg.norm(dst[36:42].mean(axis=0) - dst[42:48].mean(axis=0))
    rms = np.sqrt(((projected - dst) ** 2).sum(axis=1).mean())
    return float(rms / max(eyes, 1e-6))


def _retry(reason: str, message: str, **kwargs) -> LivenessResult:
    return LivenessResult(outcome="retry", reason=reason, message=message, **kwargs)


def _turn(yaws: list[float], direction: int) -> tuple[int, int, int] | None:
    """Indices (frontal, turned, back) in time order, or None."""
    base = float(np.median(yaws))
    for i, yi in enumerate(yaws):
        if abs(yi - base) > FRONTAL_BAND:
            continue
        for j in range(i + 1, len(yaws)):
            if direction * (yaws[j] - base) < MIN_TURN:
                continue
            for k in range(j + 1, len(yaws)):
                if abs(yaws[k] - base) <= FRONTAL_BAND:
                    return i, j, k
    return None


def liveness_check(
    frames: list[np.ndarray], *, steps: list[str], quality: dict
) -> LivenessResult:
    """Decide live / not_live / retry from frames in capture order.

    `quality` holds face_analyse's limits (policy), applied to the frontal frame.
    """
    started = time.perf_counter()
    found = [frame_face(rgb) for rgb in frames]
    timings = {"landmarks": round((time.perf_counter() - started) * 1000, 1)}
    seen = [i for i, f in enumerate(found) if f is not None]
    if len(seen) < max(MIN_FRAMES, MIN_FACE_SHARE * len(frames)):
        return _retry("no_face", faces.finding("no_face").message, timings=timings)
    yaws = [found[i].yaw for i in seen]
    metrics: dict = {"yaw": [round(y, 3) for y in yaws]}
    direction = 1 if STEP_TURN_LEFT in steps else -1
    turn = _turn(yaws, direction)
    if turn is None:
        moved = max(abs(y - float(np.median(yaws))) for y in yaws)
        message = (
            _("Turn your head a little further, slowly, then look back at the camera.")
            if moved < MIN_TURN or _turn(yaws, -direction) is None
            else _("Turn your head to the side shown in the picture, then back.")
        )
        return _retry("no_turn", message, metrics=metrics, timings=timings)
    frontal, turned, _back = (seen[i] for i in turn)
    reference = found[frontal].landmarks
    depth = max(homography_misfit(reference, found[i].landmarks) for i in seen)
    metrics["depth"] = round(depth, 4)
    if depth < MIN_DEPTH:
        return LivenessResult(
            outcome="not_live", reason="flat", metrics=metrics, timings=timings
        )
    if STEP_BLINK in steps:
        ears = [found[i].ear for i in seen]
        open_eyes = float(np.median(ears))
        dips = [n for n, e in enumerate(ears) if e <= BLINK_DIP * open_eyes]
        metrics["ear"] = [round(e, 3) for e in ears]
        if not dips or not any(e >= 0.9 * open_eyes for e in ears[dips[0] + 1 :]):
            return _retry(
                "no_blink",
                _("Blink once, clearly, while the camera records."),
                metrics=metrics,
                timings=timings,
            )
    started = time.perf_counter()
    analysis = faces.face_analyse(frames[frontal], **quality)
    if not analysis.ok:
        return _retry(
            analysis.findings[0].code if analysis.findings else "no_face",
            analysis.findings[0].message
            if analysis.findings
            else faces.finding("no_face").message,
            metrics=metrics,
            timings=timings,
        )
    others = [faces.largest_face(frames[i], jitters=1) for i in (turned, seen[-1])]
    timings["encode"] = round((time.perf_counter() - started) * 1000, 1)
    spread = max(
        (float(np.linalg.norm(o.probe - analysis.encoding)) for o in others if o),
        default=9.0,
    )
    metrics["same_person"] = round(spread, 4)
    if spread > SAME_PERSON:
        return LivenessResult(
            outcome="not_live",
            reason="different_faces",
            metrics=metrics,
            timings=timings,
        )
    return LivenessResult(
        outcome="live",
        frontal=frontal,
        analysis=analysis,
        metrics=metrics,
        timings=timings,
    )
