"""A year of demo history for the effectiveness page (insights), called by seed_demo.

Some thousands of registry members registered over the last year, activated
online or at the desk, claiming, taking selfies whose failure mix depends on
age (older members: dark, blurred, glasses; younger: several faces, face cut),
blocked and unblocked at the desk, paid. The selfie policy went from 3 to 5
attempts and back, so "did it help" has a story. Rows are written with
bulk_create and backdated timestamps: history cannot be made through today's
doors (tests/test_architecture.py lists these writes as allowed). Deterministic
(fixed seed) and idempotent (skipped once present).
"""

import datetime as dt
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from biometrics.models import BiometricPolicy, SelfieAttempt
from claims.models import Claim, Payout
from frontoffice.models import REASON_PREFIX, WalkInTicket
from insights.rollup import insights_rollup
from participants.models import AuditRecord, Block, Participant
from tutorials.demo import DEMO_BRANCHES
from tutorials.models import QuizMode, QuizSession, Tutorial, TutorialView, WinnerRule

from .world import FEMALE, LAST, MALE, nik_for

MEMBERS = 3000
SEED = 130013
REGION = "360101"
KPJ_BASE = 77_000_000_000
BRANCHES = tuple(code for code, _city in DEMO_BRANCHES)
QUIZ_TITLE = "Kuis Selfie Aman (arsip)"
# (days before today, max attempts, threshold): the higher tolerance was tried
# and reverted when the impostor exposure rose.
POLICY = ((365, 3, "0.470"), (200, 5, "0.470"), (90, 3, "0.470"))
QUALITY_FAILS = {"<30": 0.16, "30-44": 0.2, "45-55": 0.3, ">55": 0.42}
NOT_MATCHED = {"<30": 0.14, "30-44": 0.2, "45-55": 0.3, ">55": 0.42}
CAUSE_WEIGHTS = {
    "<30": {"several_faces": 4, "face_cut": 3, "blurred": 2, "too_dark": 2, "no_face": 1,
            "glasses_warning": 1, "face_too_small": 1, "too_bright": 1},
    "30-44": {"too_dark": 3, "blurred": 2, "face_cut": 2, "several_faces": 1,
              "glasses_warning": 2, "no_face": 1, "face_too_small": 1, "too_bright": 1},
    "45-55": {"too_dark": 3, "blurred": 3, "glasses_warning": 3, "no_face": 2,
              "face_too_small": 2, "face_cut": 1, "too_bright": 1},
    ">55": {"blurred": 4, "too_dark": 3, "glasses_warning": 4, "no_face": 3,
            "face_too_small": 2, "face_cut": 1},
}  # fmt: skip
BACKDATED = (
    (Participant, "created_at"), (SelfieAttempt, "created_at"), (Block, "created_at"),
    (Claim, "created_at"), (AuditRecord, "created_at"), (WalkInTicket, "created_at"),
    (Payout, "created_at"),
)  # fmt: skip


@contextmanager
def _backdating():
    """Let bulk_create keep the given created_at (auto_now_add would say 'now')."""
    fields = [model._meta.get_field(name) for model, name in BACKDATED]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


@dataclass
class _World:
    start: dt.datetime
    end: dt.datetime
    desk_user: object
    rows: dict = field(default_factory=lambda: {k: [] for k in (
        "participants", "users", "selfies", "blocks", "claims", "payouts", "audit",
        "tickets", "views", "quiz")})  # fmt: skip
    tickets: dict = field(default_factory=dict)

    def max_attempts(self, at: dt.datetime) -> int:
        days_ago = (self.end - at).days
        return (
            [n for ago, n, _t in POLICY if days_ago < ago][-1] if days_ago < 365 else 3
        )

    def ticket(self, at: dt.datetime, reason: str, branch: str) -> None:
        day = timezone.localdate(at)
        key = (branch, day, REASON_PREFIX[reason])
        self.tickets[key] = number = self.tickets.get(key, 0) + 1
        self.rows["tickets"].append(WalkInTicket(
            branch=branch, day=day, prefix=key[2], number=number, reason=reason,
            status="served", created_at=at, called_at=at, served_at=at,
            officer=self.desk_user))  # fmt: skip


