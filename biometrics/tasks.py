"""Thin Celery wrappers around biometrics.services (ids in, services do the work)."""

from celery import shared_task
from celery.signals import worker_process_init, worker_ready
from django.db import InterfaceError, OperationalError

from jmo_portal.dispatch import BATCH_BUDGET_SECONDS, batch_limits, dispatch


@worker_process_init.connect
@worker_ready.connect
def _warm_face_models(**_kwargs) -> None:
    # Load dlib's models once per worker process, before the first selfie arrives.
    from .faces import warm

    warm()


# A member is waiting on the result page: when the database does not answer (a
# restart), the task tries again after 2, 4, 8 ... (at most 30) seconds instead of
# leaving the selfie to the next sweep.
@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=30,
    max_retries=10,
)
def selfie_process(attempt_id: int) -> str:
    from .services import selfie_process

    return selfie_process(attempt_id=attempt_id).status


@shared_task(acks_late=True)
def selfie_sweep() -> int:
    from .services import selfie_sweep

    return selfie_sweep()


@shared_task(acks_late=True, **batch_limits())
def selfie_retention_purge() -> int:
    """Daily: delete the images past retention; a backlog outlasting one run's
    budget is taken on by the run it queues (a lost message: the next day)."""
    from .services import selfie_retention_purge as purge

    purged, finished = purge(budget_seconds=BATCH_BUDGET_SECONDS)
    if not finished:
        dispatch(selfie_retention_purge)
    return purged
