import datetime as dt

import pytest
from django.utils import timezone

from jmo_portal.exceptions import ApplicationError
from tests.factories import ParticipantFactory
from tests.tutorials.conftest import answers_for, make_session
from tutorials import services
from tutorials.models import (
    Branch,
    PrizeAward,
    QuizAnswer,
    QuizEntry,
    QuizMode,
    QuizStatus,
    WinnerRule,
)

pytestmark = pytest.mark.django_db


def test_it_scores_an_entry_and_keeps_each_answer():
    session = make_session()
    participant = ParticipantFactory()
    answers = answers_for(session)
    wrong = answers_for(session, correct=False)
    first_question = next(iter(answers))
    answers[first_question] = wrong[first_question]
    entry = services.quiz_entry_submit(
        session=session, participant=participant, answers=answers
    )
    assert (entry.score, entry.total, entry.all_correct) == (1, 2, False)
    assert QuizAnswer.objects.filter(entry=entry).count() == 2


def test_it_refuses_a_second_answer_and_changes_nothing():
    session = make_session()
    participant = ParticipantFactory()
    services.quiz_entry_submit(
        session=session, participant=participant, answers=answers_for(session)
    )
    with pytest.raises(ApplicationError) as err:
        services.quiz_entry_submit(
            session=session,
            participant=participant,
            answers=answers_for(session, correct=False),
        )
    assert err.value.code == "quiz_answered"
    entry = QuizEntry.objects.get()
    assert entry.score == 2 and QuizAnswer.objects.count() == 2


def test_the_database_allows_one_entry_per_participant_and_session():
    from django.db import IntegrityError, transaction

    session = make_session()
    participant = ParticipantFactory()
    services.quiz_entry_submit(
        session=session, participant=participant, answers=answers_for(session)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        QuizEntry.objects.create(
            session=session,
            participant=participant,
            submitted_at=timezone.now(),
            score=0,
            total=2,
        )


@pytest.mark.parametrize("closing", ["staff_closed", "time_over", "not_started"])
def test_it_refuses_answers_outside_the_open_session(closing):
    now = timezone.now()
    if closing == "time_over":
        session = make_session(
            starts_at=now - dt.timedelta(hours=2), ends_at=now - dt.timedelta(hours=1)
        )
    elif closing == "not_started":
        session = make_session(
            starts_at=now + dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=2)
        )
    else:
        session = make_session()
        services.quiz_session_close(session=session, actor=None)
    with pytest.raises(ApplicationError) as err:
        services.quiz_entry_submit(
            session=session,
            participant=ParticipantFactory(),
            answers=answers_for(session),
        )
    assert err.value.code == "quiz_closed"
    assert not QuizEntry.objects.exists()


def test_it_refuses_a_choice_of_another_question_or_session():
    session = make_session()
    other = make_session()
    answers = answers_for(session)
    q1, q2 = list(answers)
    forged = [
        {q1: answers[q2], q2: answers[q2]},  # the other question's choice
        {q1: next(iter(answers_for(other).values())), q2: answers[q2]},
        {q1: answers[q1]},  # a question left out
        {**answers, 999999: answers[q1]},  # an unknown question
    ]
    for bad in forged:
        with pytest.raises(ApplicationError) as err:
            services.quiz_entry_submit(
                session=session, participant=ParticipantFactory(), answers=bad
            )
        assert err.value.code == "quiz_invalid"
    assert not QuizEntry.objects.exists()


def test_a_branch_event_needs_its_code():
    branch = Branch.objects.create(
        name="Cabang Uji", address="Jl. Uji", hours_id="x", hours_en="x"
    )
    session = make_session(mode=QuizMode.BRANCH, branch=branch)
    assert len(session.join_code) == 6
    participant = ParticipantFactory()
    with pytest.raises(ApplicationError):
        services.quiz_entry_submit(
            session=session, participant=participant, answers=answers_for(session)
        )
    entry = services.quiz_entry_submit(
        session=session,
        participant=participant,
        answers=answers_for(session),
        code=session.join_code.lower(),
    )
    assert entry.joined_with_code


def _entries(session, pattern: str) -> list[QuizEntry]:
    """One entry per letter, in order: C = all correct, W = some wrong."""
    entries = []
    for letter in pattern:
        entries.append(
            services.quiz_entry_submit(
                session=session,
                participant=ParticipantFactory(),
                answers=answers_for(session, correct=letter == "C"),
            )
        )
    return entries


def test_first_correct_answers_win_in_submission_order():
    session = make_session(prizes=2)
    entries = _entries(session, "WCWCC")
    awards = services.quiz_winners_choose(session=session, actor=None)
    assert [a.entry for a in awards] == [entries[1], entries[3]]
    session.refresh_from_db()
    assert session.status == QuizStatus.AWARDED and session.draw_seed == ""
    with pytest.raises(ApplicationError):
        services.quiz_winners_choose(session=session, actor=None)
    assert PrizeAward.objects.count() == 2


def test_a_draw_records_its_seed_and_anyone_can_recheck_it():
    session = make_session(prizes=2, rule=WinnerRule.DRAW)
    entries = _entries(session, "CCWCC")
    awards = services.quiz_winners_choose(session=session, actor=None)
    session.refresh_from_db()
    assert len(session.draw_seed) == 32
    correct = [e for e in entries if e.all_correct]
    expected = sorted(correct, key=lambda e: services.draw_key(session.draw_seed, e.pk))
    assert [a.entry for a in awards] == expected[:2]
    assert services.quiz_draw_verify(session=session)
    # A tampered award no longer matches the recorded draw.
    loser = next(e for e in correct if e not in expected[:2])
    PrizeAward.objects.filter(rank=2).update(entry=loser)
    assert not services.quiz_draw_verify(session=session)


def test_fewer_correct_answers_than_prizes_leaves_prizes_unawarded():
    session = make_session(prizes=3)
    _entries(session, "WC")
    assert len(services.quiz_winners_choose(session=session, actor=None)) == 1


def test_a_prize_is_handed_over_once(front_office_user):
    session = make_session()
    _entries(session, "C")
    (award,) = services.quiz_winners_choose(session=session, actor=None)
    services.prize_hand_over(award=award, actor=front_office_user)
    award.refresh_from_db()
    handed = award.handed_over_at
    assert handed and award.handed_over_by == front_office_user
    with pytest.raises(ApplicationError):
        services.prize_hand_over(award=award, actor=front_office_user)
    award.refresh_from_db()
    assert award.handed_over_at == handed


@pytest.mark.parametrize(
    "text",
    ["", "* orphan choice", "Question?\n* yes\n* also yes", "Question?\n- no\n- no"],
)
def test_the_question_block_must_have_one_correct_choice_each(text):
    with pytest.raises(ApplicationError):
        services.quiz_questions_parse(text)


def test_the_demo_quiz_is_created_once():
    from tutorials.demo import quiz_demo_ensure

    first = quiz_demo_ensure()
    assert quiz_demo_ensure() == first
    assert first.questions.count() == 3 and services.quiz_session_is_open(first)
