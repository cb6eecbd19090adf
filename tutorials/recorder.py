"""Record tutorial videos by driving the real portal in headless Chromium.

Playwright records the page (WebM/VP8); ffmpeg then remuxes it so the file carries
its duration and cues (Playwright's live WebM has none, so browsers report an
infinite duration and cannot seek). Captions are timed from the scripted steps.
"""

import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.utils import translation

from .journeys import Run, Step, StepFailed, journeys
from .media import Recording, media_root, recording_save
from .media import Step as RecordedStep

logger = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 412, "height": 732}


@dataclass
class Outcome:
    slug: str
    steps_done: int
    steps_total: int
    error: str = ""

    @property
    def complete(self) -> bool:
        return self.steps_done == self.steps_total


def _texts(step: Step) -> tuple[str, str]:
    with translation.override("id"):
        text_id = str(step.text)
    with translation.override("en"):
        text_en = str(step.text)
    return text_id, text_en


def _vtt_time(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def vtt(steps: list[RecordedStep], lang: str) -> str:
    cues = ["WEBVTT", ""]
    for step in steps:
        text = step.text_en if lang == "en" else step.text_id
        cues += [
            str(step.number),
            f"{_vtt_time(step.start_ms)} --> {_vtt_time(step.end_ms)}",
            text,
            "",
        ]
    return "\n".join(cues)


def probe_duration_ms(path: Path) -> int:
    """The container's duration by ffprobe (0 when unknown)."""
    if not shutil.which("ffprobe"):
        return 0
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json",
         str(path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    try:
        return int(float(json.loads(result.stdout)["format"]["duration"]) * 1000)
    except (KeyError, ValueError, TypeError):
        return 0


def _remux(raw: Path, out: Path) -> None:
    if shutil.which("ffmpeg"):
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-i", str(raw), "-c", "copy", str(out)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    else:
        logger.warning("ffmpeg missing: the video keeps Playwright's raw WebM")
        shutil.copyfile(raw, out)


def record_journey(
    browser, *, slug: str, steps: list[Step], run: Run, hold: float
) -> Outcome:
    """Record one journey into the tutorial media root; returns what was done.

    Files are written to a fresh folder that replaces the old one at the end, so a
    page never mixes two recordings and nothing stale stays behind.
    """
    folder = media_root() / f".{slug}.new"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    recorded: list[RecordedStep] = []
    error = ""
    with tempfile.TemporaryDirectory(prefix="jmo-rec-") as tmp:
        context = browser.new_context(
            viewport=VIEWPORT,
            record_video_dir=tmp,
            record_video_size=VIEWPORT,
            locale="id-ID",
            base_url=run.base_url,
        )
        page = context.new_page()
        page.set_default_timeout(8000)
        started = time.monotonic()

        def now_ms() -> int:
            return int((time.monotonic() - started) * 1000)

        for number, step in enumerate(steps, start=1):
            start_ms = now_ms()
            try:
                step.show(page, run)
                image = f"{slug}-{number:02d}.jpg"
                page.screenshot(path=str(folder / image), type="jpeg", quality=70)
                time.sleep(hold)
                if step.then:
                    step.then(page, run)
            except (StepFailed, Exception) as exc:  # noqa: B014 - any page error ends it
                error = f"step {number}: {exc}"
                break
            text_id, text_en = _texts(step)
            recorded.append(
                RecordedStep(number, text_id, text_en, start_ms, now_ms(), image)
            )
        time.sleep(min(hold, 0.5))
        video = page.video
        context.close()
        if not recorded:
            shutil.rmtree(folder)
            return Outcome(slug, 0, len(steps), error)
        _remux(Path(video.path()), folder / f"{slug}.webm")
    duration_ms = probe_duration_ms(folder / f"{slug}.webm") or recorded[-1].end_ms
    recorded[-1].end_ms = min(max(recorded[-1].end_ms, duration_ms - 50), duration_ms)
    _write_recording(
        folder, slug, recorded, duration_ms, complete=len(recorded) == len(steps)
    )
    _replace(folder, media_root() / slug)
    return Outcome(slug, len(recorded), len(steps), error)


def _replace(new: Path, final: Path) -> None:
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def _write_recording(
    folder: Path,
    slug: str,
    steps: list[RecordedStep],
    duration_ms: int,
    *,
    complete: bool,
) -> None:
    captions, transcripts = {}, {}
    for lang in ("id", "en"):
        captions[lang] = f"{slug}.{lang}.vtt"
        (folder / captions[lang]).write_text(vtt(steps, lang))
        transcripts[lang] = f"{slug}.{lang}.txt"
        lines = [s.text_en if lang == "en" else s.text_id for s in steps]
        (folder / transcripts[lang]).write_text(
            "\n".join(f"{i}. {line}" for i, line in enumerate(lines, start=1)) + "\n"
        )
    recording_save(
        folder=folder,
        recording=Recording(
            slug=slug,
            recorded_at=datetime.now(UTC).isoformat(timespec="seconds"),
            duration_ms=duration_ms,
            video=f"{slug}.webm",
            captions=captions,
            transcripts=transcripts,
            steps=steps,
            complete=complete,
        ),
    )


def record_all(
    browser,
    *,
    base_url: str,
    slugs: list[str],
    email: str,
    password: str,
    hold: float = 2.0,
) -> list[Outcome]:
    run = Run(base_url=base_url, email=email, password=password)
    scripts = journeys()
    return [
        record_journey(browser, slug=slug, steps=scripts[slug], run=run, hold=hold)
        for slug in slugs
    ]


def use_system_ffmpeg() -> None:
    """Let Playwright record with Debian's ffmpeg instead of downloading its own.

    Playwright looks for `<registry>/ffmpeg-<revision>/ffmpeg-linux`; when that is
    absent we point its registry at a temporary folder holding a link to
    /usr/bin/ffmpeg (Chromium itself is passed by path, so nothing else moves).
    Must run before the Playwright driver starts.
    """
    import playwright

    browsers = Path(playwright.__file__).parent / "driver/package/browsers.json"
    revision = next(
        b["revision"]
        for b in json.loads(browsers.read_text())["browsers"]
        if b["name"] == "ffmpeg"
    )
    registry = Path(
        os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
        or Path.home() / ".cache" / "ms-playwright"
    )
    if (registry / f"ffmpeg-{revision}" / "ffmpeg-linux").exists():
        return
    system = shutil.which("ffmpeg")
    if not system:
        raise RuntimeError("ffmpeg is missing (make system-deps installs it)")
    shim = Path(tempfile.gettempdir()) / f"jmo-playwright-{os.getuid()}"
    link = shim / f"ffmpeg-{revision}" / "ffmpeg-linux"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        link.unlink(missing_ok=True)  # a dangling link from an older ffmpeg
        link.symlink_to(system)
    os.environ["PLAYWRIGHT_BROWSERS_PATH"] = str(shim)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)


class PortalServer(threading.Thread):
    """The portal on an ephemeral loopback port, against the current database."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
        from django.core.wsgi import get_wsgi_application

        class QuietHandler(WSGIRequestHandler):
            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
        self.httpd.set_app(StaticFilesHandler(get_wsgi_application()))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def run(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
