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
from .imaging import image_decode
from .models import CalibrationRun

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
DEFAULT_THRESHOLDS = [round(0.35 + 0.025 * i, 3) for i in range(11)]
DEFAULT_HARD_GROUPS = ("SE-Asia", "East-Asia")


@dataclass
class Dataset:
    encodings: dict[str, list[np.ndarray]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    timings_ms: list[float] = field(default_factory=list)


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
    root: Path, *, progress: Callable[[str], None] | None = None
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
                encoding = faces.largest_face_encoding(decoded.rgb)
            except Exception as exc:  # noqa: BLE001 - report and go on
                dataset.skipped.append(f"{path.relative_to(root)}: {exc}")
                continue
            if encoding is None:
                dataset.skipped.append(f"{path.relative_to(root)}: no face found")
                continue
            dataset.timings_ms.append((time.perf_counter() - started) * 1000)
            dataset.encodings.setdefault(person.name, []).append(encoding)
            if progress:
                progress(str(path.relative_to(root)))
    return dataset


def _in_hard_group(group: str | None, hard: tuple[str, ...]) -> bool:
    return bool(group) and any(re.search(rf"(^|\W){re.escape(h)}", group) for h in hard)


def pair_distances(
    dataset: Dataset, groups: dict[str, str], hard: tuple[str, ...]
) -> tuple[list[float], list[float], list[float]]:
    items = [(p, e) for p, encs in dataset.encodings.items() for e in encs]
    genuine: list[float] = []
    impostor: list[float] = []
    lookalike: list[float] = []
    for (p1, e1), (p2, e2) in itertools.combinations(items, 2):
        d = round(float(np.linalg.norm(e1 - e2)), 4)
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
        people=len(dataset.encodings),
        photos=sum(len(v) for v in dataset.encodings.values()),
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
