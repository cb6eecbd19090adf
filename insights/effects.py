"""Did it help? Biometric blocks per 1,000 selfie sessions around each change of
the attempt limit or threshold, and for tutorial watchers and quiz takers."""

import datetime as dt
from itertools import pairwise

from django.db.models import Q
from django.utils import timezone

from biometrics.models import BiometricPolicy, CalibrationRun
from biometrics.selectors import tradeoff

from .reads import Period, sums
from .suppression import hide, least, small, suppress, withheld


def _policy_changes(period: Period) -> list[tuple[dt.date, object, object]]:
    """(day, old row, new row) for each change of the attempt limit or threshold."""
    history = list(BiometricPolicy.history.order_by("history_date", "history_id"))
    changes = []
    for old, new in pairwise(history):
        if (old.max_attempts, old.match_threshold) == (
            new.max_attempts,
            new.match_threshold,
        ):
            continue
        day = timezone.localdate(new.history_date)
        if period.start <= day <= period.end:
            changes.append((day, old, new))
    return changes


def _window(per_day: dict, metric: str, first: dt.date, last: dt.date) -> int:
    return sum(
        n for (m, day), n in per_day.items() if m == metric and first <= day <= last
    )


def _hide_rate(row: dict, blocks: int) -> None:
    """Blocks per 1,000 sessions gives a hidden count back from the other one (a
    rate of 0 says nothing about the sessions)."""
    if "blocks" in row["suppressed"] or ("sessions" in row["suppressed"] and blocks):
        hide(row, row, ["blocks_per_1000"])


def _rate_row(row: dict, sessions: int, blocks: int, hidden: set) -> dict:
    """Sessions, biometric blocks and their rate, with the counts in `hidden` hidden."""
    row.update(sessions=sessions, blocks=blocks,
               blocks_per_1000=round(1000 * blocks / sessions, 1) if sessions else None)  # fmt: skip
    suppress(row, blocks_per_1000=least(sessions, blocks))
    hide(row, row, sorted(hidden))
    _hide_rate(row, blocks)
    return row


def policy_effects(period: Period) -> list[dict]:
    """Blocks per 1,000 selfie sessions and impostor exposure before/after each change.

    The windows between changes split the period's sessions and biometric blocks
    (the locks figure shows those blocks): a hidden window takes another along.
    """
    changes = _policy_changes(period)
    if not changes:
        return []
    q = Q(metric="selfie_session") | Q(metric="block", cause="biometric")
    per_day = sums(period, ("metric", "day"), q)
    days = [period.start, *(c[0] for c in changes), period.end + dt.timedelta(days=1)]
    windows = [(a, b - dt.timedelta(days=1)) for a, b in pairwise(days)]
    sessions = {
        i: _window(per_day, "selfie_session", *w) for i, w in enumerate(windows)
    }
    blocks = {i: _window(per_day, "block", *w) for i, w in enumerate(windows)}
    hidden_sessions = withheld(sessions, small(sessions))
    hidden_blocks = withheld(blocks, small(blocks))
    run = CalibrationRun.objects.first()  # read once: it holds thousands of distances
    rows = []
    for i, (day, old, new) in enumerate(changes):
        sides = {}
        for side, policy, w in (("before", old, i), ("after", new, i + 1)):
            exposure = tradeoff(
                threshold=float(policy.match_threshold),
                max_attempts=policy.max_attempts,
                run=run,
            )
            hidden = {"sessions"} if w in hidden_sessions else set()
            hidden |= {"blocks"} if w in hidden_blocks else set()
            sides[side] = _rate_row(
                {"from": windows[w][0].isoformat(), "to": windows[w][1].isoformat(),
                 "max_attempts": policy.max_attempts,
                 "threshold": float(policy.match_threshold),
                 "impostor_accepted": exposure["impostor_accepted"],
                 "lookalike_accepted": exposure["lookalike_accepted"]},
                sessions[w], blocks[w], hidden,
            )  # fmt: skip
        rows.append({"changed_on": day.isoformat(), **sides})
    return rows


def learning(period: Period) -> list[dict]:
    """Biometric blocks per 1,000 selfie sessions: tutorial watchers, quiz takers, neither.

    The groups add up to all sessions and blocks (less those who did both, often
    nobody), which the policy windows and the locks figure show: a hidden group
    takes another along.
    """
    q = Q(metric="selfie_session") | Q(metric="block", cause="biometric")
    counts = sums(period, ("metric", "cohort"), q)
    groups = {
        "tutorial": ("tutorial", "both"),
        "quiz": ("quiz", "both"),
        "neither": ("none",),
    }
    sessions = {
        g: sum(counts.get(("selfie_session", c), 0) for c in cohorts)
        for g, cohorts in groups.items()
    }
    blocks = {
        g: sum(counts.get(("block", c), 0) for c in cohorts)
        for g, cohorts in groups.items()
    }
    hidden_sessions = withheld(sessions, small(sessions))
    hidden_blocks = withheld(blocks, small(blocks))
    return [
        _rate_row(
            {"group": g},
            sessions[g],
            blocks[g],
            ({"sessions"} if g in hidden_sessions else set())
            | ({"blocks"} if g in hidden_blocks else set()),
        )
        for g in groups
    ]
