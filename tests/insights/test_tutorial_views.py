"""Opening a tutorial page records the member's first view (the learning figure)."""

from django.test import Client
from django.urls import reverse

from tutorials.models import TutorialView


def test_a_member_opening_the_selfie_tutorial_is_recorded_once(participant_user):
    url = reverse("tutorials:detail", kwargs={"slug": "good-selfie"})
    assert Client().get(url).status_code == 200
    assert not TutorialView.objects.exists()  # anonymous visitors are not counted
    client = Client()
    client.force_login(participant_user)
    assert client.get(url).status_code == 200
    first = TutorialView.objects.get()
    assert first.participant == participant_user.participant
    assert first.tutorial.slug == "good-selfie"
    client.get(url)
    assert TutorialView.objects.get().first_viewed_at == first.first_viewed_at
