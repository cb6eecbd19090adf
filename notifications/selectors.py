from django.db.models import QuerySet

from participants.models import Participant

from .models import Notification


def notification_list(*, participant: Participant) -> QuerySet[Notification]:
    """The participant's inbox, newest first (not the emails to other addresses)."""
    return Notification.objects.filter(participant=participant, email="").order_by(
        "-created_at"
    )
