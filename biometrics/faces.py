"""Face detection, quality findings and encodings (face_recognition / dlib).

The dlib models are loaded once per process, on first use or when a Celery
worker starts (`warm`). Everything here is pure computation on an RGB array.
"""

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext_noop
from PIL import Image, ImageFile

_lock = threading.Lock()
_module: Any = None
# dlib's detector and encoder are one object per process and not thread-safe: two
# threads inside them at once abort the process (seen with parallel selfies). A
# threads worker pool then matches one selfie at a time; prefork pools are unaffected.
_dlib_lock = threading.Lock()

# The largest face is the one judged. Another face refuses the photo only when it
# is of comparable size: at least this share of the largest face's height, i.e.
# two people about as near the camera (a face 60% as tall stands at most ~1.7x as
# far away). A passer-by in the background is far smaller and is ignored. This is
# geometry, not policy: which face is "the member" must be unambiguous, nothing more.
SECOND_FACE_RATIO = 0.6
SHARPNESS_SIZE = 128
DETECT_UPSAMPLE = 1
# References are encoded once (registry import, desk): dlib re-samples the aligned
# face this many times with small shifts and averages the descriptors, which removes
# alignment noise from the side that every later selfie is compared with. Selfies
# stay at one sample to keep the decision fast. (Measured on the dev set by
# evaluate_faces; the 68-point alignment was measured too and did not separate
# look-alikes better than the 5-point one, so encodings keep the 5-point model.)
REFERENCE_JITTERS = 10
# dlib's encoder reads the face aligned to 150 px with a quarter of padding (its
# own defaults, which face_recognition.face_encodings uses).
CHIP_SIZE = 150
CHIP_PADDING = 0.25
# Distances compare the descriptors' directions: each is scaled to this length
# before the Euclidean distance. A descriptor's length varies from photo to photo
# (1.23-1.53 on the dev set) with the picture, not the person, and adds to every
# distance. 1.35 is about the median length (1.355 on the dev set), so distances,
# thresholds and SOFTMIN_SCALE keep their scale; it is a unit, it reorders no pair.
# Stored encodings are not changed: the scaling happens when comparing.
DESCRIPTOR_LENGTH = 1.35


def _detect(fr: Any, rgb: np.ndarray) -> list:
    """HOG detection; upsample (4x the work) only when no face >= ~80 px was found."""
    with _dlib_lock:
        rects = list(fr.api.face_detector(rgb, 0))
        return rects or list(fr.api.face_detector(rgb, DETECT_UPSAMPLE))


def face_chip(rgb: np.ndarray, box: tuple) -> np.ndarray:
    """The aligned 150 px face the encoder reads (5-point alignment, as
    face_recognition's own face_encodings aligns it). box: top, right, bottom, left."""
    import dlib

    fr = _fr()
    top, right, bottom, left = box
    with _dlib_lock:
        shape = fr.api.pose_predictor_5_point(
            rgb, dlib.rectangle(left, top, right, bottom)
        )
        return dlib.get_face_chip(rgb, shape, CHIP_SIZE, CHIP_PADDING)


def chip_encoding(chip: np.ndarray, jitters: int = 1) -> np.ndarray:
    with _dlib_lock:
        return np.array(_fr().api.face_encoder.compute_face_descriptor(chip, jitters))


def encode(rgb: np.ndarray, box: tuple, jitters: int = 1) -> np.ndarray:
    return chip_encoding(face_chip(rgb, box), jitters)


def _directions(encodings: np.ndarray) -> np.ndarray:
    encodings = np.asarray(encodings, dtype=np.float64)
    lengths = np.linalg.norm(encodings, axis=-1, keepdims=True)
    return DESCRIPTOR_LENGTH * encodings / np.maximum(lengths, 1e-12)


def encoding_distance(a: np.ndarray, b: np.ndarray) -> float:
    """The distance of two descriptors' directions (DESCRIPTOR_LENGTH)."""
    return float(np.linalg.norm(_directions(a) - _directions(b)))


def face_cut(face: Any, height: int, width: int) -> bool:
    """The face box reaches more than 5% of its height outside the photo."""
    margin = 0.05 * face.height()
    return (
        face.top() < -margin
        or face.left() < -margin
        or face.bottom() > height + margin
        or face.right() > width + margin
    )


