"""`make bench-insights` runs end to end on a small world: scratch database, the
seeded history, the rollups, the page and API read by an admin logged in with
password and second factor (the bench had fallen behind the schema and the
staff two-factor once; this keeps it running)."""

import os
import re
import subprocess
import sys

from jmo_portal.processes import ROOT
from tests.conftest import database_url, require_services

PAGE = re.compile(r"page for \S+: requests=2 p50=(\d+)ms p95=(\d+)ms")


def test_the_insights_bench_seeds_rolls_up_and_reads_the_page():
    require_services(postgres=True)
    url = database_url("_bench_insights")
    result = subprocess.run(
        [sys.executable, "manage.py", "bench_insights", "--attempts=200",
         "--claims=10", "--members=30", "--requests=2", f"--postgres={url}"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "jmo_portal.settings"},
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert len(PAGE.findall(result.stdout)) == 2, result.stdout
