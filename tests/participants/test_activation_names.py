"""A name typed as on the KTP matches however the phone's keyboard encodes it."""

import datetime as dt

import pytest
from django.urls import reverse

from participants.models import AttemptCounter
from tests.factories import ParticipantFactory, nik_for

pytestmark = pytest.mark.django_db
START = reverse("participants:activate")
EMAIL = reverse("participants:activate_email")


@pytest.mark.parametrize(
    ("registered", "typed"),
    [
        ("Ma'ruf Amin", "Ma\u2019ruf Amin"),  # iOS "smart punctuation" apostrophe
        ("Agus S\u00e9tiawan", "Agus Se\u0301tiawan"),  # é decomposed (NFD)
        ("Agus Se\u0301tiawan", "Agus S\u00e9tiawan"),  # registry file in NFD
        ("Siti Rahmawati", "Siti Rahmawati\u200b"),  # zero-width space pasted along
        ("Siti Rahmawati", "\uff33\uff49\uff54\uff49 Rahmawati"),  # full-width letters
    ],
)
def test_the_same_name_in_another_unicode_form_matches_and_costs_no_attempt(
    client, registered, typed
):
    born = dt.date(1988, 3, 14)
    member = ParticipantFactory(
        full_name=registered, birth_date=born, gender="F", nik=nik_for(born, "F", 7)
    )
    data = {
        "nik": member.nik,
        "kpj": member.kpj,
        "full_name": typed,
        "birth_date": born.isoformat(),
    }
    response = client.post(START, data)
    assert response.status_code == 302 and response.url == EMAIL
    assert not AttemptCounter.objects.filter(attempts_used__gt=0).exists()


def test_a_different_name_still_does_not_match(client):
    born = dt.date(1988, 3, 14)
    member = ParticipantFactory(
        full_name="Ma'ruf Amin", birth_date=born, gender="F", nik=nik_for(born, "F", 7)
    )
    data = {
        "nik": member.nik,
        "kpj": member.kpj,
        "full_name": "Maruf Amin",
        "birth_date": born.isoformat(),
    }
    assert client.post(START, data).status_code == 200
    assert AttemptCounter.objects.get(participant=member).attempts_used == 1
