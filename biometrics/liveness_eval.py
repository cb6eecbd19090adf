"""Sequences for `evaluate_liveness`: genuine head turns and photo-replay attacks.

Genuine: real photos of one person at different head angles (frontal, turned,
frontal again), each frame through a small camera jitter; a turned photo mirrored
left-right is the same person turning the other way. Attack: one photo printed or
on a screen, moved in front of the camera: random perspective tilts (the attacker
tilts it to fake the asked turn), in-plane rotation, scale and position, and glare
or moire on some frames.

Framing: the capture page shows an oval guide that the member fills with their face
at arm's length, so a real burst shows the face at about one size, whatever the
angle. Every photo is therefore cropped around its largest face before it reaches
the camera (`_framed`: the face's box FACE_SHARE of the frame's height, centred like
the oval, background colour where the crop leaves the photo), for the genuine frames
and for the attacker's print alike (the print is held so its face fills the oval
too; the tilts, glare and hand shake apply after). Placed whole on the frame
instead, a full-length photo showed a face 40% the size of a close-up's in the
same burst, and a 250 px LFW photo a face a quarter of the frame's height: neither
happens on the capture page.
"""

import io
import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from . import liveness
from .calibration import PHOTO_SUFFIXES
from .imaging import image_decode
from .models import LivenessRun

FRAMES = 8
CANVAS = (640, 480)
# The face's box (dlib's, brows to chin) against the frame's height when the
# face fills the capture page's oval guide (the oval is 76% of the height).
FACE_SHARE = 0.45


@dataclass
class Sequence:
    label: str
    frames: list[bytes]  # JPEGs, capture order
    steps: list[str]


def _jpeg(img: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def _load(path: Path) -> Image.Image:
    with Image.open(path) as img:
        return ImageOps.exif_transpose(img).convert("RGB")


def _on_canvas(img: Image.Image, rng: random.Random, scale: float = 1.0) -> Image.Image:
    canvas = Image.new("RGB", CANVAS, tuple(rng.randint(60, 190) for _ in range(3)))
    fit = img.copy()
    fit.thumbnail((int(CANVAS[0] * scale), int(CANVAS[1] * scale)))
    dx = (CANVAS[0] - fit.width) // 2 + rng.randint(-20, 20)
    dy = (CANVAS[1] - fit.height) // 2 + rng.randint(-15, 15)
    canvas.paste(fit, (dx, dy))
    return canvas


def _camera(img: Image.Image, rng: random.Random) -> bytes:
    """A live camera frame: small zoom and shift, exposure change, sensor noise."""
    frame = _on_canvas(img, rng, rng.uniform(0.95, 1.05))
    pixels = np.asarray(frame, dtype=np.float32) * rng.uniform(0.92, 1.08)
    pixels += np.random.default_rng(rng.randint(0, 2**31)).normal(0, 3, pixels.shape)
    return _jpeg(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)))


def _face(img: Image.Image) -> liveness.FrameFace | None:
    """The photo's largest face as the worker finds it; its box in photo pixels."""
    decoded = image_decode(
        image=_jpeg(img, 92),
        max_bytes=50 * 2**20,
        max_pixels=10**8,
        long_side=liveness.FRAME_LONG_SIDE,
    ).rgb
    found = liveness.frame_face(decoded)
    if found is None:
        return None
    scale = img.width / decoded.shape[1]
    r = found.rect
    found.rect = tuple(v * scale for v in (r.left(), r.top(), r.right(), r.bottom()))
    return found


