import json

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from jmo_portal.gateway import token_matches
from participants.decorators import participant_required

from . import sms
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
        Notification, pk=pk, participant=request.participant, email=""
    )  # a message to another address (a replaced contact's) is no inbox message
    notification_mark_read(
        participant=request.participant, notification_id=notification.pk
    )
    link = notification.link
    if link and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(link)
    return redirect("notifications:inbox")


@csrf_exempt
@require_POST
def sms_report(request):
    """The SMS gateway's delivery report (shared token; repeats are harmless)."""
    token = request.headers.get("X-Callback-Token", "")
    if not token_matches(token, settings.SMS_CALLBACK_TOKEN):
        return JsonResponse({"detail": "bad token"}, status=403)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"detail": "bad json"}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"detail": "bad json"}, status=400)
    message = sms.sms_report(
        reference=str(body.get("reference", "")),
        status=str(body.get("status", "")),
        error_code=str(body.get("error_code") or ""),
        gateway_id=str(body.get("id", "")),
    )
    if message is None:
        return JsonResponse({"detail": "unknown message"}, status=404)
    return HttpResponse(status=204)
