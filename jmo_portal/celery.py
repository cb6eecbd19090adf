import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import after_setup_logger, after_setup_task_logger
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jmo_portal.settings")
# The worker's processes are the parallelism (one per core): dlib and NumPy's BLAS
# each keep to one thread, so two selfies on two cores don't fight over four.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

app = Celery("jmo_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The database is the source of truth; these sweeps find work whose message was
# lost (broker down, worker killed) and dispatch it again, every SWEEP_SECONDS
# (settings; default a minute).
SWEEP_SECONDS = settings.SWEEP_SECONDS
app.conf.beat_schedule = {
    # Every sweep: selfies stuck in queued/processing are matched again.
    "biometrics-sweep": {
        "task": "biometrics.tasks.selfie_sweep",
        "schedule": SWEEP_SECONDS,
    },
    # Every sweep: payouts not settled are sent or polled again.
    "claims-payout-sweep": {
        "task": "claims.tasks.payout_sweep",
        "schedule": SWEEP_SECONDS,
    },
    # Every 15 minutes: claims past their promised date, told to a supervisor once.
    "claims-overdue-alert": {
        "task": "claims.tasks.claims_overdue_alert",
        "schedule": 900.0,
    },
    # Every sweep: notifications whose email/SMS was not delivered.
    "notifications-sweep": {
        "task": "notifications.tasks.notification_sweep",
        "schedule": SWEEP_SECONDS,
    },
    # Every sweep: SMS still queued are sent again, SMS never reported are polled.
    "notifications-sms-sweep": {
        "task": "notifications.tasks.sms_sweep",
        "schedule": SWEEP_SECONDS,
    },
    # Daily at 02:00: selfie images past the retention period are deleted.
    "biometrics-retention-purge": {
        "task": "biometrics.tasks.selfie_retention_purge",
        "schedule": crontab(hour=2, minute=0),
    },
    # Daily at 03:00: roll up yesterday (and any day missed) into the insights
    # tables the effectiveness page reads; after midnight so the day is complete.
    "insights-nightly-rollup": {
        "task": "insights.tasks.insights_rollup_pending",
        "schedule": crontab(hour=3, minute=0),
    },
    # January, 01:00 each day: credit last year's development yield. The first
    # run does it (queuing itself again until every member is credited); the
    # others find nothing left, or members a lost message or a late import left.
    "participants-yearly-yield": {
        "task": "participants.tasks.yield_post_previous_year",
        "schedule": crontab(month_of_year=1, hour=1, minute=0),
    },
}


@after_setup_logger.connect
@after_setup_task_logger.connect
def _portal_log_format(logger, **_kwargs) -> None:
    # Worker logs: masked NIKs, the request id, JSON when LOG_JSON is on.
    from jmo_portal.logging import celery_handlers_configure

    celery_handlers_configure(logger)
