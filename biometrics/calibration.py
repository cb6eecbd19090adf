"""Face-verification calibration: distances of same- and different-person pairs.

Used by `manage.py evaluate_faces` (and its tests). DIR holds one folder per
person; an optional groups file (CSV `person,group`, or a Markdown table with
`identity` and `region` columns such as the shared MANIFEST.md) defines the
look-alike slice: impostor pairs where both people belong to the hard groups.
"""

import csv
import itertools
import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import faces
from .faces import LargestFace
from .imaging import image_decode
from .models import CalibrationRun

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
DEFAULT_THRESHOLDS = [round(0.35 + 0.025 * i, 3) for i in range(11)]
DEFAULT_HARD_GROUPS = ("SE-Asia", "East-Asia")
# The threshold is chosen so that a look-alike impostor gets through within this
# many tries at most this often (issue 16: 5 tries, 1%).
TARGET_TRIES = 5
TARGET_LOOKALIKE_IN = 0.01
# The matching before issue 16, printed next to today's for comparison.
BEFORE_THRESHOLD = 0.47


def raw_distance(a: np.ndarray, b: np.ndarray) -> float:
    """The plain Euclidean distance (the matching before the descriptor directions)."""
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)))


@dataclass(frozen=True)
class Matching:
    """How a selfie is encoded (the LargestFace field read) and distances measured."""

    label: str
    probe: str
    distance: Callable[[np.ndarray, np.ndarray], float]


# Today's: the selfie as the portal encodes it, descriptor directions compared.
CURRENT = Matching("descriptor directions compared", "probe", faces.encoding_distance)
# The previous release: a one-sample selfie and the plain distance.
PLAIN = Matching("one-sample selfie, plain distance", "probe", raw_distance)
# Measured, not adopted (a second encoder pass per selfie for about one point): the
# selfie averaged with its mirror image.
MIRROR_ONLY = Matching(
    "selfie + its mirror image, plain distance", "mirrored", raw_distance
)
MIRROR_DIRECTIONS = Matching(
    "selfie + its mirror image, directions compared",
    "mirrored",
    faces.encoding_distance,
)


