"""Quiz sessions: create, answer once, close, choose winners, hand prizes over."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jmo_portal.exceptions import ApplicationError
from participants.models import Participant

from .models import (
    Branch,
    PrizeAward,
    QuizAnswer,
    QuizChoice,
    QuizEntry,
    QuizMode,
    QuizQuestion,
    QuizSession,
    QuizStatus,
    Tutorial,
    TutorialView,
    WinnerRule,
)


@dataclass(frozen=True)
class ChoiceSpec:
    text_id: str
    text_en: str
    is_correct: bool


@dataclass(frozen=True)
class QuestionSpec:
    text_id: str
    text_en: str
    choices: tuple[ChoiceSpec, ...]


def quiz_questions_parse(text: str) -> list[QuestionSpec]:
    """Parse the staff form's question block.

    A question line is `Indonesian | English`; the choice lines under it start with
    `*` (correct) or `-` (wrong), also `Indonesian | English`. Blank lines separate.
    """
    questions: list[dict] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        marker = line[0]
        body = line[1:].strip() if marker in "*-" else line
        text_id, _sep, text_en = (part.strip() for part in body.partition("|"))
        if not text_id:
            raise ApplicationError(_("Line %(n)d is empty.") % {"n": number})
        if marker in "*-":
            if not questions:
                raise ApplicationError(
                    _("Line %(n)d: a choice needs a question above it.") % {"n": number}
                )
            questions[-1]["choices"].append(
                ChoiceSpec(text_id, text_en or text_id, marker == "*")
            )
        else:
            questions.append(
                {"text_id": text_id, "text_en": text_en or text_id, "choices": []}
            )
    if not questions:
        raise ApplicationError(_("Write at least one question."))
    specs = []
    for q in questions:
        correct = sum(c.is_correct for c in q["choices"])
        if len(q["choices"]) < 2 or correct != 1:
            raise ApplicationError(
                _(
                    "“%(q)s” needs at least two choices and exactly one correct "
                    "choice (marked with *)."
                )
                % {"q": q["text_id"]}
            )
        specs.append(QuestionSpec(q["text_id"], q["text_en"], tuple(q["choices"])))
    return specs


@transaction.atomic
def quiz_session_create(
    *,
    created_by,
    title_id: str,
    title_en: str,
    starts_at: datetime,
    ends_at: datetime,
    mode: str,
    prize_id: str,
    prize_en: str,
    prize_count: int,
    winner_rule: str,
    questions: list[QuestionSpec],
    branch: Branch | None = None,
    place: str = "",
) -> QuizSession:
    """Create a session with its questions; branch events get a join code."""
    if not questions:
        raise ApplicationError(_("Write at least one question."))
    session = QuizSession(
        title_id=title_id,
        title_en=title_en or title_id,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        branch=branch,
        place=place,
        join_code=secrets.token_hex(3).upper() if mode == QuizMode.BRANCH else "",
        prize_id=prize_id,
        prize_en=prize_en or prize_id,
        prize_count=prize_count,
        winner_rule=winner_rule,
        status=QuizStatus.OPEN,
        created_by=created_by,
    )
    if ends_at <= starts_at:
        raise ApplicationError(_("The session must end after it starts."))
    session.full_clean()
    session.save()
    for q_pos, spec in enumerate(questions):
        question = QuizQuestion.objects.create(
            session=session, position=q_pos, text_id=spec.text_id, text_en=spec.text_en
        )
        QuizChoice.objects.bulk_create(
            QuizChoice(
                question=question,
                position=c_pos,
                text_id=c.text_id,
                text_en=c.text_en,
                is_correct=c.is_correct,
            )
            for c_pos, c in enumerate(spec.choices)
        )
    return session


def quiz_session_is_open(session: QuizSession, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        session.status == QuizStatus.OPEN and session.starts_at <= now < session.ends_at
    )


@transaction.atomic
def quiz_entry_submit(
    *,
    session: QuizSession,
    participant: Participant,
    answers: dict[int, int],
    code: str = "",
) -> QuizEntry:
    """Record a participant's answers (question id -> choice id) and score them."""
    # Lock the session row so closing and answering cannot interleave.
    session = QuizSession.objects.select_for_update().get(pk=session.pk)
    if not quiz_session_is_open(session):
        raise ApplicationError(
            _("This quiz session is closed; answers are no longer accepted."),
            code="quiz_closed",
            status=409,
        )
    if session.mode == QuizMode.BRANCH and code.strip().upper() != session.join_code:
        raise ApplicationError(
            _("Enter the code shown at the branch event to take part."),
            code="quiz_code",
        )
    if QuizEntry.objects.filter(session=session, participant=participant).exists():
        raise ApplicationError(
            _("You have already answered this quiz session."),
            code="quiz_answered",
            status=409,
        )
    questions = {q.pk: q for q in session.questions.prefetch_related("choices")}
    if set(answers) != set(questions):
        raise ApplicationError(
            _("Answer every question, each with one of its own choices."),
            code="quiz_invalid",
        )
    chosen: list[QuizChoice] = []
    for question_id, choice_id in answers.items():
        choice = next(
            (c for c in questions[question_id].choices.all() if c.pk == choice_id),
            None,
        )
        if choice is None:
            raise ApplicationError(
                _("Answer every question, each with one of its own choices."),
                code="quiz_invalid",
            )
        chosen.append(choice)
    try:
        with transaction.atomic():
            entry = QuizEntry.objects.create(
                session=session,
                participant=participant,
                joined_with_code=session.mode == QuizMode.BRANCH,
                submitted_at=timezone.now(),
                score=sum(c.is_correct for c in chosen),
                total=len(questions),
            )
    except IntegrityError as exc:  # a parallel submit of the same participant
        raise ApplicationError(
            _("You have already answered this quiz session."),
            code="quiz_answered",
            status=409,
        ) from exc
    QuizAnswer.objects.bulk_create(
        QuizAnswer(entry=entry, question_id=c.question_id, choice=c) for c in chosen
    )
    return entry


