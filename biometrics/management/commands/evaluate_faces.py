"""manage.py evaluate_faces DIR: false-accept/false-reject rates per threshold."""

from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from biometrics import faces
from biometrics.calibration import (
    BEFORE_THRESHOLD,
    CURRENT,
    DEFAULT_HARD_GROUPS,
    DEFAULT_THRESHOLDS,
    MIRROR_DIRECTIONS,
    MIRROR_ONLY,
    PLAIN,
    TARGET_TRIES,
    Dataset,
    blocked_counts,
    calibration_run_create,
    calibration_run_export,
    calibration_run_import,
    choose_threshold,
    first_try_rate,
    load_dataset,
    pair_distances,
    read_groups,
    several_references_rates,
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
        parser.add_argument(
            "--jitters",
            type=int,
            default=faces.REFERENCE_JITTERS,
            help="samples per reference encoding (1 = the matching before issue 16)",
        )
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
            self._chosen(run.lookalike_distances, run.genuine_distances)
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
        dataset = load_dataset(root, jitters=options["jitters"])
        if not dataset.faces:
            raise CommandError(f"no faces found under {root}")
        # The chosen threshold gets its own row in the table.
        lookalike = pair_distances(dataset, groups, hard)[2]
        thresholds = sorted({*thresholds, choose_threshold(lookalike)})
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
        chosen, first = self._before_after(dataset, groups, hard, run)
        self._refused(dataset, chosen, first)
        self._blocked(dataset, chosen, first, attempts)

    def _chosen(self, lookalike: list[float], genuine: list[float]) -> float:
        chosen = choose_threshold(lookalike)
        through = sum(1 for d in lookalike if d <= chosen)
        far = through / len(lookalike) if lookalike else 0
        matched = sum(1 for d in genuine if d <= chosen)
        first = matched / len(genuine) if genuine else 0
        # The counts say what the rates rest on: near 1%, one or two pairs.
        self.stdout.write(
            f"\nchosen threshold {chosen:.3f} (largest with look-alikes in "
            f"{TARGET_TRIES} tries <= 1%): genuine first try {_pct(first)} % "
            f"({matched} of {len(genuine)} pairs), look-alike in {TARGET_TRIES} tries "
            f"{_pct(1 - (1 - far) ** TARGET_TRIES)} % ({through} of {len(lookalike)} "
            "pairs through on one try)"
        )
        return chosen

    def _before_after(self, dataset: Dataset, groups, hard, run) -> tuple:
        """Genuine first-try pass rate and look-alike risk, before and after issue 16;
        returns the chosen threshold and its one-reference first-try rate."""
        out = self.stdout.write
        chosen = self._chosen(run.lookalike_distances, run.genuine_distances)
        _g, _i, old_lookalike = pair_distances(
            dataset, groups, hard, as_references=False, matching=PLAIN
        )

        def lookalike_in(distances, t):
            far = (
                sum(1 for d in distances if d <= t) / len(distances) if distances else 0
            )
            return 1 - (1 - far) ** TARGET_TRIES

        after = first_try_rate(
            dataset, chosen, as_references=True, ratio=faces.SECOND_FACE_RATIO
        )
        rows = [
            ("before: any second face refuses, 1 sample, "
             f"threshold {BEFORE_THRESHOLD:.3f}",
             first_try_rate(dataset, BEFORE_THRESHOLD, as_references=False, ratio=None,
                            matching=PLAIN),
             lookalike_in(old_lookalike, BEFORE_THRESHOLD)),
            ("dominant face judged (second face >= "
             f"{faces.SECOND_FACE_RATIO:.0%} of its height refuses)",
             first_try_rate(dataset, BEFORE_THRESHOLD, as_references=False,
                            ratio=faces.SECOND_FACE_RATIO, matching=PLAIN),
             lookalike_in(old_lookalike, BEFORE_THRESHOLD)),
        ]  # fmt: skip
        # Each matching at its own threshold, chosen the same way: the previous
        # release's (PLAIN), today's (CURRENT), and the mirrored selfie measured
        # and not adopted (a second encoder pass per selfie).
        steps = [
            ("+ jittered references (the previous release)", PLAIN),
            ("after: + descriptor directions compared", CURRENT),
            ("not adopted: + selfie averaged with its mirror image", MIRROR_ONLY),
            ("not adopted: + both", MIRROR_DIRECTIONS),
        ]
        for label, matching in steps:
            lookalike = pair_distances(dataset, groups, hard, matching=matching)[2]
            threshold = choose_threshold(lookalike)
            rows.append(
                (f"{label}, threshold {threshold:.3f}",
                 first_try_rate(dataset, threshold, as_references=True,
                                ratio=faces.SECOND_FACE_RATIO, matching=matching),
                 lookalike_in(lookalike, threshold))
            )  # fmt: skip
        for count in (2, 3):
            for how, combine in (
                ("the smallest distance", np.min),
                ("the soft minimum", faces.combined_distance),
            ):
                first, far = several_references_rates(
                    dataset, groups, hard, chosen, count, combine
                )
                rows.append(
                    (f"after, a member with {count} references, {how} decides",
                     first, None if far is None else 1 - (1 - far) ** TARGET_TRIES)
                )  # fmt: skip
        out(
            f"\n| matching | genuine first try % | look-alike in {TARGET_TRIES} tries % |"
        )
        out("|---|---|---|")
        for label, first, lookalike in rows:
            out(f"| {label} | {_pct(first)} | {_pct(lookalike)} |")
        return chosen, after

    def _refused(self, dataset: Dataset, chosen: float, first: float | None) -> None:
        """Photos enrolment would refuse as a reference, and the one-reference
        first-try rate both with them (above) and without them as references."""
        refused = [
            f.refused for found in dataset.faces.values() for f in found if f.refused
        ]
        line = (
            f"\nphotos enrolment would refuse as a reference (several faces, face "
            f"cut): {len(refused)} of {dataset.photos}"
        )
        if refused:
            kept = first_try_rate(
                dataset,
                chosen,
                as_references=True,
                ratio=faces.SECOND_FACE_RATIO,
                enrolable_only=True,
            )
            line += (
                f"; genuine first try with one reference {_pct(first)} % with them, "
                f"{_pct(kept)} % without them as references (no member has one)"
            )
        self.stdout.write(line)

    def _blocked(
        self, dataset: Dataset, chosen: float, first: float | None, attempts: int
    ) -> None:
        """Members blocked after `attempts` tries, measured, next to the table's
        figure, which takes one person's tries as independent (`first`: the
        one-reference first-try rate at `chosen`)."""
        blocked, members = blocked_counts(dataset, chosen, attempts)
        if not members or first is None:
            return
        self.stdout.write(
            f"\nmembers with one reference blocked after {attempts} tries at "
            f"{chosen:.3f}: {_pct(blocked / members)} % ({blocked} of {members} sets "
            f"of {attempts} selfies of one person all fail); "
            f"{_pct((1 - first) ** attempts)} % if tries failed independently"
        )

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
