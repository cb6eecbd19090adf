import pytest
from django.urls import reverse

from tests.conftest import staff_login
from tests.tutorials.conftest import answers_for, make_session
from tutorials import services
from tutorials.models import PrizeAward, QuizEntry, QuizSession, QuizStatus

pytestmark = pytest.mark.django_db


def _post_answers(client, session, answers):
    data = {f"q{q}": str(c) for q, c in answers.items()}
    return client.post(reverse("tutorials:quiz_detail", args=[session.pk]), data)


def test_a_participant_answers_and_sees_the_score(client, participant_user):
    session = make_session()
    client.force_login(participant_user)
    page = client.get(reverse("tutorials:quiz_detail", args=[session.pk]))
    assert b"quiz-form" in page.content
    response = _post_answers(client, session, answers_for(session))
    entry = QuizEntry.objects.get()
    assert response.url == reverse("tutorials:quiz_entry", args=[entry.pk])
    result = client.get(response.url)
    assert b"2/2" in result.content


def test_answering_twice_shows_an_error_and_keeps_the_first_answers(
    client, participant_user
):
    session = make_session()
    client.force_login(participant_user)
    _post_answers(client, session, answers_for(session))
    response = _post_answers(client, session, answers_for(session, correct=False))
    page = client.get(response.url)
    assert "sudah menjawab" in page.content.decode()
    assert QuizEntry.objects.get().score == 2


def test_a_forged_choice_is_refused_with_a_message(client, participant_user):
    session = make_session()
    answers = answers_for(session)
    q1, q2 = answers
    client.force_login(participant_user)
    response = _post_answers(client, session, {q1: answers[q2], q2: answers[q2]})
    assert response.url == reverse("tutorials:quiz_detail", args=[session.pk])
    page = client.get(response.url)
    assert "pilihannya sendiri" in page.content.decode()
    assert not QuizEntry.objects.exists()


def test_answers_after_closing_are_refused(client, participant_user):
    session = make_session()
    services.quiz_session_close(session=session, actor=None)
    client.force_login(participant_user)
    _post_answers(client, session, answers_for(session))
    page = client.get(reverse("tutorials:quiz_detail", args=[session.pk]))
    assert "ditutup" in page.content.decode()
    assert not QuizEntry.objects.exists()


def test_another_participants_entry_is_not_found(
    client, participant_user, other_participant_user
):
    session = make_session()
    entry = services.quiz_entry_submit(
        session=session,
        participant=other_participant_user.participant,
        answers=answers_for(session),
    )
    client.force_login(participant_user)
    assert client.get(entry.get_absolute_url()).status_code == 404


def test_joining_a_branch_event_with_its_code(client, participant_user, content):
    from tutorials.models import Branch

    session = make_session(mode="branch", branch=Branch.objects.first())
    client.force_login(participant_user)
    page = client.get(session.get_absolute_url())
    assert b"quiz-form" not in page.content
    bad = client.post(reverse("tutorials:quiz_join"), {"code": "NOPE"})
    assert bad.url == reverse("tutorials:quiz_list")
    good = client.post(reverse("tutorials:quiz_join"), {"code": session.join_code})
    assert good.url == session.get_absolute_url()
    _post_answers(client, session, answers_for(session))
    assert QuizEntry.objects.get().joined_with_code


def test_staff_pages_need_a_staff_role(client, participant_user, claims_officer_user):
    url = reverse("tutorials:quiz_staff_list")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(participant_user)
    assert client.get(url).status_code == 403
    staff_login(claims_officer_user, client)
    assert client.get(url).status_code == 403
    session = make_session()
    action = reverse("tutorials:quiz_staff_action", args=[session.pk, "award"])
    assert client.post(action).status_code == 403
    assert QuizSession.objects.get().status == QuizStatus.OPEN


def test_the_quiz_page_offers_session_management_only_to_who_may_manage(
    client, claims_officer_user, front_office_user
):
    staff_list = reverse("tutorials:quiz_staff_list")
    staff_login(claims_officer_user, client)
    assert staff_list not in client.get(reverse("tutorials:quiz_list")).content.decode()
    staff_login(front_office_user, client)
    assert staff_list in client.get(reverse("tutorials:quiz_list")).content.decode()


