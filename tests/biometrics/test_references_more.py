"""Issue 16: a dominant face is judged; a third reference only after a desk check."""

import numpy as np
import pytest

from biometrics import faces
from biometrics.models import FaceReference, SelfieStatus
from biometrics.references import matching_references
from biometrics.services import face_reference_create
from tests.biometrics import images
from tests.biometrics.test_selfie_flow import _send


def test_comparable_faces_counts_only_faces_of_similar_size():
    assert faces.comparable_faces([200]) == 0
    assert faces.comparable_faces([200, 60]) == 0  # a passer-by far behind
    assert faces.comparable_faces([200, 150]) == 1  # someone beside the member


def test_a_small_passer_by_does_not_refuse_the_selfie(
    participant, obama_reference, django_capture_on_commit_callbacks
):
    attempt = _send(participant, images.passer_by(), django_capture_on_commit_callbacks)
    assert attempt.status == SelfieStatus.MATCHED
    metrics = next(f for f in attempt.quality_findings if f["code"] == "metrics")
    assert metrics["faces"] == 2


def test_two_faces_of_comparable_size_still_refuse(
    participant, obama_reference, django_capture_on_commit_callbacks
):
    attempt = _send(participant, images.two_faces(), django_capture_on_commit_callbacks)
    assert attempt.status == SelfieStatus.REJECTED_QUALITY
    assert attempt.quality_findings[0]["code"] == "several_faces"


def test_a_matched_selfie_becomes_a_reference_only_after_a_desk_photo(
    participant, obama_reference, django_capture_on_commit_callbacks
):
    send = lambda data: _send(participant, data, django_capture_on_commit_callbacks)  # noqa: E731
    assert send(images.raw("obama", 5)).status == SelfieStatus.MATCHED
    # Matched against the registry photo only: no selfie reference.
    assert not FaceReference.objects.filter(source="selfie").exists()
    face_reference_create(
        participant=participant, image=images.raw("obama", 6), source="desk"
    )
    first = send(images.raw("obama", 2))
    assert first.status == SelfieStatus.MATCHED and "desk" in first.timings["distances"]
    # Two references: their soft minimum decides, a little above the nearest.
    both = np.array(list(first.timings["distances"].values()))
    assert first.distance == pytest.approx(faces.combined_distance(both), abs=1e-3)
    assert both.min() <= first.distance <= both.min() + faces.SOFTMIN_SCALE
    assert send(images.raw("obama", 3)).status == SelfieStatus.MATCHED
    selfie_refs = FaceReference.objects.filter(participant=participant, source="selfie")
    assert selfie_refs.count() == 1  # one per desk photo, the first matching selfie
    assert selfie_refs.get().photo_sha256 == first.image_sha256
    used = matching_references(participant=participant)
    assert [r.source for r in used] == ["registry", "desk", "selfie"]
