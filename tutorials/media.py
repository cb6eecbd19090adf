"""Where recorded tutorial media live and how a page reads them.

`record_tutorials` writes, per tutorial, `<slug>/manifest.json` plus the files it
names (video, captions, transcripts, step pictures) under the tutorial media root.
The root is generated at run time and git-ignored (default `var/tutorials/`), so
the videos always show the current UI. Everything here is public content: no
personal data is ever recorded (the journeys use the demo world).
"""

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language

SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,80}$")


def media_root() -> Path:
    configured = getattr(settings, "TUTORIALS_MEDIA_ROOT", None) or os.environ.get(
        "TUTORIALS_MEDIA_ROOT"
    )
    return Path(configured or Path(settings.BASE_DIR) / "var" / "tutorials")


@dataclass
class Step:
    number: int
    text_id: str
    text_en: str
    start_ms: int
    end_ms: int
    image: str = ""

    @property
    def text(self) -> str:
        return self.text_en if (get_language() or "id")[:2] == "en" else self.text_id


@dataclass
class Recording:
    slug: str
    recorded_at: str = ""
    duration_ms: int = 0
    video: str = ""
    captions: dict[str, str] = field(default_factory=dict)
    transcripts: dict[str, str] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    complete: bool = True

    def files(self) -> set[str]:
        names = {self.video, *self.captions.values(), *self.transcripts.values()}
        names |= {step.image for step in self.steps}
        return {name for name in names if name}

    def to_json(self) -> dict:
        data = dict(self.__dict__)
        data["steps"] = [step.__dict__ for step in self.steps]
        return data


def recording_dir(slug: str) -> Path:
    return media_root() / slug


def recording_get(slug: str) -> Recording | None:
    """The last recording of a tutorial, or None when it was never recorded."""
    path = recording_dir(slug) / "manifest.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    steps = [Step(**step) for step in data.pop("steps", [])]
    return Recording(**data, steps=steps)


def recording_save(*, recording: Recording, folder: Path | None = None) -> Path:
    folder = folder or recording_dir(recording.slug)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "manifest.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(recording.to_json(), ensure_ascii=False, indent=1))
    # Atomic replace: a page never reads a half-written manifest.
    tmp.replace(path)
    return path


def media_file(slug: str, name: str) -> Path | None:
    """A file of a recording, only if the manifest names it (no path tricks)."""
    if not SAFE_NAME.match(slug) or not SAFE_NAME.match(name):
        return None
    recording = recording_get(slug)
    if recording is None or name not in recording.files():
        return None
    path = recording_dir(slug) / name
    return path if path.is_file() else None
