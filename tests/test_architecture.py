"""The floors of ARCHITECTURE.md hold: imports point down, and each app writes only
its own models (other apps' rows change through their services)."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ["participants", "notifications", "biometrics", "claims", "tutorials",
        "frontoffice", "insights", "demo"]  # fmt: skip
WRITES = {"create", "update", "get_or_create", "update_or_create", "bulk_create",
          "bulk_update", "delete"}  # fmt: skip
# Benchmarks bulk-load millions of rows into a scratch database: through the
# services that would take hours. Each exception names its reason.
ALLOWED = {
    ("biometrics/management/commands/bench_selfie.py", "Participant"),
    ("claims/management/commands/bench_payout.py", "Participant"),
}
# A year of demo history for the insights page: its rows carry past timestamps,
# which the services (stamping "now") cannot write.
ALLOWED |= {
    ("demo/history.py", model)
    for model in ("Participant", "SelfieAttempt", "Block", "Claim", "AuditRecord",
                  "WalkInTicket", "Payout", "TutorialView", "QuizEntry", "QuizSession")
}  # fmt: skip


def _foreign_model_writes(path: Path, app: str) -> list[tuple[int, str]]:
    """(line, Model) for every `Model.objects.<write>` on another app's model."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    foreign = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(".models"):
            if node.module.split(".")[0] in APPS and node.module.split(".")[0] != app:
                foreign |= {alias.asname or alias.name for alias in node.names}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in WRITES:
            continue
        base = node.func.value  # Model.objects.filter(...).update() -> Model
        while isinstance(base, ast.Call | ast.Attribute):
            base = base.func if isinstance(base, ast.Call) else base.value
        if isinstance(base, ast.Name) and base.id in foreign:
            found.append((node.lineno, base.id))
    return found


def test_no_app_writes_a_model_another_app_owns():
    offenders = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            relative = str(path.relative_to(ROOT))
            for line, model in _foreign_model_writes(path, app):
                if (relative, model) not in ALLOWED:
                    offenders.append(f"{relative}:{line} writes {model}")
    assert offenders == []


def test_apps_import_only_the_floors_below_them():
    """import-linter's layers contract (pyproject.toml) over the whole project."""
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:]
