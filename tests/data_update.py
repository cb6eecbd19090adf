"""Confirm a member's data the way the product does: the desk data-update service."""

from django.contrib.auth.models import Group

from participants.models import Participant
from participants.services.data_update_desk import data_update_desk_confirm
from tests.factories import UserFactory

# A complete population/contact/emergency record for members made by factories.
DESK_FIELDS = {
    "address": "Jl. Jenderal Sudirman No. 1, Purwokerto",
    "postal_code": "53116",
    "kk_number": "3302010101100001",
    "mother_maiden_name": "Siti Aminah",
    "marital_status": "married",
    "emergency_name": "Sri Wahyuni",
    "emergency_relation": "spouse",
    "emergency_phone": "081399990000",
}


def desk_officer():
    user = UserFactory(username="desk_helper", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="front_office")[0])
    return user


def confirm_data_at_desk(participant: Participant, **corrections) -> Participant:
    """Documents seen, missing fields filled, confirmed: the claim tick is earned."""
    fields = {**DESK_FIELDS, **corrections}
    if not participant.phone:
        fields.setdefault("phone", "081211112222")
    data_update_desk_confirm(
        participant=participant,
        actor=desk_officer(),
        documents_seen=["ktp", "kk"],
        corrections=fields,
        reason="test: member's data checked at the desk",
    )
    participant.refresh_from_db()
    return participant
