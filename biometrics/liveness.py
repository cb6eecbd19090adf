"""Liveness from a short burst of frames: a real head turns, a printed photo does not.

Pure computation on RGB arrays with dlib's 68-point landmarks (shipped with
face_recognition_models). The checks, in order:

- a face in (nearly) every frame, one clear face, usable light (else `retry`);
- the head turns in the asked direction and comes back, smoothly, in two frames
  running (else `retry`: the participant moved too little, too fast or the wrong
  way — nothing to hold against them);
- the face is not flat: a printed or on-screen photo moved in front of the camera
  is a plane, so its landmarks in every frame fit one homography of the frontal
  frame's landmarks; a real nose, lips and cheek outline move off that plane in
  every turned frame, out and back, and a rigid 3-D face fits them better than a
  plane (else `not_live`);
- the same person in every frame (else `not_live`);
- a blink when asked: the eye aspect ratio dips and recovers (else `retry`).

The frontal frame's encoding is then matched like a single selfie.
"""

import time
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext_noop
from PIL import Image

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
# image's right, i.e. the participant turned to their own left. The head must turn
# at least this much from a frame before and back by as much in a frame after.
MIN_TURN = 0.15
# The page asks to look into the oval first and to come back: those frames face
# the camera (a photo of a turned head, wobbling, never does).
FACING = 0.15
# A head turns out and back smoothly: the yaw's path (total variation) stays
# within this multiple of twice the turn; landmark noise on a wobbling print zigzags.
# Yaws go through a 3-frame running median first: a turn shows in two frames
# running (200 ms apart), a one-frame landmark glitch is no turn.
MAX_ZIGZAG = 1.4
# Points that lie nearly on one plane of a real face: eye corners, brow ends,
# mouth corners, chin. A homography fitted on them carries a printed nose along
# exactly; a real nose tip stands ~half an eye distance in front of that plane and
# moves off it as the head turns (parallax).
PLANE_POINTS = [17, 26, 36, 39, 42, 45, 48, 54, 8]
NOSE_POINTS = [30, 31, 33, 35]
# A generic face's depth off that plane (nose tip 1, about 3 cm): the cheek outline
# by the ears lies well behind it and slides as a real head turns, the nose, lips
# and inner brows stand in front. Set by hand from anatomy, coarse on purpose; its
# values were not fitted to the dev set.
DEPTH = np.zeros(68)
DEPTH[[0, 1, 2, 3, 13, 14, 15, 16]] = -1
DEPTH[[4, 12, 5, 11, 6, 10]] = [-0.8, -0.8, -0.5, -0.5, -0.2, -0.2]
DEPTH[27:36] = [0.3, 0.5, 0.7, 1.0, 0.5, 0.6, 0.7, 0.6, 0.5]
DEPTH[[49, 53, 55, 59]] = 0.2
DEPTH[[50, 51, 52, 56, 57, 58, 61, 62, 63, 65, 66, 67]] = 0.4
DEPTH[[19, 24, 20, 21, 22, 23]] = [0.15, 0.15, 0.3, 0.3, 0.3, 0.3]
# The mouth moves with expression as well as with the head: a member may smile or
# speak while turning. The relief and solid cues assume a rigid face, so they leave
# the mouth out (its DEPTH above still describes the generic face). Its corners
# stay among PLANE_POINTS: below the eyes only they and the chin hold the
# homography (without them more genuine turns were refused, README).
MOUTH = range(48, 68)
RIGID = np.array([p for p in range(68) if p not in MOUTH])
OFF_PLANE = np.array([p for p in np.flatnonzero(DEPTH) if p not in MOUTH])
# Three depth cues, each divided by the value a real turn clearly shows, averaged
# (depth_score): the nose's parallax, the parallax of every off-plane point against
# DEPTH, and how much better a rigid 3-D face (affine camera) fits than a plane.
# Each is the lesser of the two legs (out, back), then the median over the turned
# frames. On the dev set (seeds 16-23) a real turn scores ~1.7 and a tilted print
# taken for a turn ~0.5 (medians); at 0.9 / 1.0 / 1.1, 8 / 10 / 12 of 224 genuine
# turns are refused and 4 / 3 / 2 of 1,920 attacks accepted (README).
DEPTH_CUES = {"nose": 0.07, "relief": 0.14, "solid": 0.2}
MIN_DEPTH = 1.0
# Frames whose plane points themselves do not fit one homography are not measured.
MAX_PLANE_MISFIT = 0.08
# Frame-to-frame encodings of one live person stay well inside this distance.
SAME_PERSON = 0.6
# Two frames whose aligned faces correlate this closely are one face seen twice:
# only the first is encoded. On the dev set two different people's aligned faces
# correlate at most ~0.72, and two faces this close lie at most ~0.33 apart in
# encoding (glare and moire included), well inside SAME_PERSON.
SAME_CHIP = 0.98
# A blink: the eye aspect ratio falls to this share of the open-eye median and recovers.
BLINK_DIP = 0.75
MIN_FACE_SHARE = 0.75
DETECT_SIDE = 320


