"""Access rules for the participant's own pages (every app's participant views)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .selectors import participant_for_user


def participant_required(view):
    """Log in first; a login without a membership (staff, say) gets a 403 page.

    Sets `request.participant`; personal pages are never cached.
    """

    @login_required
    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        participant = participant_for_user(request.user)
        if participant is None:
            return render(request, "participants/not_a_participant.html", status=403)
        request.participant = participant
        return view(request, *args, **kwargs)

    return wrapper
