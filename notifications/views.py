from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from participants.decorators import participant_required

from .models import Notification
from .selectors import notification_list
from .services import notification_mark_read

PER_PAGE = 20


@participant_required
def inbox(request):
    notifications = notification_list(participant=request.participant)
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@require_POST
@participant_required
def notification_open(request, pk: int):
    """Mark one of the participant's own messages read, then follow its link."""
    notification = get_object_or_404(
        Notification, pk=pk, participant=request.participant
    )
    notification_mark_read(
        participant=request.participant, notification_id=notification.pk
    )
    link = notification.link
    if link and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(link)
    return redirect("notifications:inbox")
