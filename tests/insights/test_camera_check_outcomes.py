"""Camera-check outcomes reach the effectiveness figures: a member refused as not live
or asked to try again shows up there, not only members whose face was compared."""

from django.db.models import Sum
from django.utils import timezone
from rest_framework.test import APIClient

from biometrics.models import BiometricPolicy, SelfieAttempt
from biometrics.services import face_reference_create
from insights.models import DailyFigure
from insights.rollup import insights_rollup
from tests.biometrics import images, liveness_frames


def _camera_check(api, frames_for) -> int:
    challenge = api.post(liveness_frames.CHALLENGES).json()
    frames = frames_for(challenge["steps"])
    return liveness_frames.send(api, challenge["nonce"], frames).json()["id"]


def test_not_live_and_retry_are_counted_by_cause(
    participant_user, django_capture_on_commit_callbacks
):
    policy = BiometricPolicy.current()
    policy.liveness_required = True
    policy.save()
    face_reference_create(
        participant=participant_user.participant,
        image=images.raw("obama", 1),
        source="registry",
    )
    api = APIClient()
    api.force_authenticate(participant_user)
    ids = []
    for frames_for in (
        liveness_frames.print_attack,
        lambda steps: [images.no_face()] * 8,
        liveness_frames.genuine,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            ids.append(_camera_check(api, frames_for))
    statuses = [SelfieAttempt.objects.get(pk=pk).status for pk in ids]
    assert statuses == ["not_live", "retry", "matched"]

    today = timezone.localdate()
    insights_rollup(start=today, end=today)

    selfies = DailyFigure.objects.filter(metric="selfie", day=today)
    by_cause = dict(
        selfies.values_list("cause").annotate(n=Sum("count")).values_list("cause", "n")
    )
    assert by_cause == {"not_live": 1, "retry": 1, "matched": 1}
    # One member, one day: one selfie session, whatever the outcomes.
    sessions = DailyFigure.objects.filter(metric="selfie_session", day=today)
    assert sessions.aggregate(n=Sum("count"))["n"] == 1
