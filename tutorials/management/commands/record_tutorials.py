"""Record the tutorial videos from the real portal (headless Chromium + Playwright)."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tutorials.journeys import journeys
from tutorials.media import media_root, recording_get
from tutorials.recorder import (
    CHROMIUM,
    PortalServer,
    launch,
    record_all,
    use_system_ffmpeg,
)


class Command(BaseCommand):
    help = "Record tutorial videos, captions, transcripts and step pictures."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slugs", nargs="*", help="only these tutorials")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="skip tutorials already recorded completely",
        )
        parser.add_argument("--url", help="record a running portal instead")
        parser.add_argument("--email", default="obama@demo.jmo")
        parser.add_argument("--password", default="Demo-12345")
        parser.add_argument("--hold", type=float, default=2.0, help="seconds per step")

    def handle(self, *args, **options) -> None:
        scripts = journeys()
        slugs = options["slugs"] or list(scripts)
        unknown = set(slugs) - set(scripts)
        if unknown:
            raise CommandError(f"unknown tutorials: {', '.join(sorted(unknown))}")
        if options["if_missing"]:
            slugs = [s for s in slugs if not _recorded(s)]
            if not slugs:
                self.stdout.write("tutorials already recorded")
                return
        if not Path(CHROMIUM).exists():
            raise CommandError(f"{CHROMIUM} is missing (make system-deps installs it)")
        # Playwright's sync API runs an event loop in this thread; the ORM work is
        # done by the server's own threads.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        use_system_ffmpeg()
        from playwright.sync_api import sync_playwright

        server = None
        base_url = options["url"]
        if not base_url:
            server = PortalServer()
            server.start()
            base_url = server.url
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                try:
                    outcomes = record_all(
                        browser,
                        base_url=base_url,
                        slugs=slugs,
                        email=options["email"],
                        password=options["password"],
                        hold=options["hold"],
                    )
                finally:
                    browser.close()
        finally:
            if server:
                server.stop()
        for outcome in outcomes:
            note = f" ({outcome.error})" if outcome.error else ""
            self.stdout.write(
                f"{outcome.slug}: {outcome.steps_done}/{outcome.steps_total} steps{note}"
            )
        self.stdout.write(f"written to {media_root()}")


def _recorded(slug: str) -> bool:
    recording = recording_get(slug)
    return bool(
        recording
        and recording.complete
        and (media_root() / slug / recording.video).is_file()
    )
