"""The participant's own pages: the JHT dashboard and the profile."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import selectors
from .chart import balance_chart_svg, full_rupiah


def participant_required(view):
    """Log in first; staff go to their desk; any other login sees why not (403)."""

    @login_required
    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        participant = selectors.participant_for_user(request.user)
        if participant is None:
            if request.user.is_staff:
                return redirect("frontoffice:index")
            return render(request, "participants/not_a_participant.html", status=403)
        request.participant = participant
        return view(request, *args, **kwargs)

    return wrapper


def _chart(points: list[tuple[int, int]]) -> str:
    if points:
        desc = _(
            "Columns show your JHT balance at the end of each year from %(first)s "
            "to %(last)s. Latest: %(amount)s."
        ) % {
            "first": points[0][0],
            "last": points[-1][0],
            "amount": full_rupiah(points[-1][1]),
        }
    else:
        desc = _("No yearly balance has been recorded yet.")
    svg = balance_chart_svg(
        points,
        title=_("JHT balance over time"),
        desc=desc,
        empty_text=_("No balance history yet"),
        x_label=_("Year"),
        y_label=_("Balance"),
    )
    # balance_chart_svg escapes every text it writes.
    return mark_safe(svg)


@participant_required
def dashboard(request):
    participant = request.participant
    balance = selectors.balance_get(participant=participant)
    return render(
        request,
        "participants/dashboard.html",
        {
            "participant": participant,
            "balance": balance,
            "as_of": date_format(balance.as_of, "j M Y") if balance.as_of else "",
            "membership": selectors.membership_get(participant=participant),
            "page": selectors.contribution_page(
                participant=participant, page=request.GET.get("page")
            ),
            "chart_svg": _chart(
                selectors.yearly_balance_points(participant=participant)
            ),
            "notifications": selectors.notification_list(participant=participant),
        },
    )


@participant_required
def profile(request):
    participant = request.participant
    return render(
        request,
        "participants/profile.html",
        {
            "participant": participant,
            "membership": selectors.membership_get(participant=participant),
        },
    )
