import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from tutorials import services
from tutorials.models import QuizMode, WinnerRule

_seed = importlib.import_module("tutorials.migrations.0002_seed_content").seed


def seed_content() -> None:
    """The data migration's rows (a transactional test elsewhere may have flushed them)."""
    _seed(apps, None)


@pytest.fixture
def content(db):
    seed_content()


def make_session(*, staff=None, mode=QuizMode.ONLINE, rule=WinnerRule.FIRST_CORRECT,
                 prizes=1, **extra):  # fmt: skip
    now = timezone.now()
    questions = services.quiz_questions_parse(
        "Berapa iuran JHT? | How much is the JHT contribution?\n"
        "* 5,7% | 5.7%\n"
        "- 10% | 10%\n"
        "\n"
        "Berapa batas klaim online? | What is the online claim limit?\n"
        "- Rp 5 juta | Rp 5 million\n"
        "* Rp 15 juta | Rp 15 million\n"
    )
    fields = dict(
        created_by=staff,
        title_id="Kuis JMO",
        title_en="JMO quiz",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=1),
        mode=mode,
        prize_id="Payung",
        prize_en="Umbrella",
        prize_count=prizes,
        winner_rule=rule,
        questions=questions,
    )
    fields.update(extra)
    return services.quiz_session_create(**fields)


def answers_for(session, *, correct: bool = True) -> dict[int, int]:
    return {
        q.pk: next(c.pk for c in q.choices.all() if c.is_correct == correct)
        for q in session.questions.all()
    }
