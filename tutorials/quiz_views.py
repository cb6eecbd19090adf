"""Quiz pages: participants join and answer; staff create, close, award, hand over."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jmo_portal.exceptions import ApplicationError
from participants.selectors import participant_for_user

from . import services
from .forms import JoinCodeForm, QuizSessionForm
from .models import PrizeAward, QuizEntry, QuizMode, QuizSession, QuizStatus

# The desk's permission (frontoffice owns it; named, not imported: a floor below).
DESK_PERMISSION = "frontoffice.desk_access"


def is_quiz_staff(user) -> bool:
    """Front-office officers and admins run quiz sessions."""
    return user.is_authenticated and user.is_active and user.has_perm(DESK_PERMISSION)


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_quiz_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def quiz_list(request: HttpRequest) -> HttpResponse:
    sessions = QuizSession.objects.exclude(status=QuizStatus.DRAFT)[:20]
    participant = (
        participant_for_user(request.user) if request.user.is_authenticated else None
    )
    mine = (
        QuizEntry.objects.filter(participant=participant).select_related("session")
        if participant
        else []
    )
    return render(
        request,
        "tutorials/quiz_list.html",
        {
            "sessions": sessions,
            "entries": mine,
            "join_form": JoinCodeForm(),
            "can_manage": is_quiz_staff(request.user),
        },
    )


@require_POST
@login_required
def quiz_join(request: HttpRequest) -> HttpResponse:
    form = JoinCodeForm(request.POST)
    code = form.data.get("code", "").strip().upper()
    session = QuizSession.objects.filter(
        mode=QuizMode.BRANCH, join_code=code, status=QuizStatus.OPEN
    ).first()
    if not code or session is None:
        messages.error(request, _("No open branch event has this code."))
        return redirect("tutorials:quiz_list")
    request.session[f"quiz_code_{session.pk}"] = code
    return redirect(session)


def _is_number(text: str) -> bool:
    """ASCII digits only: "²" or "٣" pass isdigit() but int() refuses them."""
    return text.isascii() and text.isdigit()


@login_required
def quiz_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(QuizSession.objects.exclude(status="draft"), pk=pk)
    participant = participant_for_user(request.user)
    entry = (
        QuizEntry.objects.filter(session=session, participant=participant).first()
        if participant
        else None
    )
    if entry is not None:
        if request.method == "POST":
            messages.error(request, _("You have already answered this quiz session."))
        return redirect(entry)
    code = request.session.get(f"quiz_code_{session.pk}", "")
    if request.method == "POST" and participant:
        answers = {
            int(key[1:]): int(value)
            for key, value in request.POST.items()
            if key[:1] == "q" and _is_number(key[1:]) and _is_number(value)
        }
        try:
            entry = services.quiz_entry_submit(
                session=session, participant=participant, answers=answers, code=code
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(session)
        return redirect(entry)
    return render(
        request,
        "tutorials/quiz_detail.html",
        {
            "session": session,
            "is_open": services.quiz_session_is_open(session),
            "needs_code": session.mode == QuizMode.BRANCH and not code,
            "participant": participant,
            "questions": session.questions.prefetch_related("choices"),
        },
    )


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant's own result: score and prize status (others' entries: 404)."""
    entry = get_object_or_404(
        QuizEntry.objects.select_related("session"),
        pk=pk,
        participant__user=request.user,
    )
    return render(
        request,
        "tutorials/quiz_entry.html",
        {
            "entry": entry,
            "session": entry.session,
            "award": PrizeAward.objects.filter(entry=entry).first(),
        },
    )


@staff_required
def staff_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "tutorials/staff_list.html",
        {"sessions": QuizSession.objects.select_related("branch")[:50]},
    )


@staff_required
def staff_create(request: HttpRequest) -> HttpResponse:
    form = QuizSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.quiz_session_create(
                created_by=request.user, **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("tutorials:quiz_staff_detail", pk=session.pk)
    return render(request, "tutorials/staff_create.html", {"form": form})


@staff_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(QuizSession, pk=pk)
    entries = session.entries.select_related("participant", "award")
    return render(
        request,
        "tutorials/staff_detail.html",
        {
            "session": session,
            "entries": entries,
            "awards": session.awards.select_related("entry__participant"),
            "draw_ok": session.status == QuizStatus.AWARDED
            and services.quiz_draw_verify(session=session),
        },
    )


@require_POST
@staff_required
def staff_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    session = get_object_or_404(QuizSession, pk=pk)
    try:
        if action == "close":
            services.quiz_session_close(session=session, actor=request.user)
        elif action == "award":
            services.quiz_winners_choose(session=session, actor=request.user)
        elif action == "hand-over":
            award = get_object_or_404(
                PrizeAward, session=session, pk=request.POST.get("award")
            )
            services.prize_hand_over(award=award, actor=request.user)
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("tutorials:quiz_staff_detail", pk=session.pk)
