"""The portal's own Prometheus metrics.

Counters are incremented where the event happens (web or worker process); with
PROMETHEUS_MULTIPROC_DIR set (make stack, compose) every process writes its values
there and /metrics/ adds them up. Gauges of state (queue depth, claims and payouts
by status, blocks) are read from the database at scrape time by `StateCollector`,
so they are right whichever process answers the scrape.
"""

from prometheus_client import Counter, Histogram

DISPATCH_FAILURES = Counter(
    "jmo_dispatch_failures",
    "Tasks not sent because the broker was away (left for the sweep).",
    ["task"],
)
SWEEP_REDISPATCHES = Counter(
    "jmo_sweep_redispatches",
    "Work sent again by a beat sweep (lost message, dead worker, polling).",
    ["kind"],
)
SELFIE_DECISION_SECONDS = Histogram(
    "jmo_selfie_decision_seconds",
    "From upload to decision (matched, not matched, quality, error).",
    buckets=(0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900),
)


class StateCollector:
    """Gauges read from the database at scrape time (the rows are the truth)."""

    def collect(self):
        from django.apps import apps
        from django.db.models import Count

        def by(model: str, field: str, **filters) -> dict:
            rows = apps.get_model(model).objects.filter(**filters).values(field)
            return {r[field]: r["n"] for r in rows.annotate(n=Count("pk"))}

        queued = by("biometrics.SelfieAttempt", "status", status__in=PENDING_SELFIES)
        yield _family(
            "jmo_selfie_queue_depth", "Selfies waiting for a decision.", "status",
            {s: queued.get(s, 0) for s in PENDING_SELFIES},
        )  # fmt: skip
        yield _family(
            "jmo_claims", "Claims by status.", "status", by("claims.Claim", "status")
        )
        yield _family(
            "jmo_payouts", "Payouts by status.", "status", by("claims.Payout", "status")
        )
        yield _family(
            "jmo_blocks_created_total", "Blocks ever created.", "kind",
            by("participants.Block", "kind"), counter=True,
        )  # fmt: skip
        yield _family(
            "jmo_blocks_lifted_total", "Blocks lifted.", "kind",
            by("participants.Block", "kind", lifted_at__isnull=False), counter=True,
        )  # fmt: skip
        yield _family(
            "jmo_blocks_active", "Blocks in force.", "kind",
            by("participants.Block", "kind", lifted_at__isnull=True),
        )  # fmt: skip


PENDING_SELFIES = ("queued", "processing")


def _family(name: str, doc: str, label: str, values: dict, counter: bool = False):
    from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

    cls = CounterMetricFamily if counter else GaugeMetricFamily
    family = cls(name, doc, labels=[label])
    for key, value in sorted(values.items()):
        family.add_metric([key], value)
    return family


def exposition() -> bytes:
    """Every metric in the text format: this process's (or all processes') and state."""
    import os

    from prometheus_client import (
        REGISTRY,
        CollectorRegistry,
        generate_latest,
        multiprocess,
    )

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    state = CollectorRegistry()
    state.register(StateCollector())
    return generate_latest(registry) + generate_latest(state)