def test_front_office_creates_a_session_awards_and_hands_over(
    client, front_office_user, participant_user
):
    staff_login(front_office_user, client)
    response = client.post(
        reverse("tutorials:quiz_staff_create"),
        {
            "title_id": "Kuis Aplikasi",
            "title_en": "App quiz",
            "starts_at": "2020-01-01T09:00",
            "ends_at": "2099-01-01T10:00",
            "mode": "online",
            "prize_id": "Kaos",
            "prize_en": "T-shirt",
            "prize_count": "2",
            "winner_rule": "first_correct",
            "questions": "Apa itu JHT? | What is JHT?\n* Tabungan hari tua | "
            "Old-age savings\n- Pinjaman | A loan\n",
        },
    )
    session = QuizSession.objects.get()
    assert response.url == reverse("tutorials:quiz_staff_detail", args=[session.pk])
    assert session.questions.get().choices.count() == 2
    services.quiz_entry_submit(
        session=session,
        participant=participant_user.participant,
        answers=answers_for(session),
    )
    client.post(reverse("tutorials:quiz_staff_action", args=[session.pk, "award"]))
    award = PrizeAward.objects.get()
    client.post(
        reverse("tutorials:quiz_staff_action", args=[session.pk, "hand-over"]),
        {"award": award.pk},
    )
    award.refresh_from_db()
    assert award.handed_over_by == front_office_user
    page = client.get(reverse("tutorials:quiz_staff_detail", args=[session.pk]))
    assert participant_user.participant.full_name in page.content.decode()
    unknown = reverse("tutorials:quiz_staff_action", args=[session.pk, "delete"])
    assert client.post(unknown).status_code == 404


def test_the_staff_form_reports_a_bad_question_block(client, admin_user):
    staff_login(admin_user, client)
    response = client.post(
        reverse("tutorials:quiz_staff_create"),
        {"title_id": "x", "questions": "Pertanyaan?\n- a\n- b"},
    )
    assert response.status_code == 200
    assert "tepat satu" in response.content.decode()
    assert not QuizSession.objects.exists()


@pytest.mark.parametrize("data", [{"q1": "²"}, {"q²": "1"}, {"q1": "٣"}])
def test_unicode_digits_are_an_invalid_answer_not_a_server_error(
    client, participant_user, data
):
    session = make_session()
    client.force_login(participant_user)
    url = reverse("tutorials:quiz_detail", args=[session.pk])
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == url
    assert "Jawab setiap pertanyaan" in client.get(url).content.decode()
    assert not QuizEntry.objects.exists()


def test_the_quiz_list_shows_the_end_date_when_the_session_ends_another_day(client):
    import datetime as dt

    from django.utils import timezone

    start = timezone.localtime().replace(hour=23, minute=54, second=0, microsecond=0)
    make_session(starts_at=start, ends_at=start + dt.timedelta(days=30, hours=1))
    make_session(starts_at=start.replace(hour=10), ends_at=start.replace(hour=11))
    page = client.get(reverse("tutorials:quiz_list")).content.decode()
    end = start + dt.timedelta(days=30, hours=1)
    assert f"23:54 – {end.day} " in page and f"{end.year}, 00:54 ·" in page
    assert "10:54 – 11:54 ·" in page  # the same day: the time only


def test_a_prize_count_beyond_what_is_stored_is_a_field_error(
    client, front_office_user
):
    """99999999999 prizes reached the model's own validation: a 500."""
    staff_login(front_office_user, client)
    page = client.post(
        reverse("tutorials:quiz_staff_create"),
        {
            "title_id": "Kuis",
            "title_en": "Quiz",
            "starts_at": "2020-01-01T09:00",
            "ends_at": "2099-01-01T10:00",
            "mode": "online",
            "prize_id": "Kaos",
            "prize_en": "T-shirt",
            "prize_count": "99999999999",
            "winner_rule": "first_correct",
            "questions": "Apa itu JHT? | What is JHT?\n* Tabungan | Savings\n- X | Y\n",
        },
    )
    assert page.status_code == 200
    assert "prize_count" in page.context["form"].errors
    assert not QuizSession.objects.exists()
