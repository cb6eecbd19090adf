import threading

import pytest
from django.db import connection

from participants.models import AuditRecord, Block, BlockKind
from participants.services.guards import (
    attempt_register_failure,
    attempt_reset,
    attempt_state,
    block_lift,
)
from tests.conftest import require_services
from tests.factories import ParticipantFactory


@pytest.mark.django_db
def test_it_blocks_at_the_limit_and_only_the_desk_lifts_the_block(front_office_user):
    participant = ParticipantFactory()
    kind = BlockKind.KPJ
    states = [
        attempt_register_failure(
            participant=participant, kind=kind, max_attempts=3, reason="x"
        )
        for _ in range(4)
    ]
    assert [s.attempts_left for s in states] == [2, 1, 0, 0]
    assert [s.blocked for s in states] == [False, False, True, True]
    assert Block.objects.active().filter(participant=participant).count() == 1

    # Raising the limit does not silently unblock.
    assert attempt_state(participant=participant, kind=kind, max_attempts=5).blocked
    attempt_reset(participant=participant, kind=kind)
    assert attempt_state(participant=participant, kind=kind, max_attempts=5).blocked

    block_lift(block=states[-1].block, actor=front_office_user, reason="e-KTP checked")
    state = attempt_state(participant=participant, kind=kind, max_attempts=3)
    assert (state.blocked, state.attempts_used) == (False, 0)
    record = AuditRecord.objects.get(participant=participant)
    assert (record.action, record.actor) == ("unblock_kpj", front_office_user)


@pytest.mark.django_db(transaction=True)
def test_parallel_failures_never_count_past_the_limit():
    require_services(postgres=True)
    participant = ParticipantFactory()
    barrier = threading.Barrier(10)

    def fail():
        barrier.wait()
        try:
            attempt_register_failure(
                participant=participant,
                kind=BlockKind.BIOMETRIC,
                max_attempts=3,
                reason="x",
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=fail) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    state = attempt_state(
        participant=participant, kind=BlockKind.BIOMETRIC, max_attempts=3
    )
    assert state.attempts_used == 3
    assert Block.objects.filter(participant=participant).count() == 1
