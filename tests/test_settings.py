import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env, DJANGO_SETTINGS_MODULE="jmo_portal.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_checklist():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="jmo.example.id",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage(
        "check", DJANGO_DEBUG="False", DJANGO_ALLOWED_HOSTS="jmo.example.id"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr
