"""Walk-in queue numbers: a public kiosk per branch, the officer's call-next, stats."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jmo_portal.exceptions import ApplicationError
from jmo_portal.querystring import query_text
from tutorials.models import Branch
from tutorials.selectors import branch_get, branch_list

from .forms import TicketForm
from .models import VisitReason, WalkInTicket
from .roles import FRONT_OFFICE, role_required
from .selectors import visit_stats
from .services import ticket_call_next, ticket_finish, ticket_take


def _branch(code: str, *, open_only: bool) -> Branch:
    """The branch of the address, else 404: the converter only checks the shape."""
    branch = branch_get(code=code, open_only=open_only)
    if branch is None:
        raise Http404
    return branch


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk(request, branch: str):
    """Public page on the branch's kiosk: choose a reason, get a number."""
    office = _branch(branch, open_only=True)
    form = TicketForm(request.POST or None)
    ticket = None
    if request.method == "POST" and form.is_valid():
        try:
            ticket = ticket_take(branch=office, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            form = TicketForm()
    waiting = WalkInTicket.objects.waiting().filter(
        branch=branch, day=timezone.localdate()
    )
    return render(
        request,
        "frontoffice/kiosk.html",
        {
            "form": form,
            "ticket": ticket,
            "branch": branch,
            "office": office,
            "waiting": waiting.count(),
        },
    )


@never_cache
@role_required(FRONT_OFFICE)
def queue(request, branch: str):
    # A closed branch's queue still opens: the day's last tickets get finished.
    office = _branch(branch, open_only=False)
    today = WalkInTicket.objects.filter(branch=branch, day=timezone.localdate())
    return render(
        request,
        "frontoffice/queue.html",
        {
            "branch": branch,
            "office": office,
            "waiting": today.waiting(),
            "called": today.filter(status="called", officer=request.user),
            "done": today.exclude(status__in=["waiting", "called"]).order_by(
                "-served_at"
            )[:20],
        },
    )


@require_POST
@role_required(FRONT_OFFICE)
def call_next(request, branch: str):
    _branch(branch, open_only=False)
    ticket = ticket_call_next(branch=branch, actor=request.user)
    if ticket is None:
        messages.info(request, _("Nobody is waiting."))
    else:
        messages.success(
            request,
            _("Calling %(label)s (%(reason)s).")
            % {"label": ticket.label, "reason": ticket.get_reason_display()},
        )
    return redirect("frontoffice:queue", branch=branch)


@require_POST
@role_required(FRONT_OFFICE)
def finish(request, pk: int):
    ticket = get_object_or_404(WalkInTicket, pk=pk)
    try:
        ticket_finish(
            ticket=ticket, actor=request.user, served=request.POST.get("served") == "1"
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("frontoffice:queue", branch=ticket.branch)


@role_required(FRONT_OFFICE)
def stats(request):
    branch = query_text(request, "branch")
    if branch:
        _branch(branch, open_only=False)  # a mistyped code is no branch's zeros
    return render(
        request,
        "frontoffice/stats.html",
        {
            "rows": visit_stats(days=14, branch=branch),
            "reasons": VisitReason.choices,
            "branch": branch,
            "branches": branch_list(open_only=False),
        },
    )