def _age_group(age: int) -> str:
    return (
        "<30" if age < 30 else "30-44" if age < 45 else "45-55" if age <= 55 else ">55"
    )


def _block(w: _World, rng, p: Participant, at: dt.datetime, kind: str, branch: str):
    """A block at `at` lifted at the desk some days later; returns the lift time."""
    lifted = at + dt.timedelta(hours=rng.expovariate(1 / 60) + 2)
    done = lifted < w.end
    w.rows["blocks"].append(Block(
        participant=p, kind=kind, reason="demo history", created_at=at,
        lifted_at=lifted if done else None, lifted_by=w.desk_user if done else None,
        lift_reason="identity checked at the desk" if done else ""))  # fmt: skip
    if done:
        w.ticket(lifted, kind, branch)
    return lifted if done else None


def _selfies(
    w: _World, rng, p, at, group: str, learner: bool, branch: str, serial: list
):
    """Attempts until a match (returns its time) or a block not lifted (None)."""
    fails = QUALITY_FAILS[group] * (0.6 if learner else 1)
    misses = NOT_MATCHED[group] * (0.7 if learner else 1)
    counted = 0
    for _try in range(12):
        at += dt.timedelta(minutes=rng.uniform(1, 6))
        if at >= w.end:
            return None
        serial[0] += 1
        attempt = SelfieAttempt(participant=p, created_at=at, image_sha256=f"{p.kpj}{serial[0]:053d}",
                                threshold_used=Decimal("0.470"))  # fmt: skip
        w.rows["selfies"].append(attempt)
        if rng.random() < fails:
            weights = CAUSE_WEIGHTS[group]
            code = rng.choices(list(weights), list(weights.values()))[0]
            attempt.status, attempt.quality_findings = (
                "rejected_quality",
                [{"code": code, "message": ""}],
            )
            continue
        if rng.random() < misses:
            attempt.status, attempt.counted = "not_matched", True
            attempt.distance = rng.uniform(0.48, 0.7)
            counted += 1
            if counted >= w.max_attempts(at):
                at = _block(w, rng, p, at, "biometric", branch)
                if at is None:
                    return None
                counted, misses = 0, misses * 0.5  # the desk re-took the reference
            continue
        attempt.status, attempt.distance = "matched", rng.uniform(0.25, 0.46)
        return at
    return None