def comparable_faces(heights: list[int], ratio: float = SECOND_FACE_RATIO) -> int:
    """How many faces besides the largest are of comparable size (0 = one clear face)."""
    if not heights:
        return 0
    ordered = sorted(heights, reverse=True)
    return sum(1 for h in ordered[1:] if h >= ratio * ordered[0])


def _fr() -> Any:
    """Import face_recognition once; undo its process-wide LOAD_TRUNCATED_IMAGES."""
    global _module
    if _module is None:
        with _lock:
            if _module is None:
                import face_recognition

                ImageFile.LOAD_TRUNCATED_IMAGES = False
                _module = face_recognition
    return _module


def warm() -> None:
    """Load the detector and the encoder now (worker start, benchmarks)."""
    fr = _fr()
    blank = np.zeros((64, 64, 3), dtype=np.uint8)
    with _dlib_lock:
        fr.api.face_detector(blank, 0)


@dataclass
class Finding:
    code: str
    message: str  # English source text: gettext() it to show it

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


@dataclass
class FaceAnalysis:
    findings: list[Finding] = field(default_factory=list)
    encoding: np.ndarray | None = None
    box: tuple[int, int, int, int] | None = None  # top, right, bottom, left
    metrics: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.findings and self.encoding is not None


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def _sharpness(gray: np.ndarray) -> float:
    """Variance of the Laplacian on a 128x128 copy (scale-independent blur measure)."""
    small = Image.fromarray(gray.astype(np.uint8)).resize(
        (SHARPNESS_SIZE, SHARPNESS_SIZE), Image.Resampling.BILINEAR
    )
    g = np.asarray(small, dtype=np.float64)
    lap = g[:-2, 1:-1] + g[2:, 1:-1] + g[1:-1, :-2] + g[1:-1, 2:] - 4 * g[1:-1, 1:-1]
    return float(lap.var())


def _message(code: str) -> str:
    # Not translated here: the worker stores it, readers see their own language.
    messages = {
        "no_face": gettext_noop(
            "We cannot see a face. Hold the phone upright at eye level, come a "
            "little closer and look straight at the camera."
        ),
        "several_faces": gettext_noop(
            "More than one face is in the photo. Make sure only you are in the picture."
        ),
        "face_too_small": gettext_noop(
            "Your face is too small in the photo: hold the phone closer, so your "
            "face fills the oval."
        ),
        "face_cut": gettext_noop(
            "Part of your face is outside the photo: move back a little so your "
            "whole face is inside the oval."
        ),
        "too_dark": gettext_noop(
            "Your photo is too dark: face a window or a lamp, not with the light "
            "behind you."
        ),
        "too_bright": gettext_noop(
            "Your photo is too bright: move out of direct sunlight or away from a "
            "strong lamp."
        ),
        "blurred": gettext_noop(
            "Your photo is blurred: hold the phone still with both hands and wipe "
            "the camera lens."
        ),
    }
    return messages[code]


def finding(code: str) -> Finding:
    return Finding(code=code, message=_message(code))