@dataclass
class Dataset:
    faces: dict[str, list[LargestFace]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    timings_ms: list[float] = field(default_factory=list)

    @property
    def photos(self) -> int:
        return sum(len(v) for v in self.faces.values())


def read_groups(path: Path) -> dict[str, str]:
    """person -> group from a CSV (person,group) or a Markdown table (identity|region)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".csv":
        rows = csv.reader(text.splitlines())
        return {row[0].strip(): row[1].strip() for row in rows if len(row) >= 2}
    groups: dict[str, str] = {}
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None if not line.strip() else header
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        if "identity" in header and "region" in header:
            groups[cells[header.index("identity")]] = cells[header.index("region")]
    return groups


def load_dataset(
    root: Path,
    *,
    jitters: int = faces.REFERENCE_JITTERS,
    progress: Callable[[str], None] | None = None,
) -> Dataset:
    dataset = Dataset()
    for person in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(person.iterdir()):
            if path.suffix.lower() not in PHOTO_SUFFIXES:
                continue
            started = time.perf_counter()
            try:
                decoded = image_decode(
                    image=path.read_bytes(), max_bytes=50 * 2**20, max_pixels=10**8
                )
                face = faces.largest_face(decoded.rgb, jitters=jitters)
            except Exception as exc:  # noqa: BLE001 - report and go on
                dataset.skipped.append(f"{path.relative_to(root)}: {exc}")
                continue
            if face is None:
                dataset.skipped.append(f"{path.relative_to(root)}: no face found")
                continue
            dataset.timings_ms.append((time.perf_counter() - started) * 1000)
            dataset.faces.setdefault(person.name, []).append(face)
            if progress:
                progress(str(path.relative_to(root)))
    return dataset


def _in_hard_group(group: str | None, hard: tuple[str, ...]) -> bool:
    return bool(group) and any(re.search(rf"(^|\W){re.escape(h)}", group) for h in hard)


def pair_distances(
    dataset: Dataset,
    groups: dict[str, str],
    hard: tuple[str, ...],
    *,
    as_references: bool = True,
    matching: Matching = CURRENT,
) -> tuple[list[float], list[float], list[float]]:
    """Distances of every (reference photo, selfie photo) pair.

    as_references: the first photo is encoded as a reference is (jittered) and every
    ordered pair counts; otherwise both are encoded as selfies and each pair counts
    once (with PLAIN: the matching before issue 16).
    """
    items = [(p, f) for p, found in dataset.faces.items() for f in found]
    pairs = (
        itertools.permutations(items, 2)
        if as_references
        else itertools.combinations(items, 2)
    )
    genuine: list[float] = []
    impostor: list[float] = []
    lookalike: list[float] = []
    for (p1, f1), (p2, f2) in pairs:
        probe = getattr(f2, matching.probe)
        reference = f1.reference if as_references else getattr(f1, matching.probe)
        d = round(matching.distance(reference, probe), 4)
        if p1 == p2:
            genuine.append(d)
            continue
        impostor.append(d)
        if _in_hard_group(groups.get(p1), hard) and _in_hard_group(
            groups.get(p2), hard
        ):
            lookalike.append(d)
    return genuine, impostor, lookalike


def _rate(values: list[float], predicate) -> float | None:
    return sum(1 for v in values if predicate(v)) / len(values) if values else None


def summary_rows(
    genuine: list[float],
    impostor: list[float],
    lookalike: list[float],
    thresholds: list[float],
    attempts: int,
) -> list[dict]:
    rows = []
    for t in thresholds:
        frr = _rate(genuine, lambda d, t=t: d > t)
        far = _rate(impostor, lambda d, t=t: d <= t)
        hard = _rate(lookalike, lambda d, t=t: d <= t)
        rows.append(
            {
                "threshold": t,
                "frr": frr,
                "far": far,
                "lookalike_far": hard,
                "blocked": None if frr is None else frr**attempts,
                "impostor_in": None if far is None else 1 - (1 - far) ** attempts,
                "lookalike_in": None if hard is None else 1 - (1 - hard) ** attempts,
            }
        )
    return rows


def choose_threshold(
    lookalike: list[float],
    *,
    tries: int = TARGET_TRIES,
    limit: float = TARGET_LOOKALIKE_IN,
) -> float:
    """The largest threshold (0.005 steps) keeping look-alikes in `tries` <= limit."""
    best = 0.3
    for step in range(71):
        t = round(0.3 + 0.005 * step, 3)
        far = _rate(lookalike, lambda d, t=t: d <= t) or 0.0
        if 1 - (1 - far) ** tries <= limit:
            best = t
    return best


def _passes(
    ref: LargestFace,
    probe: LargestFace,
    threshold: float,
    *,
    as_references: bool = True,
    ratio: float | None = faces.SECOND_FACE_RATIO,
    matching: Matching = CURRENT,
) -> bool:
    """The selfie passes the face-count check and matches the reference.

    ratio None: any second face refuses the photo (the rule before issue 16).
    """
    extra = (
        len(probe.heights) - 1
        if ratio is None
        else faces.comparable_faces(probe.heights, ratio)
    )
    selfie = getattr(probe, matching.probe)
    reference = ref.reference if as_references else getattr(ref, matching.probe)
    return not extra and matching.distance(reference, selfie) <= threshold


def first_try_rate(
    dataset: Dataset,
    threshold: float,
    *,
    as_references: bool,
    ratio: float | None,
    matching: Matching = CURRENT,
    enrolable_only: bool = False,
) -> float | None:
    """Genuine pairs whose selfie passes the face-count check and matches, one try.

    enrolable_only: leave out pairs whose reference photo enrolment would refuse
    (LargestFace.refused): no member has such a reference.
    """
    outcomes = [
        _passes(
            ref,
            probe,
            threshold,
            as_references=as_references,
            ratio=ratio,
            matching=matching,
        )
        for found in dataset.faces.values()
        for ref, probe in itertools.permutations(found, 2)
        if not (enrolable_only and ref.refused)
    ]
    return sum(outcomes) / len(outcomes) if outcomes else None


def blocked_counts(
    dataset: Dataset, threshold: float, attempts: int, matching: Matching = CURRENT
) -> tuple[int, int]:
    """(blocked, members): each photo of a person is a member's one reference and
    every set of `attempts` other photos of that person their tries; blocked when
    every try fails. One person's photos fail together far more often than
    independent tries would (FRR ** attempts), so this is the block rate to trust.
    People with fewer than attempts + 1 photos do not count."""
    blocked = members = 0
    for found in dataset.faces.values():
        for r, ref in enumerate(found):
            others = [probe for p, probe in enumerate(found) if p != r]
            for tries in itertools.combinations(others, attempts):
                members += 1
                blocked += not any(
                    _passes(ref, t, threshold, matching=matching) for t in tries
                )
    return blocked, members


def several_references_rates(
    dataset: Dataset,
    groups: dict[str, str],
    hard: tuple[str, ...],
    threshold: float,
    count: int,
    combine: Callable[[np.ndarray], float | None] = faces.combined_distance,
    matching: Matching = CURRENT,
) -> tuple[float | None, float | None]:
    """(genuine first try, look-alike per try) when a member has `count` references.

    Every set of `count` photos of a person is a member's references in turn, and
    `combine` makes one distance of the distances to them, as in selfie_process.
    Genuine: each other photo of that person is the selfie. Look-alike: each photo
    of another person of the hard groups is. Every set, not one, so that a single
    odd photo does not decide.
    """
    genuine: list[float] = []
    lookalike: list[float] = []
    for person, found in dataset.faces.items():
        others = (
            [
                probe
                for other, probes in dataset.faces.items()
                if other != person and _in_hard_group(groups.get(other), hard)
                for probe in probes
            ]
            if _in_hard_group(groups.get(person), hard)
            else []
        )
        for refs in itertools.combinations(range(len(found)), count):
            encodings = [found[r].reference for r in refs]

            def distance(probe, encodings=encodings):
                selfie = getattr(probe, matching.probe)
                return combine(
                    np.array([matching.distance(e, selfie) for e in encodings])
                )

            genuine += [
                distance(probe) for i, probe in enumerate(found) if i not in refs
            ]
            lookalike += [distance(probe) for probe in others]
    return (
        _rate(genuine, lambda d: d <= threshold),
        _rate(lookalike, lambda d: d <= threshold),
    )


def timing_summary(timings_ms: list[float]) -> dict:
    if not timings_ms:
        return {}
    ordered = sorted(timings_ms)
    return {
        "photos": len(ordered),
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1),
    }


def calibration_run_create(
    *,
    root: Path,
    groups: dict[str, str],
    hard: tuple[str, ...],
    thresholds: list[float],
    attempts: int,
    dataset: Dataset,
    store: bool = True,
) -> CalibrationRun:
    genuine, impostor, lookalike = pair_distances(dataset, groups, hard)
    run = CalibrationRun(
        dataset=str(root),
        people=len(dataset.faces),
        photos=dataset.photos,
        genuine_distances=sorted(genuine),
        impostor_distances=sorted(impostor),
        lookalike_distances=sorted(lookalike),
        lookalike_label=" + ".join(hard) if lookalike else "",
        summary=summary_rows(genuine, impostor, lookalike, thresholds, attempts),
        timings={**timing_summary(dataset.timings_ms), "skipped": dataset.skipped},
    )
    if store:
        run.full_clean()
        run.save()
    return run


EXPORT_FIELDS = (
    "dataset",
    "people",
    "photos",
    "genuine_distances",
    "impostor_distances",
    "lookalike_distances",
    "lookalike_label",
    "summary",
    "timings",
)


def calibration_run_export(*, run: CalibrationRun, path: Path) -> None:
    """Distances and figures only: no photo and no encoding leaves the run."""
    data = {name: getattr(run, name) for name in EXPORT_FIELDS}
    path.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")


def calibration_run_import(*, path: Path) -> CalibrationRun:
    data = json.loads(path.read_text(encoding="utf-8"))
    run = CalibrationRun(**{name: data[name] for name in EXPORT_FIELDS if name in data})
    run.full_clean()
    run.save()
    return run