def _claim(
    w: _World, rng, p, i: int, at: dt.datetime, group: str, learner: bool, branch: str
):
    age_type = (
        "retirement"
        if group == ">55"
        else rng.choice(
            ("resign", "resign", "termination", "contract_end", "partial_10")
        )
    )
    balance = int(rng.lognormvariate(16.3, 0.7)) // 1000 * 1000 + 1_000_000
    claim = Claim(reference=f"JHT-H{i:06d}", participant=p, claim_type=age_type,
                  channel="online" if balance <= 15_000_000 else "review",
                  balance_at_start=balance, created_at=at, status="cancelled")  # fmt: skip
    w.rows["claims"].append(claim)
    p.contributions_total = p.balance = balance  # totals only: no monthly rows
    if rng.random() < (0.05 if group in ("45-55", ">55") else 0.025):
        at = _block(w, rng, p, at + dt.timedelta(minutes=3), "kpj", branch)
        if at is None:
            return
    claim.kpj_verified_at = at
    passed = _selfies(
        w, rng, p, at + dt.timedelta(minutes=8), group, learner, branch, [0]
    )
    if passed is None or rng.random() < 0.08:
        claim.status = "draft" if passed and (w.end - passed).days < 20 else "cancelled"
        return
    submitted = passed + dt.timedelta(minutes=rng.uniform(3, 20))
    tax = 0 if balance <= 50_000_000 else (balance - 50_000_000) // 20
    online = claim.channel == "online"
    claim.submitted_at, claim.gross, claim.tax, claim.net = (
        submitted,
        balance,
        tax,
        balance - tax,
    )
    claim.sla_due = timezone.localdate(submitted) + dt.timedelta(
        days=1 if online else 7
    )
    # Submitted claims passed the bank step: an officer approving one from the
    # demo's queue pays into this account (without it every payout failed).
    claim.bank_code, claim.account_number = "BCA", f"{i:010d}"
    claim.account_holder = claim.bank_verified_name = p.full_name
    claim.bank_verified_at = submitted
    hours = rng.lognormvariate(1.2, 0.8) if online else rng.uniform(20, 150)
    if rng.random() < 0.05:
        hours += rng.uniform(
            48, 240
        )  # a slow bank day or a returned claim: an SLA miss
    paid = submitted + dt.timedelta(hours=hours)
    if paid >= w.end:
        claim.status = "payout_pending" if online else "under_review"
        return
    claim.status, claim.paid_at, claim.decided_at = "paid", paid, paid
    w.rows["payouts"].append(Payout(
        claim=claim, idempotency_key=claim.reference, amount=claim.net,
        bank_code=claim.bank_code, account_number=claim.account_number,
        account_holder=claim.account_holder, status="completed",
        created_at=paid - dt.timedelta(minutes=2), settled_at=paid))  # fmt: skip
    p.paid_out_total, p.balance = balance, 0


def _member(w: _World, rng: random.Random, i: int, quiz) -> None:
    age = rng.choice((*range(19, 30), *range(19, 45), *range(30, 56), *range(45, 65)))
    gender, group = rng.choice("MF"), _age_group(age)
    registered = w.start + dt.timedelta(days=rng.uniform(0, 330))
    birth = timezone.localdate(registered) - dt.timedelta(
        days=age * 365 + rng.randint(0, 360)
    )
    first = rng.choice(MALE if gender == "M" else FEMALE)
    p = Participant(nik=nik_for(REGION, birth, gender, 2000 + i), kpj=str(KPJ_BASE + i),
                    full_name=f"{first} {rng.choice(LAST)}", birth_date=birth, gender=gender,
                    email=f"riwayat.{i:05d}@peserta.demo.jmo", created_at=registered,
                    balance=0)  # fmt: skip
    w.rows["participants"].append(p)
    branch = rng.choice(BRANCHES)
    if rng.random() > (0.85 if age < 45 else 0.72):
        return
    at = registered + dt.timedelta(days=rng.expovariate(1 / 6), hours=1)
    assisted = rng.random() < (0.04 if age < 45 else 0.12)
    if rng.random() < (0.03 if age < 45 else 0.08):
        at, assisted = _block(w, rng, p, at, "activation", branch), True
    if at is None or at >= w.end:
        return
    user = get_user_model()(
        username=p.email, email=p.email, password="!", date_joined=at
    )
    w.rows["users"].append((p, user))
    if assisted:
        w.rows["audit"].append(AuditRecord(action="activate_member", participant=p, created_at=at,
                                           actor=w.desk_user))  # fmt: skip
    tutorial = rng.random() < 0.3
    learner = tutorial or (quiz is not None and rng.random() < 0.12)
    if tutorial:
        w.rows["views"].append((p, at + dt.timedelta(hours=rng.uniform(0, 48))))
    elif learner:
        w.rows["quiz"].append((p, at + dt.timedelta(hours=rng.uniform(0, 72))))
    if rng.random() > 0.75:
        return
    # The data update (a selfie against the reference) comes before any claim.
    confirmed = _selfies(w, rng, p, at + dt.timedelta(days=rng.expovariate(1 / 12)),
                         group, learner, branch, [100])  # fmt: skip
    p.profile_confirmed_at = confirmed
    if confirmed is not None and rng.random() < 0.7:
        started = confirmed + dt.timedelta(days=rng.expovariate(1 / 20), hours=2)
        if started < w.end:
            _claim(w, rng, p, i, started, group, learner, branch)