def face_analyse(
    rgb: np.ndarray,
    *,
    min_face_ratio: float,
    min_brightness: int,
    max_brightness: int,
    min_sharpness: float,
    check_quality: bool = True,
    jitters: int = 1,
    rects: list | None = None,
) -> FaceAnalysis:
    """Find exactly one usable face; return findings (first = guidance) or an encoding."""
    fr = _fr()
    result = FaceAnalysis()
    height, width = rgb.shape[:2]
    started = time.perf_counter()
    rects = list(rects) if rects is not None else _detect(fr, rgb)
    result.timings["detect"] = round((time.perf_counter() - started) * 1000, 1)
    gray = _luma(rgb.astype(np.float32))
    if not rects:
        # Say why, when the whole picture explains it.
        mean = float(gray.mean())
        result.metrics["image_brightness"] = round(mean, 1)
        if mean < min_brightness:
            result.findings.append(finding("too_dark"))
        elif mean > max_brightness:
            result.findings.append(finding("too_bright"))
        elif check_quality and _sharpness(gray) < min_sharpness:
            result.findings.append(finding("blurred"))
        result.findings.append(finding("no_face"))
        return result
    rects.sort(key=lambda r: r.height(), reverse=True)
    face = rects[0]
    result.metrics["faces"] = len(rects)
    if comparable_faces([r.height() for r in rects]):
        result.findings.append(finding("several_faces"))
    top, right, bottom, left = face.top(), face.right(), face.bottom(), face.left()
    result.metrics["face_ratio"] = round(face.height() / height, 3)
    if face_cut(face, height, width):
        result.findings.append(finding("face_cut"))
    top, left = max(top, 0), max(left, 0)
    bottom, right = min(bottom, height - 1), min(right, width - 1)
    result.box = (top, right, bottom, left)
    if check_quality:
        if face.height() < min_face_ratio * height:
            result.findings.append(finding("face_too_small"))
        crop = gray[top:bottom, left:right]
        brightness = float(crop.mean()) if crop.size else 0.0
        sharpness = _sharpness(crop) if crop.size else 0.0
        result.metrics.update(
            brightness=round(brightness, 1), sharpness=round(sharpness, 1)
        )
        if brightness < min_brightness:
            result.findings.append(finding("too_dark"))
        elif brightness > max_brightness:
            result.findings.append(finding("too_bright"))
        if sharpness < min_sharpness:
            result.findings.append(finding("blurred"))
    if result.findings:
        return result
    started = time.perf_counter()
    result.encoding = encode(rgb, result.box, jitters)
    result.timings["encode"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def face_distances(encoding: np.ndarray, references: list[list[float]]) -> np.ndarray:
    """Distances of a selfie's descriptor to each reference (encoding_distance)."""
    if not references:
        return np.array([])
    return np.linalg.norm(_directions(references) - _directions(encoding), axis=1)


# A selfie is compared with each of a member's references (up to three). Deciding on
# the smallest distance alone gives a look-alike one more face to pass for with every
# reference added. The soft minimum below is the distance itself with one reference,
# about the mean when every reference is near, and adds up to SOFTMIN_SCALE * ln(k)
# when only one of k references is near: references that agree count, one odd near
# miss counts less. The scale is the first and only value tried, not tuned on the dev
# set; evaluate_faces prints the effect next to the plain smallest distance.
SOFTMIN_SCALE = 0.02


def combined_distance(distances: np.ndarray) -> float | None:
    """The soft minimum of the distances to a member's references (None: none)."""
    if not len(distances):
        return None
    d = np.asarray(distances, dtype=np.float64)
    nearest = d.min()
    spread = np.exp(-(d - nearest) / SOFTMIN_SCALE).mean()
    return float(nearest - SOFTMIN_SCALE * np.log(spread))


@dataclass
class LargestFace:
    probe: np.ndarray  # one sample, as a selfie is encoded
    reference: np.ndarray  # REFERENCE_JITTERS samples, as a reference is encoded
    heights: list[int]  # of every face found, largest first
    # One sample averaged with its mirror image's: measured and not adopted for
    # selfies (a second encoder pass for about one point; evaluate_faces prints it).
    mirrored: np.ndarray | None = None
    # Why enrolment would refuse this photo as a reference (face_analyse's
    # check_quality=False findings: several_faces, face_cut), or None.
    refused: str | None = None


def largest_face(
    rgb: np.ndarray, *, jitters: int = REFERENCE_JITTERS
) -> LargestFace | None:
    """Both encodings of the largest face, or None (for calibration sets)."""
    fr = _fr()
    rects = _detect(fr, rgb)
    if not rects:
        return None
    height, width = rgb.shape[:2]
    rects.sort(key=lambda r: r.height(), reverse=True)
    face = rects[0]
    box = (
        max(face.top(), 0),
        min(face.right(), width - 1),
        min(face.bottom(), height - 1),
        max(face.left(), 0),
    )
    chip = face_chip(rgb, box)
    probe = chip_encoding(chip)
    mirrored = (probe + chip_encoding(np.ascontiguousarray(chip[:, ::-1]))) / 2
    reference = chip_encoding(chip, jitters) if jitters > 1 else probe
    heights = [r.height() for r in rects]
    refused = (
        "several_faces"
        if comparable_faces(heights)
        else "face_cut"
        if face_cut(face, height, width)
        else None
    )
    return LargestFace(probe, reference, heights, mirrored, refused)