@dataclass
class FrameFace:
    landmarks: np.ndarray  # 68 x 2, image pixels
    yaw: float
    ear: float
    rect: object = None  # dlib rectangle of this face, reused for the encoding
    rects: list = field(default_factory=list)  # every face found


@dataclass
class LivenessResult:
    outcome: str  # live, not_live, retry
    reason: str = ""  # for staff: which check decided
    message: str = ""  # one plain instruction, for `retry` (an English msgid)
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


def _detect_small(fr, rgb: np.ndarray) -> list:
    """HOG on a DETECT_SIDE copy (a selfie face is large): ~2x faster per frame."""
    import dlib

    scale = DETECT_SIDE / max(rgb.shape[:2])
    if scale >= 1:
        return []
    small = np.asarray(
        Image.fromarray(rgb).resize(
            (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale)),
            Image.Resampling.BILINEAR,
        )
    )
    with faces._dlib_lock:
        found = fr.api.face_detector(small, 0)
    return [
        dlib.rectangle(
            round(r.left() / scale),
            round(r.top() / scale),
            round(r.right() / scale),
            round(r.bottom() / scale),
        )
        for r in found
    ]


def frame_face(rgb: np.ndarray) -> FrameFace | None:
    """The largest face's 68 landmarks, yaw proxy and eye aspect ratio, or None."""
    fr = faces._fr()
    rects = _detect_small(fr, rgb) or faces._detect(fr, rgb)
    if not rects:
        return None
    face = max(rects, key=lambda r: r.height())
    with faces._dlib_lock:
        shape = fr.api.pose_predictor_68_point(rgb, face)
    pts = np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)
    ear = (_eye_ratio(pts[36:42]) + _eye_ratio(pts[42:48])) / 2
    return FrameFace(landmarks=pts, yaw=_yaw(pts), ear=ear, rect=face, rects=rects)


