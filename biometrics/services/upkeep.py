"""Upkeep of the selfie queue and store: lost dispatches are sent again, old images
are deleted (the policy's retention days; outcomes stay), and so are camera-check
challenges that were never answered."""

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from jmo_portal import metrics
from jmo_portal.dispatch import Budget

from ..models import BiometricPolicy, LivenessChallenge, SelfieAttempt, SelfieStatus
from .common import OUR_ERROR, selfie_dispatch_on_commit

STUCK_QUEUED = timedelta(minutes=1)
# No task outlives Celery's hard time limit, so an attempt still processing after
# it (and a margin) was left by a dead worker; the member is waiting on the page.
STUCK_PROCESSING = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 30)
MAX_DISPATCHES = 3


def selfie_sweep() -> int:
    """Re-dispatch attempts whose message or worker was lost; give up after a few tries."""
    now = timezone.now()
    stale = SelfieAttempt.objects.filter(
        status=SelfieStatus.PROCESSING, processing_started_at__lt=now - STUCK_PROCESSING
    )
    stale.filter(dispatch_count__gte=MAX_DISPATCHES).update(
        status=SelfieStatus.ERROR,
        updated_at=now,
        guidance=OUR_ERROR,
        guidance_params={},
    )
    requeue = list(stale.values_list("pk", flat=True))
    SelfieAttempt.objects.filter(pk__in=requeue).update(
        status=SelfieStatus.QUEUED, updated_at=now
    )
    ids = requeue + list(
        SelfieAttempt.objects.filter(
            status=SelfieStatus.QUEUED, updated_at__lt=now - STUCK_QUEUED
        ).values_list("pk", flat=True)
    )
    for attempt_id in ids:
        selfie_dispatch_on_commit(attempt_id)
    metrics.SWEEP_REDISPATCHES.labels(kind="selfie").inc(len(ids))
    return len(ids)


def selfie_retention_purge(
    *, now=None, budget_seconds: float | None = None
) -> tuple[int, bool]:
    """Delete selfie images older than the retention period; outcomes stay.
    (purged, finished): with a budget, it stops once the budget is spent (after
    one image at least), and finished is False while older images are left."""
    now = now or timezone.now()
    policy = BiometricPolicy.current()
    cutoff = now - timedelta(days=policy.retention_days)
    # A challenge nobody answered holds nothing worth keeping past the same period;
    # an answered one stays with its attempt.
    LivenessChallenge.objects.filter(
        expires_at__lt=cutoff, used_at__isnull=True
    ).delete()
    budget, purged = Budget(budget_seconds), 0
    expired = SelfieAttempt.objects.filter(created_at__lt=cutoff).exclude(image="")
    for attempt in expired.exclude(image__isnull=True).iterator():
        if purged and budget.spent():
            return purged, False
        attempt.image.delete(save=False)
        for name in attempt.frames:
            default_storage.delete(name)
        SelfieAttempt.objects.filter(pk=attempt.pk).update(
            image=None, image_purged_at=now, frames=[]
        )
        purged += 1
    return purged, True