def _framed(
    img: Image.Image, face: liveness.FrameFace | None, rng: random.Random
) -> Image.Image:
    """The photo as the capture page frames it: the face fills the oval guide.

    The member holds the phone so that the face fills the page's oval, whatever the
    photo was: a CANVAS-sized view with the face's box FACE_SHARE of the height,
    centred, and the background colour where the view leaves the photo.
    """
    if face is None:
        return img
    left, top, right, bottom = face.rect
    zoom = FACE_SHARE * CANVAS[1] / max(bottom - top, 1)
    cx, cy = (left + right) / 2, (top + bottom) / 2
    box = (
        cx - CANVAS[0] / 2 / zoom,
        cy - CANVAS[1] / 2 / zoom,
        cx + CANVAS[0] / 2 / zoom,
        cy + CANVAS[1] / 2 / zoom,
    )
    view = Image.new("RGB", CANVAS, tuple(rng.randint(60, 190) for _ in range(3)))
    inside = (
        max(0, int(box[0])),
        max(0, int(box[1])),
        min(img.width, int(np.ceil(box[2]))),
        min(img.height, int(np.ceil(box[3]))),
    )
    if inside[2] <= inside[0] or inside[3] <= inside[1]:
        return view
    x0, y0 = round((inside[0] - box[0]) * zoom), round((inside[1] - box[1]) * zoom)
    x1, y1 = round((inside[2] - box[0]) * zoom), round((inside[3] - box[1]) * zoom)
    part = img.crop(inside).resize((x1 - x0, y1 - y0), Image.Resampling.LANCZOS)
    view.paste(part, (x0, y0))
    return view


def genuine_sequences(root: Path, rng: random.Random) -> Iterator[Sequence]:
    """frontal, frontal, turned x3, frontal x3 for each turned photo of each person."""
    for person in sorted(p for p in root.iterdir() if p.is_dir()):
        photos = []
        for path in sorted(person.iterdir()):
            if path.suffix.lower() not in PHOTO_SUFFIXES:
                continue
            img = _load(path)
            for variant in (img, ImageOps.mirror(img)):
                face = _face(variant)
                if face is not None:
                    photos.append((variant, face))
        frontal = [(img, face) for img, face in photos if abs(face.yaw) <= 0.08]
        # A clear turn, as the challenge asks for (about 15 degrees or more).
        turned = [(img, face) for img, face in photos if abs(face.yaw) >= 0.23]
        if not frontal:
            continue
        for img, face in turned:
            first, last = rng.choice(frontal), rng.choice(frontal)
            frames = [first, first] + [(img, face)] * 3 + [last] * 3
            step = liveness.STEP_TURN_LEFT if face.yaw > 0 else liveness.STEP_TURN_RIGHT
            yield Sequence(
                person.name,
                [_camera(_framed(f, found, rng), rng) for f, found in frames],
                [step],
            )


def _perspective(
    img: Image.Image, yaw_deg: float, pitch_deg: float, focal: float = 1.6
) -> Image.Image:
    """The picture as seen when the print is turned about its vertical/horizontal axes.

    focal: the camera's distance in picture widths (a print held close to a phone
    shows strong perspective, which is what fakes a head turn best).
    """
    w, h = img.size
    f = focal * max(w, h)
    ay, ap = np.radians(yaw_deg), np.radians(pitch_deg)
    corners = np.array(
        [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]]
    )
    out = []
    for x, y in corners:
        x1, z1 = x * np.cos(ay), x * np.sin(ay)
        y2, z2 = y * np.cos(ap) - z1 * np.sin(ap), y * np.sin(ap) + z1 * np.cos(ap)
        out.append((f * x1 / (f + z2) + w / 2, f * y2 / (f + z2) + h / 2))
    src = corners + [w / 2, h / 2]
    # Solve the 8 coefficients mapping output corners back to input corners (PIL).
    rows, rhs = [], []
    for (u, v), (x, y) in zip(out, src, strict=True):
        rows.append([u, v, 1, 0, 0, 0, -x * u, -x * v])
        rows.append([0, 0, 0, u, v, 1, -y * u, -y * v])
        rhs += [x, y]
    coeffs = np.linalg.solve(np.array(rows), np.array(rhs))
    return img.transform(
        (w, h), Image.Transform.PERSPECTIVE, tuple(coeffs), Image.Resampling.BILINEAR
    )


def _glare(img: Image.Image, rng: random.Random) -> Image.Image:
    w, h = img.size
    yy, xx = np.mgrid[0:h, 0:w]
    cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.1, 0.3) * w
    spot = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))[..., None]
    pixels = np.asarray(img, dtype=np.float32)
    return Image.fromarray(np.clip(pixels + 160 * spot, 0, 255).astype(np.uint8))


