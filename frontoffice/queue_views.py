"""Walk-in queue numbers: a public kiosk per branch, the officer's call-next, stats."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jmo_portal.exceptions import ApplicationError
from jmo_portal.querystring import query_text

from .forms import TicketForm
from .models import VisitReason, WalkInTicket
from .roles import FRONT_OFFICE, role_required
from .selectors import visit_stats
from .services import ticket_call_next, ticket_finish, ticket_take


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk(request, branch: str):
    """Public page on the branch's kiosk: choose a reason, get a number."""
    form = TicketForm(request.POST or None)
    ticket = None
    if request.method == "POST" and form.is_valid():
        try:
            ticket = ticket_take(branch=branch, reason=form.cleaned_data["reason"])
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
        {"form": form, "ticket": ticket, "branch": branch, "waiting": waiting.count()},
    )


@never_cache
@role_required(FRONT_OFFICE)
def queue(request, branch: str):
    today = WalkInTicket.objects.filter(branch=branch, day=timezone.localdate())
    return render(
        request,
        "frontoffice/queue.html",
        {
            "branch": branch,
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
    return render(
        request,
        "frontoffice/stats.html",
        {
            "rows": visit_stats(days=14, branch=branch),
            "reasons": VisitReason.choices,
            "branch": branch,
        },
    )