def _normalise(pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    centre = pts.mean(axis=0)
    scale = np.sqrt(2) / max(np.linalg.norm(pts - centre, axis=1).mean(), 1e-9)
    t = np.array(
        [[scale, 0, -scale * centre[0]], [0, scale, -scale * centre[1]], [0, 0, 1]]
    )
    return (pts - centre) * scale, t


def _homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares homography src->dst (normalised DLT, Hartley & Zisserman 4.2)."""
    a, ta = _normalise(src)
    b, tb = _normalise(dst)
    rows = []
    for (x, y), (u, v) in zip(a, b, strict=True):
        rows.append([-x, -y, -1, 0, 0, 0, u * x, u * y, u])
        rows.append([0, 0, 0, -x, -y, -1, v * x, v * y, v])
    _u, _s, vt = np.linalg.svd(np.asarray(rows))
    return np.linalg.inv(tb) @ vt[-1].reshape(3, 3) @ ta


def _project(h: np.ndarray, points: np.ndarray) -> np.ndarray:
    out = np.c_[points, np.ones(len(points))] @ h.T
    return out[:, :2] / out[:, 2:3]


def depth_cues(src: np.ndarray, dst: np.ndarray, direction: int) -> dict:
    """Depth cues of one leg (frame facing the camera -> turned frame), in eye distances.

    The homography is fitted on PLANE_POINTS only; a flat picture moves every
    other point with them, a real face moves each in proportion to its depth.
    Signed towards the turn: a landmark error has no reason to point the asked
    way. `plane` (the plane points' own misfit) tells a frame whose landmarks are
    unreliable (a glitch, motion blur) from one that can be measured.
    """
    h = _homography(src[PLANE_POINTS], dst[PLANE_POINTS])
    eyes = max(np.linalg.norm(dst[36:42].mean(axis=0) - dst[42:48].mean(axis=0)), 1e-6)
    projected = _project(h, src)
    shift = direction * (dst[:, 0] - projected[:, 0]) / eyes
    misfit = np.linalg.norm(projected[PLANE_POINTS] - dst[PLANE_POINTS], axis=1)
    relief = DEPTH[OFF_PLANE] @ shift[OFF_PLANE] / (DEPTH[OFF_PLANE] ** 2).sum()
    # The RIGID points: a plane (homography, 8 numbers) against a rigid generic face
    # seen by an affine camera (dst = M [x, y, depth, 1], 8 numbers too).
    src, dst = src[RIGID], dst[RIGID]
    flat = _homography(src, dst)
    lifted = np.c_[src, DEPTH[RIGID] * eyes, np.ones(len(RIGID))]
    solid = lifted @ np.linalg.lstsq(lifted, dst, rcond=None)[0]
    ratio = np.linalg.norm(_project(flat, src) - dst) / max(
        np.linalg.norm(solid - dst), 1e-9
    )
    return {
        "nose": float(shift[NOSE_POINTS].mean()),
        "relief": float(relief),
        "solid": float(np.log(max(ratio, 1e-9))),
        "plane": float(np.sqrt((misfit**2).mean()) / eyes),
    }


def _box(rgb: np.ndarray, face: FrameFace) -> tuple[int, int, int, int]:
    """The face's rectangle inside the picture: top, right, bottom, left."""
    height, width = rgb.shape[:2]
    r = face.rect
    return (
        max(r.top(), 0),
        min(r.right(), width - 1),
        min(r.bottom(), height - 1),
        max(r.left(), 0),
    )


def _chip(rgb: np.ndarray, face: FrameFace) -> np.ndarray:
    return faces.face_chip(rgb, _box(rgb, face))


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised correlation of two aligned faces' grey levels (1: the same picture
    up to exposure)."""
    grey = [faces._luma(c.astype(np.float32)) for c in (a, b)]
    grey = [(g - g.mean()) / max(float(g.std()), 1e-6) for g in grey]
    return float((grey[0] * grey[1]).mean())


def _spread(
    frames: list[np.ndarray],
    found: list,
    seen: list[int],
    frontal: int,
    encoding: np.ndarray,
) -> tuple[float, int]:
    """The largest encoding distance of any frame's face from the frontal frame's,
    and how many frames were encoded for it.

    A frame whose aligned face is nearly the same picture as one already encoded
    (SAME_CHIP) is that face: encoding it again would cost ~0.1 s and tell nothing.
    """
    known = [_chip(frames[frontal], found[frontal])]
    spread = 0.0
    for i in seen:
        if i == frontal:
            continue
        chip = _chip(frames[i], found[i])
        if any(_correlation(chip, other) >= SAME_CHIP for other in known):
            continue
        known.append(chip)
        distance = float(np.linalg.norm(faces.chip_encoding(chip) - encoding))
        spread = max(spread, distance)
    return spread, len(known)


def _retry(reason: str, message: str, **kwargs) -> LivenessResult:
    return LivenessResult(outcome="retry", reason=reason, message=message, **kwargs)


def _turns(
    yaws: list[float], direction: int, raw: list[float] | None = None
) -> list[tuple[int, int, int]]:
    """(before, turned, back) index triples in time order, most turned first.

    `turned` is at least MIN_TURN further in the asked direction than a frame
    before it and a frame after it, which face the camera. `yaws` are smoothed
    (`_smooth`); with the frames' own yaws in `raw`, a frame counts as turned or
    facing only when both say so: the depth is measured on the frame's own
    landmarks, and a stalled camera alternating frontal and turned pictures makes
    the median of a frontal frame "turned" (measuring it would read the turn
    backwards).
    """
    raw = yaws if raw is None else raw
    pairs = [(direction * a, direction * b) for a, b in zip(yaws, raw, strict=True)]
    turned = [min(p) for p in pairs]  # at least this far in the asked direction
    reach = [max(p) for p in pairs]  # at most this far
    facing = [max(abs(a), abs(b)) <= FACING for a, b in zip(yaws, raw, strict=True)]
    found = []
    for j in range(len(yaws)):
        before = [i for i in range(j) if turned[j] - reach[i] >= MIN_TURN and facing[i]]
        after = [
            k
            for k in range(j + 1, len(yaws))
            if turned[j] - reach[k] >= MIN_TURN and facing[k]
        ]
        if before and after:
            found.append((before[-1], j, after[0]))
    return sorted(found, key=lambda t: -turned[t[1]])


def depth_score(cues: dict) -> float:
    """The mean of the cues, each in units of DEPTH_CUES and capped at 2: no single
    cue (a landmark glitch, a near-perfect fit) decides alone."""
    return float(
        np.mean([np.clip(cues[c] / ref, -2, 2) for c, ref in DEPTH_CUES.items()])
    )


def _depth(found: list, triples, direction: int) -> dict | None:
    """Depth cues over every measurable turned frame, and their combined score."""
    per_frame = []
    for i, j, k in triples:
        legs = [
            depth_cues(found[a].landmarks, found[j].landmarks, direction)
            for a in (i, k)
        ]
        misfit = max(leg["plane"] for leg in legs)
        if misfit <= MAX_PLANE_MISFIT:
            lesser = {c: min(leg[c] for leg in legs) for c in DEPTH_CUES}
            per_frame.append(lesser | {"plane": misfit})
    if not per_frame:
        return None
    cues = {c: float(np.median([f[c] for f in per_frame])) for c in DEPTH_CUES}
    cues["depth"] = depth_score(cues)
    cues["plane"] = max(f["plane"] for f in per_frame)
    return cues


def _smooth(yaws: list[float]) -> list[float]:
    """3-frame running median: one frame's landmark glitch is neither a turn nor a
    facing frame."""
    inner = [float(np.median(yaws[n - 1 : n + 2])) for n in range(1, len(yaws) - 1)]
    return yaws[:1] + inner + yaws[-1:] if len(yaws) > 2 else list(yaws)


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
    raw = [found[i].yaw for i in seen]
    yaws = _smooth(raw)
    metrics: dict = {"yaw": [round(y, 3) for y in raw]}
    direction = 1 if STEP_TURN_LEFT in steps else -1
    triples = [tuple(seen[n] for n in t) for t in _turns(yaws, direction, raw)]
    if not triples:
        message = (
            gettext_noop("Turn your head to the side shown in the picture, then back.")
            if _turns(yaws, -direction, raw)
            else gettext_noop(
                "Turn your head a little further, slowly, then look back at the camera."
            )
        )
        return _retry("no_turn", message, metrics=metrics, timings=timings)
    measured = _depth(found, triples, direction)
    # From the frame facing the camera, out to the turn and back to facing it.
    first, last = seen.index(triples[0][0]), seen.index(triples[0][2])
    window = yaws[first : last + 1]
    path = float(np.abs(np.diff(window)).sum())
    metrics["zigzag"] = round(path / max(2 * (max(window) - min(window)), 1e-6), 3)
    if measured is None or metrics["zigzag"] > MAX_ZIGZAG:
        return _retry(
            "unsteady",
            gettext_noop(
                "Hold the phone still with both hands and turn your head slowly."
            ),
            metrics=metrics,
            timings=timings,
        )
    metrics.update({cue: round(value, 4) for cue, value in measured.items()})
    depth = measured["depth"]
    if depth < MIN_DEPTH:
        return LivenessResult(
            outcome="not_live", reason="flat", metrics=metrics, timings=timings
        )
    frontal = triples[0][0]
    if STEP_BLINK in steps:
        ears = [found[i].ear for i in seen]
        open_eyes = float(np.median(ears))
        dips = [n for n, e in enumerate(ears) if e <= BLINK_DIP * open_eyes]
        metrics["ear"] = [round(e, 3) for e in ears]
        if not dips or not any(e >= 0.9 * open_eyes for e in ears[dips[0] + 1 :]):
            return _retry(
                "no_blink",
                gettext_noop("Blink once, clearly, while the camera records."),
                metrics=metrics,
                timings=timings,
            )
    started = time.perf_counter()
    analysis = faces.face_analyse(
        frames[frontal], **quality, rects=found[frontal].rects
    )
    if not analysis.ok:
        return _retry(
            analysis.findings[0].code if analysis.findings else "no_face",
            analysis.findings[0].message
            if analysis.findings
            else faces.finding("no_face").message,
            metrics=metrics,
            timings=timings,
        )
    # Every other frame with a face, not only the most turned one: the depth comes
    # from every turned frame and the frames around it, so a frame spliced in from
    # another face could lend its depth to a tilted print of the member.
    spread, metrics["encoded"] = _spread(
        frames, found, seen, frontal, analysis.encoding
    )
    timings["encode"] = round((time.perf_counter() - started) * 1000, 1)
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
