"""manage.py evaluate_liveness: measured on real photos, stored for the policy preview."""

import json
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from biometrics.liveness_eval import RUN_FIELDS
from biometrics.models import LivenessRun
from tests.biometrics.images import FACES

pytestmark = pytest.mark.django_db


def _counts(run: LivenessRun) -> dict:
    return {name: getattr(run, name) for name in RUN_FIELDS}


def test_it_measures_real_photos_and_stores_the_counts(tmp_path):
    shutil.copytree(FACES / "ag_obama", tmp_path / "faces" / "ag_obama")
    export = tmp_path / "run.json"
    out = StringIO()
    call_command(
        "evaluate_liveness",
        str(tmp_path / "faces"),
        "--attacks-per-photo",
        "1",
        "--export",
        str(export),
        stdout=out,
    )
    run = LivenessRun.objects.get()
    text = out.getvalue()
    refused = run.genuine_not_live + run.genuine_retry
    assert f"genuine sequences: {run.genuine}, refused {refused} " in text
    assert f"attack sequences: {run.attacks}, accepted {run.attacks_live} " in text
    assert run.genuine > 0 and run.attacks > 0 and run.seed == 16
    assert f"stored LivenessRun {run.pk}" in text
    # The export holds counts only; importing it stores the same counts again.
    assert set(json.loads(export.read_text())) == set(RUN_FIELDS)
    call_command("evaluate_liveness", "--import", str(export), stdout=StringIO())
    again = LivenessRun.objects.exclude(pk=run.pk).get()
    assert _counts(again) == _counts(run)


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[1, 2]",
        '{"dataset": "x", "seed": 1, "genuine": 3}',
        # More refused than there are sequences.
        '{"dataset": "x", "seed": 1, "genuine": 3, "genuine_not_live": 3,'
        ' "genuine_retry": 1, "attacks": 5, "attacks_live": 0}',
        '{"dataset": "x", "seed": 1, "genuine": 3, "genuine_not_live": 0,'
        ' "genuine_retry": 0, "attacks": 5, "attacks_live": -1}',
    ],
)
def test_a_bad_import_is_refused_and_stores_nothing(tmp_path, content):
    path = tmp_path / "run.json"
    path.write_text(content)
    with pytest.raises(CommandError, match="cannot import"):
        call_command("evaluate_liveness", "--import", str(path), stdout=StringIO())
    assert not LivenessRun.objects.exists()


def test_it_needs_a_folder_or_a_file():
    with pytest.raises(CommandError):
        call_command("evaluate_liveness", stdout=StringIO())
