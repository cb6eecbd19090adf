"""manage.py evaluate_liveness DIR: attack acceptance, genuine rejection, timing."""

import random
import statistics
from collections import Counter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from biometrics import faces, liveness
from biometrics.liveness_eval import (
    attack_sequences,
    decide,
    genuine_sequences,
    liveness_run_create,
    liveness_run_export,
    liveness_run_import,
)
from biometrics.models import BiometricPolicy


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def _quantiles(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    pick = [
        ordered[min(len(ordered) - 1, int(q * len(ordered)))] for q in (0.05, 0.5, 0.95)
    ]
    return " / ".join(f"{v:.3f}" for v in pick)


class Command(BaseCommand):
    help = (
        "Liveness on DIR (one folder per person): genuine head-turn sequences from "
        "real photos at different angles, attack sequences from one photo moved in "
        "front of the camera; prints attack acceptance, genuine rejection and the "
        "worker's time for 8 frames at 480 px."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?")
        parser.add_argument("--attacks-per-photo", type=int, default=3)
        parser.add_argument("--seed", type=int, default=16)
        parser.add_argument(
            "--show", action="store_true", help="print the measures of each mistake"
        )
        parser.add_argument(
            "--no-store",
            action="store_true",
            help="do not store the counts (the policy page's preview reads the latest)",
        )
        parser.add_argument("--export", help="also write the counts to this JSON file")
        parser.add_argument(
            "--import",
            dest="import_path",
            help="store the counts of a JSON export instead of measuring (the demo "
            "world's dev-set figures)",
        )

    def handle(self, *args, **options):
        if options["import_path"]:
            try:
                run = liveness_run_import(path=Path(options["import_path"]))
            except (OSError, ValueError, KeyError, TypeError, ValidationError) as exc:
                raise CommandError(
                    f"cannot import {options['import_path']}: {exc}"
                ) from exc
            self.stdout.write(
                f"stored LivenessRun {run.pk}: {run.dataset}, genuine refused "
                f"{run.genuine_not_live + run.genuine_retry} of {run.genuine}, "
                f"attacks accepted {run.attacks_live} of {run.attacks}"
            )
            return
        if not options["directory"]:
            raise CommandError("give DIR (one folder per person) or --import FILE")
        root = Path(options["directory"])
        if not root.is_dir():
            raise CommandError(f"{root} is not a folder")
        faces.warm()
        quality = BiometricPolicy.current().quality_limits
        rng = random.Random(options["seed"])
        out = self.stdout.write
        genuine = self._run(genuine_sequences(root, rng), quality)
        attacks = self._run(
            attack_sequences(root, rng, options["attacks_per_photo"]), quality
        )
        if options["show"]:
            for kind, found, wrong in (
                ("genuine", genuine, "live"),
                ("attack", attacks, None),
            ):
                for label, r in zip(found["labels"], found["results"], strict=True):
                    if (r.outcome != "live") if wrong else (r.outcome == "live"):
                        out(f"{kind} {label}: {r.outcome} {r.reason} {r.metrics}")
        outcomes = Counter(r.outcome for r in genuine["results"])
        g_refused = len(genuine["results"]) - outcomes["live"]
        a_accepted = sum(1 for r in attacks["results"] if r.outcome == "live")
        run = liveness_run_create(
            store=not options["no_store"],
            dataset=str(root),
            seed=options["seed"],
            genuine=len(genuine["results"]),
            genuine_not_live=outcomes["not_live"],
            genuine_retry=outcomes["retry"],
            attacks=len(attacks["results"]),
            attacks_live=a_accepted,
        )
        if options["export"]:
            liveness_run_export(run=run, path=Path(options["export"]))
        if run.pk:
            out(f"stored LivenessRun {run.pk}")
        out(
            f"genuine sequences: {len(genuine['results'])}, refused "
            f"{g_refused} ({_pct(g_refused, len(genuine['results']))}; target <= 5%) "
            f"- {dict(genuine['why'])}"
        )
        out(
            f"attack sequences: {len(attacks['results'])}, accepted "
            f"{a_accepted} ({_pct(a_accepted, len(attacks['results']))}; target <= 1%) "
            f"- {dict(attacks['why'])}"
        )
        cues = ", ".join(f"{c} / {ref}" for c, ref in liveness.DEPTH_CUES.items())
        out(
            f"depth score, mean of {cues} (5th / 50th / 95th percentile; live needs "
            f">= {liveness.MIN_DEPTH}): genuine {_quantiles(genuine['depth'])}, "
            f"attacks {_quantiles(attacks['depth'])}"
        )
        out(
            f"plane misfit of the measured frames (measured only <= "
            f"{liveness.MAX_PLANE_MISFIT}): genuine {_quantiles(genuine['plane'])}, "
            f"attacks {_quantiles(attacks['plane'])}"
        )
        for what, times in (
            ("all", genuine["ms"] + attacks["ms"]),
            ("live", genuine["live_ms"] + attacks["live_ms"]),
        ):
            out(
                f"worker time ({what} sequences), decode + check of "
                f"{liveness_frames()} frames at {liveness.FRAME_LONG_SIDE} px: "
                f"{_timing(times)} (target median <= 1000 ms)"
            )
        encoded = [
            r.metrics["encoded"]
            for r in genuine["results"] + attacks["results"]
            if r.outcome == "live"
        ]
        if encoded:
            out(
                f"frames encoded for the same-person check (live sequences): median "
                f"{statistics.median(encoded):g} of {liveness_frames()} (a frame that "
                f"repeats an encoded face is not encoded again; ~0.1 s each)"
            )

    def _run(self, sequences, quality) -> dict:
        found = {
            "results": [],
            "why": Counter(),
            "depth": [],
            "ms": [],
            "live_ms": [],
            "labels": [],
            "plane": [],
        }
        for sequence in sequences:
            result, ms = decide(sequence, quality)
            found["labels"].append(sequence.label)
            found["results"].append(result)
            found["why"][f"{result.outcome}:{result.reason or '-'}"] += 1
            found["ms"].append(ms)
            if result.outcome == "live":
                found["live_ms"].append(ms)
            if "depth" in result.metrics:
                found["depth"].append(result.metrics["depth"])
                found["plane"].append(result.metrics["plane"])
        return found


def _timing(times: list[float]) -> str:
    if not times:
        return "-"
    ordered = sorted(times)
    return (
        f"median {statistics.median(ordered):.0f} ms, "
        f"p95 {ordered[int(0.95 * (len(ordered) - 1))]:.0f} ms (n={len(ordered)})"
    )


def liveness_frames() -> int:
    from biometrics.liveness_eval import FRAMES

    return FRAMES
