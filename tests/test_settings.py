import os
import subprocess
import sys
from pathlib import Path

import pytest

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


PRODUCTION = {
    "DJANGO_DEBUG": "False",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "jmo.example.id",
    "BANK_API_KEY": "a-real-bank-key",
    "BANK_CALLBACK_TOKEN": "a-real-callback-token",
    # Shared by every process: the policy version (jmo_portal.policy_cache).
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def test_production_settings_pass_the_deploy_checklist():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_with_a_cache_in_process_memory_is_warned():
    env = {**PRODUCTION, "CACHE_URL": "locmemcache://", "CELERY_BROKER_URL": ""}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "jmo.W001" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage(
        "check", DJANGO_DEBUG="False", DJANGO_ALLOWED_HOSTS="jmo.example.id"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BANK_API_KEY", None),
        ("BANK_API_KEY", "dev-bank-key"),
        ("BANK_CALLBACK_TOKEN", None),
        ("BANK_CALLBACK_TOKEN", "dev-callback-token"),
    ],
)
def test_production_refuses_the_development_bank_secrets(name, value):
    env = {k: v for k, v in PRODUCTION.items() if k != name}
    if value is not None:
        env[name] = value

    result = _manage("check", **env)

    assert result.returncode != 0
    assert f"{name} must be set to a real secret" in result.stderr


def test_an_empty_metrics_folder_setting_writes_no_files(tmp_path):
    """.env.example has PROMETHEUS_MULTIPROC_DIR= (empty): prometheus_client goes
    multiprocess when the variable merely exists, and wrote into the working folder."""
    count = (
        "import django; django.setup(); from jmo_portal import metrics; "
        "metrics.DISPATCH_FAILURES.labels(task='t').inc()"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jmo_portal.settings",
           "PYTHONPATH": str(ROOT), "PROMETHEUS_MULTIPROC_DIR": ""}  # fmt: skip
    subprocess.run([sys.executable, "-c", count], cwd=tmp_path, env=env, check=True)
    assert list(tmp_path.iterdir()) == []
