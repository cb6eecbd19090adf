import re
import shutil
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from biometrics import faces
from biometrics.calibration import (
    PLAIN,
    Dataset,
    blocked_counts,
    first_try_rate,
    read_groups,
    several_references_rates,
)
from biometrics.faces import LargestFace
from biometrics.models import BiometricPolicy, CalibrationRun
from biometrics.selectors import tradeoff
from tests.biometrics.images import FACES


@pytest.fixture
def people(tmp_path) -> Path:
    """Three demo people, two photos each, and a groups file making two 'look-alikes'."""
    root = tmp_path / "faces"
    for person, photos in [
        ("ag_obama", [1, 2]),
        ("ag_biden", [1, 2]),
        ("ag_rose_leslie", [1, 2]),
    ]:
        (root / person).mkdir(parents=True)
        for n in photos:
            shutil.copy(FACES / person / f"{n}.jpg", root / person / f"{n}.jpg")
    (root / "groups.csv").write_text(
        "ag_obama,Hard\nag_biden,Hard\nag_rose_leslie,Other\n"
    )
    return root


def test_it_prints_rates_per_threshold_and_stores_a_run(db, people):
    out = StringIO()
    call_command(
        "evaluate_faces",
        str(people),
        "--hard-groups",
        "Hard",
        "--attempts",
        "1",
        stdout=out,
    )
    text = out.getvalue()
    # With one try, members blocked are the genuine pairs that fail: both ways agree.
    blocked = re.search(
        r"blocked after 1 tries at [\d.]+: +([\d.]+) % \(\d+ of 6 sets.*; +([\d.]+) %",
        text,
    )
    assert blocked and blocked[1] == blocked[2], text
    # Ordered pairs: the first photo is encoded as a reference (jittered).
    assert "3 people, 6 photos, 6 same-person pairs, 24 different-person pairs" in text
    assert "look-alike slice (Hard" in text and ": 8 pairs" in text
    assert "| 0.350 |" in text and "| 0.600 |" in text
    assert "median" in text and "ms" in text
    run = CalibrationRun.objects.get()
    assert (len(run.genuine_distances), len(run.impostor_distances)) == (6, 24)
    assert len(run.lookalike_distances) == 8
    assert max(run.genuine_distances) < min(run.impostor_distances)
    # Before and after issue 16, side by side: first-try pass rate and look-alikes.
    assert "chosen threshold" in text and "genuine first try" in text
    assert "| before: any second face refuses" in text and "| after: " in text
    # Each change of the matching at its own threshold, next to the previous one.
    assert "| + jittered references (the previous release), threshold" in text
    assert "| after: + descriptor directions compared, threshold" in text
    assert "| not adopted: + selfie averaged with its mirror image, threshold" in text
    assert "photos enrolment would refuse as a reference" in text
    result = tradeoff(threshold=max(run.genuine_distances), max_attempts=3)
    assert result["run_id"] == run.pk
    assert result["genuine_blocked"] == 0 and result["impostor_accepted"] == 0


def test_it_reads_the_region_table_of_a_manifest(tmp_path):
    manifest = tmp_path / "MANIFEST.md"
    manifest.write_text(
        "intro\n\n| identity | n | region | source |\n|---|---|---|---|\n"
        "| lfw_Hun_Sen | 4 | SE-Asia (KH) | x |\n| lfw_Tony_Blair | 4 | Europe | x |\n"
    )
    assert read_groups(manifest) == {
        "lfw_Hun_Sen": "SE-Asia (KH)",
        "lfw_Tony_Blair": "Europe",
    }


def test_it_refuses_a_missing_folder(tmp_path):
    with pytest.raises(CommandError):
        call_command("evaluate_faces", str(tmp_path / "nope"))


def test_the_shipped_dev_calibration_imports_without_photos(db):
    from django.conf import settings

    out = StringIO()
    path = settings.BASE_DIR / "biometrics" / "data" / "calibration_dev.json"
    call_command("evaluate_faces", "--import", str(path), stdout=out)
    run = CalibrationRun.objects.get()
    assert (run.people, run.photos) == (22, 80)
    assert len(run.lookalike_distances) == 784
    default = float(BiometricPolicy.current().match_threshold)
    chosen = tradeoff(threshold=default, max_attempts=5)
    library = tradeoff(threshold=0.6, max_attempts=5)
    # The default keeps look-alikes within 5 tries at <= 1% (issue 16); the
    # library's 0.6 lets one in two through.
    assert chosen["lookalike_accepted"] <= 0.01 < 0.5 < library["lookalike_accepted"]
    text = out.getvalue()
    assert f"chosen threshold {default:.3f}" in text
    # The rates come with the pair counts they rest on.
    through = sum(1 for d in run.lookalike_distances if d <= default)
    assert f"({through} of 784 pairs through on one try)" in text
    assert "of 230 pairs)" in text


def test_export_then_import_keeps_the_distances(db, people, tmp_path):
    export = tmp_path / "run.json"
    call_command(
        "evaluate_faces",
        str(people),
        "--no-store",
        "--export",
        str(export),
        stdout=StringIO(),
    )
    call_command("evaluate_faces", "--import", str(export), stdout=StringIO())
    run = CalibrationRun.objects.get()
    assert len(run.impostor_distances) == 24 and run.summary


def _faces(*positions: float) -> list[LargestFace]:
    """Faces on a line: with the plain distance (PLAIN), the distance between two
    is the gap between their positions."""
    return [
        LargestFace(np.array([x, 0.0]), np.array([x, 0.0]), [100], np.array([x, 0.0]))
        for x in positions
    ]


def test_several_references_takes_every_set_of_references():
    # A's third photo is odd; B looks like it. Every pair of A's photos is a member's
    # two references in turn, so the odd photo is a reference in two sets of three.
    dataset = Dataset(faces={"a": _faces(0.0, 0.3, 5.0), "b": _faces(5.2)})
    groups = {"a": "Hard", "b": "Hard"}
    genuine, lookalike = several_references_rates(
        dataset, groups, ("Hard",), 0.35, 2, matching=PLAIN
    )
    assert genuine == pytest.approx(2 / 3)  # only the odd photo as the selfie fails
    assert lookalike == pytest.approx(2 / 3)  # B passes wherever the odd photo is in
    assert several_references_rates(
        dataset, groups, ("Hard",), 0.35, 1, matching=PLAIN
    ) == (
        pytest.approx(2 / 6),
        pytest.approx(2 / 6),  # and A's odd photo passes for B
    )


def test_blocked_members_count_one_persons_tries_together():
    # A's fourth photo is odd: as the reference, all three of A's other photos fail
    # (blocked); as one of three tries, the other two pass. B has too few photos.
    dataset = Dataset(faces={"a": _faces(0.0, 0.1, 0.2, 5.0), "b": _faces(0, 0, 0)})
    assert blocked_counts(dataset, 0.35, 3, PLAIN) == (1, 4)
    # Half of A's pairs fail, so independent tries would block 0.5 ** 3 = 12.5%;
    # measured, one member in four is blocked.
    # With two tries B counts too (never blocked); A's odd reference is blocked in
    # each of its three sets of two tries.
    assert blocked_counts(dataset, 0.35, 2, PLAIN) == (3, 4 * 3 + 3)
    assert blocked_counts(dataset, 6.0, 3, PLAIN) == (0, 4)


def test_the_soft_minimum_of_the_distances_to_the_references():
    assert faces.combined_distance(np.array([])) is None
    assert faces.combined_distance(np.array([0.4])) == pytest.approx(0.4)
    assert faces.combined_distance(np.array([0.4, 0.4, 0.4])) == pytest.approx(0.4)
    # One near reference among three far ones: a little more than the nearest.
    lone = faces.combined_distance(np.array([0.4, 0.9, 0.9]))
    assert lone == pytest.approx(0.4 + faces.SOFTMIN_SCALE * np.log(3), abs=1e-6)
    # Order does not matter, and more agreeing references never move it up.
    assert faces.combined_distance(np.array([0.9, 0.4, 0.9])) == pytest.approx(lone)
    assert faces.combined_distance(np.array([0.4, 0.41, 0.9])) < lone


def test_photos_enrolment_would_refuse_are_left_out_as_references_on_request():
    # A's second photo shows two faces: no member could have it as a reference.
    a = _faces(0.0, 0.1, 0.2)
    a[1].refused = "several_faces"
    dataset = Dataset(faces={"a": a})
    one = {"as_references": True, "ratio": None, "matching": PLAIN}
    # At 0.15 the pairs (0, 0.1) and (0.1, 0.2) pass, both ways: 4 of 6.
    assert first_try_rate(dataset, 0.15, **one) == pytest.approx(4 / 6)
    # Without photo 2 as a reference: 0 -> 0.1 passes, 0 -> 0.2 and 0.2 -> 0 fail,
    # 0.2 -> 0.1 passes.
    kept = first_try_rate(dataset, 0.15, **one, enrolable_only=True)
    assert kept == pytest.approx(2 / 4)


def test_the_largest_face_says_why_enrolment_would_refuse_it():
    from biometrics.imaging import image_decode
    from tests.biometrics import images

    def largest(data: bytes) -> LargestFace:
        rgb = image_decode(image=data, max_bytes=2**24, max_pixels=10**8).rgb
        return faces.largest_face(rgb, jitters=1)

    assert largest(images.raw("obama")).refused is None
    assert largest(images.two_faces()).refused == "several_faces"