@transaction.atomic
def quiz_session_close(*, session: QuizSession, actor) -> QuizSession:
    session = QuizSession.objects.select_for_update().get(pk=session.pk)
    if session.status in (QuizStatus.OPEN, QuizStatus.DRAFT):
        session.status = QuizStatus.CLOSED
        session.save(update_fields=["status"])
    return session


def draw_key(seed: str, entry_id: int) -> str:
    """The draw's public rule: the N entries with the smallest sha256(seed:id) win."""
    return hashlib.sha256(f"{seed}:{entry_id}".encode()).hexdigest()


def winners_pick(
    *, rule: str, correct: list[QuizEntry], count: int, seed: str
) -> list[QuizEntry]:
    """Pure: the winners among correct entries (already in submission order)."""
    if rule == WinnerRule.DRAW:
        return sorted(correct, key=lambda e: draw_key(seed, e.pk))[:count]
    return correct[:count]


@transaction.atomic
def quiz_winners_choose(*, session: QuizSession, actor) -> list[PrizeAward]:
    """Close the session and award its prizes by the session's rule (once)."""
    session = QuizSession.objects.select_for_update().get(pk=session.pk)
    if session.status == QuizStatus.AWARDED:
        raise ApplicationError(
            _("The winners of this session were already chosen."),
            code="quiz_awarded",
            status=409,
        )
    correct = [
        e for e in session.entries.order_by("submitted_at", "id") if e.all_correct
    ]
    seed = secrets.token_hex(16) if session.winner_rule == WinnerRule.DRAW else ""
    winners = winners_pick(
        rule=session.winner_rule, correct=correct, count=session.prize_count, seed=seed
    )
    awards = [
        PrizeAward.objects.create(session=session, entry=entry, rank=rank)
        for rank, entry in enumerate(winners, start=1)
    ]
    session.status = QuizStatus.AWARDED
    session.draw_seed = seed
    session.awarded_at = timezone.now()
    session.save(update_fields=["status", "draw_seed", "awarded_at"])
    return awards


def quiz_draw_verify(*, session: QuizSession) -> bool:
    """Anyone can re-run the draw from the recorded seed and get the same winners."""
    correct = [
        e for e in session.entries.order_by("submitted_at", "id") if e.all_correct
    ]
    expected = winners_pick(
        rule=session.winner_rule,
        correct=correct,
        count=session.prize_count,
        seed=session.draw_seed,
    )
    actual = [a.entry for a in session.awards.order_by("rank")]
    return [e.pk for e in expected] == [e.pk for e in actual]


@transaction.atomic
def prize_hand_over(*, award: PrizeAward, actor) -> PrizeAward:
    award = PrizeAward.objects.select_for_update().get(pk=award.pk)
    if award.handed_over_at is not None:
        raise ApplicationError(
            _("This prize was already handed over."), code="prize_handed", status=409
        )
    award.handed_over_at = timezone.now()
    award.handed_over_by = actor
    award.save(update_fields=["handed_over_at", "handed_over_by"])
    return award


def tutorial_view_record(*, tutorial: Tutorial, participant: Participant) -> None:
    """Remember the first time a member opened a tutorial (later views change nothing)."""
    TutorialView.objects.get_or_create(
        tutorial=tutorial,
        participant=participant,
        defaults={"first_viewed_at": timezone.now()},
    )