def _moire(img: Image.Image, rng: random.Random) -> Image.Image:
    w, h = img.size
    yy, xx = np.mgrid[0:h, 0:w]
    angle, period = rng.uniform(0, np.pi), rng.uniform(3, 7)
    wave = np.sin((xx * np.cos(angle) + yy * np.sin(angle)) * 2 * np.pi / period)
    pixels = np.asarray(img, dtype=np.float32) + 18 * wave[..., None]
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def attack_frames(
    img: Image.Image,
    rng: random.Random,
    frames: int = FRAMES,
    tilt: float | None = None,
) -> list[bytes]:
    """One photo held up and tilted: 0 -> +-tilt -> 0 degrees, hand shake, glare."""
    if tilt is None:  # degrees, signed: which way the print is turned
        tilt = rng.choice([-1, 1]) * rng.uniform(15, 55)
    focal = rng.uniform(0.6, 1.6)
    pitch = rng.uniform(-12, 12)
    scale = rng.uniform(0.75, 1.1)
    effect = rng.choice([None, _glare, _moire])
    out = []
    for n in range(frames):
        phase = np.sin(np.pi * n / (frames - 1))  # 0 -> 1 -> 0
        view = _perspective(
            img, tilt * phase, pitch * phase + rng.uniform(-3, 3), focal
        )
        view = view.rotate(rng.uniform(-8, 8), resample=Image.Resampling.BILINEAR)
        if effect is not None:
            view = effect(view, rng)
        view = view.filter(ImageFilter.GaussianBlur(rng.uniform(0, 0.8)))
        out.append(_camera_like(view, rng, scale))
    return out


def _camera_like(img: Image.Image, rng: random.Random, scale: float) -> bytes:
    frame = _on_canvas(img, rng, scale * rng.uniform(0.97, 1.03))
    return _jpeg(frame)


def attack_sequences(
    root: Path, rng: random.Random, per_photo: int
) -> Iterator[Sequence]:
    for person in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(person.iterdir()):
            if path.suffix.lower() not in PHOTO_SUFFIXES:
                continue
            img = _load(path)
            face = _face(img)
            for _ in range(per_photo):
                # The print is held so that its face fills the oval too.
                frames = attack_frames(_framed(img, face, rng), rng)
                yield Sequence(person.name, frames, [])


def decide(sequence: Sequence, quality: dict) -> tuple[liveness.LivenessResult, float]:
    """The worker's part: decode the JPEGs and check; an attack may try both turns."""
    started = time.perf_counter()
    frames = [
        image_decode(
            image=f,
            max_bytes=50 * 2**20,
            max_pixels=10**8,
            long_side=liveness.FRAME_LONG_SIDE,
        ).rgb
        for f in sequence.frames
    ]
    steps_tried = (
        [sequence.steps]
        if sequence.steps
        else [[liveness.STEP_TURN_LEFT], [liveness.STEP_TURN_RIGHT]]
    )
    for steps in steps_tried:
        result = liveness.liveness_check(frames, steps=steps, quality=quality)
        if result.reason != "no_turn":
            break
    return result, (time.perf_counter() - started) * 1000


# What a LivenessRun keeps and exports: counts only, no photo and no landmark.
RUN_FIELDS = (
    "dataset",
    "seed",
    "genuine",
    "genuine_not_live",
    "genuine_retry",
    "attacks",
    "attacks_live",
)


def liveness_run_create(*, store: bool = True, **counts) -> LivenessRun:
    run = LivenessRun(**{name: counts[name] for name in RUN_FIELDS})
    run.full_clean()
    if store:
        run.save()
    return run


def liveness_run_export(*, run: LivenessRun, path: Path) -> None:
    data = {name: getattr(run, name) for name in RUN_FIELDS}
    path.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")


def liveness_run_import(*, path: Path) -> LivenessRun:
    return liveness_run_create(**json.loads(path.read_text(encoding="utf-8")))
