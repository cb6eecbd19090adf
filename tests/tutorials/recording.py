"""Run the real `record_tutorials` command against a live test server."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def require_recording_tools() -> None:
    missing = [
        tool
        for tool in ("/usr/bin/chromium", "ffmpeg", "ffprobe")
        if not shutil.which(tool)
    ]
    if missing:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"missing {missing}: `make test` installs them with apt")
        pytest.skip(f"missing {missing} (make test installs them)")


def record(
    *, base_url: str, media_root: Path, slug: str, hold: float = 0.3, extra=()
) -> str:
    """Record one journey in a separate process (its own Playwright driver)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jmo_portal.settings_test",
        "TUTORIALS_MEDIA_ROOT": str(media_root),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "record_tutorials", slug, "--url", base_url,
         "--hold", str(hold), *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def probe(video: Path) -> dict:
    """Decode every frame with ffprobe: codec, frame count, container duration."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
         "-show_entries", "stream=codec_name,nb_read_frames:format=duration",
         "-of", "json", str(video)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    data = json.loads(result.stdout)
    stream = data["streams"][0]
    return {
        "codec": stream["codec_name"],
        "frames": int(stream["nb_read_frames"]),
        "duration": float(data["format"]["duration"]),
    }
