"""A small fixed history (March 2026) whose figures are computed by hand in the tests.

- 7 members registered on 2 March 10:00: six men born 1990 (30–44) and one woman
  born 1960 (> 55); all activated on 3 March 10:00 (member 6 at the desk).
- The six men: selfie tutorial watched 4 March, data updated 4 March 10:00, claim
  started 5 March 10:00, a too-dark selfie at 10:05, matched at 10:10, submitted
  at 12:00. Members 1–5 (online) paid 2, 3, 4, 5 and 6 hours later; member 6
  (officer review, SLA day 10 March) paid 13 March 10:00. Members 1–5 get a KPJ
  block on 6 March 10:00 lifted at 20:00, and match a selfie again on 20 March.
- The woman: no face at 09:58 on 10 March, three non-matches at 10:00–10:04, a
  biometric block at 10:05 lifted 12 March 10:05.
- The attempt limit went from 3 to 5 on 15 March 10:00.
- Walk-in tickets in the week of 9 March: 6 face-verification at "pusat", 2 KPJ at
  "bekasi".
"""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from django.utils import timezone

from biometrics.models import BiometricPolicy, CalibrationRun, SelfieAttempt
from claims.models import Claim
from frontoffice.models import WalkInTicket
from participants.models import AuditRecord, Block
from tests.factories import ParticipantFactory, UserFactory
from tutorials.models import Tutorial, TutorialView


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


def _backdate(model, pk: int, **fields) -> None:
    model.objects.filter(pk=pk).update(**fields)


@contextmanager
def _past_created_at(model):
    """Let an insert keep the given created_at (auto_now_add would say 'now').

    For audit records, which PostgreSQL refuses to UPDATE: they are written with
    their past time at once instead of being backdated afterwards."""
    field = model._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


def _member(n: int, birth: dt.date, gender: str):
    user = UserFactory(username=f"h{n}@example.id", date_joined=at(3, 10))
    p = ParticipantFactory(birth_date=birth, gender=gender, user=user)
    _backdate(type(p), p.pk, created_at=at(2, 10))
    return p


def _selfie(p, when: dt.datetime, status: str, code: str = "") -> None:
    s = SelfieAttempt.objects.create(
        participant=p,
        status=status,
        counted=status == "not_matched",
        image_sha256=f"{p.pk:08d}{when:%m%d%H%M}".ljust(64, "0"),
        quality_findings=[{"code": code, "message": ""}, {"code": "metrics"}]
        if code
        else [],
        threshold_used=Decimal("0.470"),
    )
    _backdate(SelfieAttempt, s.pk, created_at=when)


def _block(p, kind: str, start: dt.datetime, end: dt.datetime) -> None:
    b = Block.objects.create(participant=p, kind=kind, reason="test")
    _backdate(Block, b.pk, created_at=start, lifted_at=end, lift_reason="desk")


def _claim(p, n: int, channel: str, paid: dt.datetime) -> None:
    c = Claim.objects.create(
        reference=f"JHT-T{n:04d}", participant=p, claim_type="resign",
        status="paid", channel=channel, balance_at_start=10_000_000,
        gross=10_000_000, tax=0, net=10_000_000, submitted_at=at(5, 12),
        sla_due=dt.date(2026, 3, 6 if channel == "online" else 10), paid_at=paid,
        decided_at=paid,
    )  # fmt: skip
    _backdate(Claim, c.pk, created_at=at(5, 10))


def history_build() -> dict:
    # A flushed database (transactional tests) lacks the seeded tutorials.
    tutorial, _new = Tutorial.objects.get_or_create(
        slug="good-selfie", defaults={"title_id": "Swafoto", "title_en": "Selfie"}
    )
    men = [_member(n, dt.date(1990, 6, 1), "M") for n in range(1, 7)]
    woman = _member(7, dt.date(1960, 1, 1), "F")
    with _past_created_at(AuditRecord):
        AuditRecord.objects.create(
            action="activate_member", participant=men[5], created_at=at(3, 10)
        )
    for n, p in enumerate(men, start=1):
        TutorialView.objects.create(
            tutorial=tutorial, participant=p, first_viewed_at=at(4, 9)
        )
        _backdate(type(p), p.pk, profile_confirmed_at=at(4, 10))
        _selfie(p, at(5, 10, 5), "rejected_quality", "too_dark")
        _selfie(p, at(5, 10, 10), "matched")
        paid = at(5, 12 + n + 1) if n <= 5 else at(13, 10)
        _claim(p, n, "online" if n <= 5 else "review", paid)
        if n <= 5:
            _block(p, "kpj", at(6, 10), at(6, 20))
            _selfie(p, at(20, 9), "matched")
    _selfie(woman, at(10, 9, 58), "rejected_quality", "no_face")
    for minute in (0, 2, 4):
        _selfie(woman, at(10, 10, minute), "not_matched")
    _block(woman, "biometric", at(10, 10, 5), at(12, 10, 5))
    for branch, reason, count in (("pusat", "biometric", 6), ("bekasi", "kpj", 2)):
        for i in range(count):
            WalkInTicket.objects.create(
                branch=branch, day=dt.date(2026, 3, 10), prefix="A", number=i + 1,
                reason=reason, status="served",
            )  # fmt: skip
    limit_changed_on_15_march()
    CalibrationRun.objects.create(
        dataset="test", genuine_distances=[0.3, 0.4, 0.5],
        impostor_distances=[0.3, 0.5, 0.6, 0.7], lookalike_distances=[0.6],
    )  # fmt: skip
    return {"men": men, "woman": woman}


def limit_changed_on_15_march() -> None:
    """The selfie attempt limit went from 3 to 5 on 15 March (set on 1 January)."""
    policy = BiometricPolicy.current()
    policy.max_attempts = 5
    policy.save()
    first, change = BiometricPolicy.history.order_by("history_date")
    BiometricPolicy.history.filter(pk=first.pk).update(history_date=at(1, 0, month=1))
    BiometricPolicy.history.filter(pk=change.pk).update(history_date=at(15, 10))
