"""The participant's own pages: the JHT dashboard and the profile."""

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jmo_portal.exceptions import ApplicationError

from . import selectors
from .chart import balance_chart_svg
from .decorators import participant_required
from .money import rupiah
from .services.channels import participant_channels_set
from .services.data_update import data_update_is_valid


def _staff_to_desk(view):
    """Staff open the desk, not a participant page (before `participant_required`)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.is_staff and not hasattr(user, "participant"):
            return redirect("frontoffice:index")
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
            "amount": rupiah(points[-1][1]),
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


@_staff_to_desk
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
            "data_valid": data_update_is_valid(participant=participant),
        },
    )


@_staff_to_desk
@participant_required
def profile(request):
    participant = request.participant
    return render(
        request,
        "participants/profile.html",
        {
            "participant": participant,
            "membership": selectors.membership_get(participant=participant),
            "data": selectors.data_update_status(participant=participant),
        },
    )


@_staff_to_desk
@participant_required
@require_POST
def channels(request):
    """The member's notification channels (the inbox is always on)."""
    try:
        participant_channels_set(
            participant=request.participant,
            email=request.POST.get("email") == "on",
            sms=request.POST.get("sms") == "on",
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your notification channels are saved."))
    return redirect("participants:profile")