def _other_visits(w: _World, rng: random.Random) -> None:
    """Walk-ins for other matters: a few a day at each branch, fewer at weekends."""
    for day in range(365):
        at = w.start + dt.timedelta(days=day, hours=9)
        for branch in BRANCHES:
            for _n in range(rng.randint(0, 2 if at.weekday() >= 5 else 5)):
                w.ticket(
                    at + dt.timedelta(minutes=rng.randint(0, 420)), "other", branch
                )


def _policy_history(w: _World) -> None:
    """The attempt-limit changes of the year, as history rows of the singleton."""
    policy = BiometricPolicy.current()
    History = BiometricPolicy.history.model
    for n, (days_ago, attempts, threshold) in enumerate(POLICY):
        at = w.end - dt.timedelta(days=days_ago, hours=-10)
        values = {
            f.attname: getattr(policy, f.attname)
            for f in BiometricPolicy._meta.concrete_fields
        }
        values.update(max_attempts=attempts, match_threshold=Decimal(threshold))
        History.objects.create(**values, history_date=at, history_type="+" if n == 0 else "~",
                               history_change_reason="demo history")  # fmt: skip


def _save(w: _World, quiz) -> None:
    from tutorials.models import QuizEntry

    rows = w.rows
    users = get_user_model().objects.bulk_create([u for _p, u in rows["users"]])
    for (p, _u), user in zip(rows["users"], users, strict=True):
        p.user = user
    # Children after parents: bulk_create fills each foreign key from the saved parent.
    for model, kind in ((Participant, "participants"), (SelfieAttempt, "selfies"),
                        (Block, "blocks"), (Claim, "claims"), (AuditRecord, "audit"),
                        (WalkInTicket, "tickets"), (Payout, "payouts")):  # fmt: skip
        model.objects.bulk_create(rows[kind], batch_size=2000)
    tutorial = Tutorial.objects.filter(slug="good-selfie").first()
    if tutorial is not None:
        TutorialView.objects.bulk_create([TutorialView(tutorial=tutorial, participant=p, first_viewed_at=at)
                                          for p, at in rows["views"]])  # fmt: skip
    QuizEntry.objects.bulk_create([QuizEntry(session=quiz, participant=p, submitted_at=at, score=4, total=5)
                                   for p, at in rows["quiz"]])  # fmt: skip


def demo_history_ensure(*, members: int = MEMBERS) -> int:
    """Add the year of history unless present; roll it up. Returns members added."""
    if Participant.objects.filter(kpj=str(KPJ_BASE)).exists():
        return 0
    today = timezone.localdate()
    end = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    User = get_user_model()
    w = _World(start=end - dt.timedelta(days=365), end=end,
               desk_user=User.objects.filter(username="desk").first())  # fmt: skip
    with transaction.atomic(), _backdating():
        quiz = QuizSession.objects.create(
            title_id=QUIZ_TITLE, title_en="Safe selfie quiz (archive)", mode=QuizMode.ONLINE,
            starts_at=w.start, ends_at=w.end - dt.timedelta(days=1), prize_id="Payung",
            prize_en="Umbrella", winner_rule=WinnerRule.DRAW, status="closed",
        )  # fmt: skip
        for i in range(members):
            _member(w, random.Random(f"{SEED}-{i}"), i, quiz)
        _other_visits(w, random.Random(SEED))
        _save(w, quiz)
        _policy_history(w)
    insights_rollup(
        start=today - dt.timedelta(days=366), end=today - dt.timedelta(days=1)
    )
    return members
