import datetime as dt
import random

import factory
from django.contrib.auth import get_user_model

from participants.models import Employer, Employment, Participant


def nik_for(birth_date: dt.date, gender: str, serial: int) -> str:
    """A valid NIK: region 320101, DDMMYY (+40 on DD for women), 4-digit serial."""
    day = birth_date.day + (40 if gender == "F" else 0)
    return f"320101{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial % 10000:04d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}@example.id")
    email = factory.LazyAttribute(lambda u: u.username)
    password = factory.django.Password("Rahasia-123")


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    code = factory.Sequence(lambda n: f"EMP{n:05d}")
    name = factory.Sequence(lambda n: f"PT Maju Jaya {n}")


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    full_name = factory.Sequence(lambda n: f"Budi Santoso {n}")
    birth_date = factory.LazyFunction(
        lambda: dt.date(1975, 1, 1) + dt.timedelta(days=random.randint(0, 9000))
    )
    gender = "M"
    nik = factory.LazyAttributeSequence(lambda p, n: nik_for(p.birth_date, p.gender, n))
    kpj = factory.Sequence(lambda n: f"{10000000000 + n:011d}")
    email = factory.Sequence(lambda n: f"peserta{n}@example.id")
    phone = factory.Sequence(lambda n: f"0812{n:08d}")
    membership_start = dt.date(2010, 1, 1)


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    participant = factory.SubFactory(ParticipantFactory)
    employer = factory.SubFactory(EmployerFactory)
    start = dt.date(2010, 1, 1)
    end = None
