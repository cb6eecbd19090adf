import re

import pytest

from tests.tutorials.conftest import seed_content
from tests.tutorials.recording import probe, record, require_recording_tools
from tutorials.media import recording_get

pytestmark = pytest.mark.django_db(transaction=True)

CUE = re.compile(r"^(\d\d:\d\d:\d\d\.\d\d\d) --> (\d\d:\d\d:\d\d\.\d\d\d)$", re.M)


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_the_recorder_makes_a_playable_video_with_timed_captions(
    live_server, settings, tmp_path
):
    require_recording_tools()
    seed_content()
    settings.TUTORIALS_MEDIA_ROOT = str(tmp_path)
    output = record(base_url=live_server.url, media_root=tmp_path, slug="when-blocked")
    assert "when-blocked: 3/3 steps" in output

    recording = recording_get("when-blocked")
    assert recording.complete and len(recording.steps) == 3
    folder = tmp_path / "when-blocked"
    video = probe(folder / recording.video)
    assert video["codec"] in {"vp8", "vp9"}
    assert video["frames"] > 0
    # The remux gives the container a real duration (not Infinity in browsers).
    assert video["duration"] > 1.0 and video["duration"] < 30
    assert abs(video["duration"] * 1000 - recording.duration_ms) < 100

    for lang, expected in [("id", "kantor cabang"), ("en", "branch office")]:
        vtt = (folder / recording.captions[lang]).read_text()
        assert vtt.startswith("WEBVTT")
        assert expected in vtt
        cues = [(_seconds(a), _seconds(b)) for a, b in CUE.findall(vtt)]
        assert len(cues) == 3
        assert all(start < end for start, end in cues)
        assert cues[-1][1] <= video["duration"] + 0.01
    assert "KTP" in (folder / recording.transcripts["id"]).read_text()
    for step in recording.steps:
        assert (folder / step.image).read_bytes()[:2] == b"\xff\xd8"  # a JPEG
