"""Activation inputs as people type them: a name however the keyboard encodes it,
and email addresses that are valid but cannot be a Django username."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
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


@pytest.mark.parametrize(
    "email",
    [
        "ma'ruf.amin@example.id",  # valid, but no username character
        "siti.rahmawati." + "x" * 130 + "@example.id",  # 156: over the 150 of a login
        "s" * 64 + "@" + "k" * 60 + "." + "l" * 60 + "." + "m" * 60 + ".id",  # 255
    ],
)
def test_an_email_that_cannot_be_a_login_is_refused_before_a_code_is_sent(
    client, email
):
    """It used to answer 500: at the password step, after the code was mailed
    (quote, over 150 characters), or at once (over 254)."""
    born = dt.date(1988, 3, 14)
    member = ParticipantFactory(
        full_name="Siti Rahmawati",
        birth_date=born,
        gender="F",
        nik=nik_for(born, "F", 7),
    )
    data = {
        "nik": member.nik,
        "kpj": member.kpj,
        "full_name": member.full_name,
        "birth_date": born.isoformat(),
    }
    assert client.post(START, data).url == EMAIL
    response = client.post(EMAIL, {"email": email}, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 200
    assert "tidak dapat dipakai" in str(response.context["form"].errors["email"])
    assert mail.outbox == [] and not get_user_model().objects.exists()
