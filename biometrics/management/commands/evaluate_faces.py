"""manage.py evaluate_faces DIR: false-accept/false-reject rates per threshold."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from biometrics.calibration import (
    DEFAULT_HARD_GROUPS,
    DEFAULT_THRESHOLDS,
    calibration_run_create,
    calibration_run_export,
    calibration_run_import,
    load_dataset,
    read_groups,
)
from biometrics.models import BiometricPolicy


def _pct(value: float | None) -> str:
    return "    -" if value is None else f"{value * 100:5.1f}"


class Command(BaseCommand):
    help = (
        "Measure face matching on DIR (one folder per person): FAR and FRR at "
        "several thresholds, a look-alike slice and timing; store a CalibrationRun."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?")
        parser.add_argument(
            "--groups",
            help="CSV person,group or a Markdown table with identity and region "
            "columns (default: DIR/groups.csv or DIR/../MANIFEST.md when present)",
        )
        parser.add_argument(
            "--hard-groups",
            default=",".join(DEFAULT_HARD_GROUPS),
            help="comma-separated groups whose cross pairs are the look-alike slice",
        )
        parser.add_argument(
            "--thresholds",
            default=",".join(str(t) for t in DEFAULT_THRESHOLDS),
        )
        parser.add_argument("--attempts", type=int, default=None)
        parser.add_argument("--no-store", action="store_true")
        parser.add_argument(
            "--export", help="also write the run's distances to this JSON file"
        )
        parser.add_argument(
            "--import",
            dest="import_path",
            help="store a run from a JSON export instead of measuring (no photos "
            "needed: seeds the demo world with the dev-set calibration)",
        )

    def handle(self, *args, **options):
        if options["import_path"]:
            run = calibration_run_import(path=Path(options["import_path"]))
            self._report(run, None, BiometricPolicy.current().max_attempts)
            return
        if not options["directory"]:
            raise CommandError("give DIR (one folder per person) or --import FILE")
        root = Path(options["directory"])
        if not root.is_dir():
            raise CommandError(f"{root} is not a folder")
        groups_path = self._groups_path(root, options["groups"])
        groups = read_groups(groups_path) if groups_path else {}
        hard = tuple(g.strip() for g in options["hard_groups"].split(",") if g.strip())
        thresholds = [float(t) for t in options["thresholds"].split(",")]
        attempts = options["attempts"] or BiometricPolicy.current().max_attempts
        dataset = load_dataset(root)
        if not dataset.encodings:
            raise CommandError(f"no faces found under {root}")
        run = calibration_run_create(
            root=root,
            groups=groups,
            hard=hard,
            thresholds=thresholds,
            attempts=attempts,
            dataset=dataset,
            store=not options["no_store"],
        )
        if options["export"]:
            calibration_run_export(run=run, path=Path(options["export"]))
        self._report(run, groups_path, attempts)

    def _groups_path(self, root: Path, given: str | None) -> Path | None:
        if given:
            return Path(given)
        for candidate in (root / "groups.csv", root.parent / "MANIFEST.md"):
            if candidate.is_file():
                return candidate
        return None

    def _report(self, run, groups_path, attempts: int) -> None:
        out = self.stdout.write
        out(
            f"{run.dataset}: {run.people} people, {run.photos} photos, "
            f"{len(run.genuine_distances)} same-person pairs, "
            f"{len(run.impostor_distances)} different-person pairs"
        )
        if run.lookalike_distances:
            out(
                f"look-alike slice ({run.lookalike_label}, groups from "
                f"{groups_path}): {len(run.lookalike_distances)} pairs"
            )
        out("")
        out(f"| threshold | FRR % | FAR % | look-alike FAR % | blocked after {attempts} % "
            f"| impostor in {attempts} tries % | look-alike in {attempts} tries % |")  # fmt: skip
        out("|---|---|---|---|---|---|---|")
        for row in run.summary:
            out(
                f"| {row['threshold']:.3f} | {_pct(row['frr'])} | {_pct(row['far'])} "
                f"| {_pct(row['lookalike_far'])} | {_pct(row['blocked'])} "
                f"| {_pct(row['impostor_in'])} | {_pct(row['lookalike_in'])} |"
            )
        timings = run.timings
        if timings.get("photos"):
            out(
                f"\ndecode + detect + encode per photo (long side <= 640 px): "
                f"median {timings['median_ms']} ms, p95 {timings['p95_ms']} ms"
            )
        for skipped in timings.get("skipped", []):
            out(f"skipped {skipped}")
        if run.pk:
            out(f"stored CalibrationRun {run.pk}")
