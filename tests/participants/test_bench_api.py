"""`make bench-api` runs end to end: a scratch database, gunicorn, wrk, figures."""

import os
import re
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

from jmo_portal.processes import ROOT
from tests.conftest import database_url, require_services

ROUND = re.compile(
    r"round 1: hello ([\d,]+) req/s p99 ([\d.]+) ms \| "
    r"mix ([\d,]+) req/s p99 ([\d.]+) ms \| mix/hello ([\d.]+)%"
)


def test_the_api_bench_prints_the_mix_against_hello_world():
    require_services(postgres=True, redis=True)
    if shutil.which("wrk") is None:
        pytest.skip("needs wrk (make bench-api installs it)")
    url = database_url("_bench_api")
    result = subprocess.run(
        [sys.executable, "manage.py", "bench_api", "--rounds=1", "--duration=1",
         "--workers=1", f"--postgres={url}", f"--broker={settings.CELERY_BROKER_URL}"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "jmo_portal.settings"},
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    figures = ROUND.search(result.stdout)
    assert figures, result.stdout
    hello, mix = (float(figures[n].replace(",", "")) for n in (1, 3))
    assert hello > 0 and mix > 0  # every request answered 200 (wrk counted no error)
    assert "median of 1 rounds" in result.stdout
    assert re.search(r"TARGET (MET|MISSED)", result.stdout)
