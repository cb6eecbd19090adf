"""manage.py seed_demo: the demo world used by `make run` (idempotent)."""

import time

from django.core.management.base import BaseCommand, no_translations

from demo.history import demo_history_ensure
from demo.world import demo_world_ensure
from participants.models import Participant


class Command(BaseCommand):
    help = (
        "Create the demo world: 200+ members with contribution history, the five "
        "demo people with photos and logins, staff logins, the quiz and the "
        "face-matching and liveness calibration. A second run adds nothing."
    )

    @no_translations
    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        added = demo_world_ensure()
        added["history"] = demo_history_ensure()
        self.stdout.write(
            f"demo world ready in {time.perf_counter() - started:.1f} s: "
            f"{Participant.objects.count()} participants "
            f"(added {added['participants']} participants, {added['logins']} "
            f"logins, {added['staff']} staff, {added['calibration']} calibration runs, "
            f"{added['history']} members of history)"
        )
