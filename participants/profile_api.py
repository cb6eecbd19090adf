"""API v1 for the data update (pengkinian data): read, save a section, phone code, confirm.

The same services as the pages; field errors come back as
`{detail, code: "invalid", errors: {field: [...]}}` in the request's language.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from jmo_portal.api import TextField, errors, refuse_forged_fields
from jmo_portal.masking import mask_digits
from participants.services.credentials import client_address

from .api import IsParticipant
from .models import EmergencyRelation, MaritalStatus
from .selectors import DataUpdateStatus, data_update_status
from .services import data_update as services

_ERRORS = errors(401, {403: "not a participant"})
_WRITE_ERRORS = errors(
    {400: "invalid input: `errors` holds the field errors"},
    401,
    {403: "not a participant"},
    {409: "not possible at this step of the data update"},
)


class ProfileOutputSerializer(serializers.Serializer):
    confirmed_at = serializers.DateTimeField(allow_null=True)
    valid_until = serializers.DateTimeField(allow_null=True)
    valid = serializers.BooleanField()
    started_at = serializers.DateTimeField(allow_null=True)
    missing = serializers.ListField(child=serializers.ChoiceField(services.SECTIONS))
    sections = serializers.DictField(
        help_text=_("Each section: whether it is done, and its current values.")
    )


def _output(status: DataUpdateStatus) -> dict:
    participant, profile, done = status.participant, status.profile, status.done
    return {
        "confirmed_at": status.confirmed_at,
        "valid_until": status.valid_until,
        "valid": status.valid,
        "started_at": status.update.started_at if status.update else None,
        "missing": status.missing,
        "sections": {
            "membership": {
                "done": done["membership"],
                "full_name": participant.full_name,
                "nik": participant.nik_masked,
                "birth_date": participant.birth_date,
                "kpj": participant.kpj,
                "employers": [
                    {"employer": job.employer.name, "start": job.start, "end": job.end}
                    for job in status.employments
                ],
            },
            "biometric": {"done": done["biometric"]},
            "contact": {
                "done": done["contact"],
                "email": participant.email,
                "phone": status.phone,
                "address": profile.address,
                "postal_code": profile.postal_code,
            },
            "phone": {"done": done["phone"], "phone": status.phone},
            "population": {
                "done": done["population"],
                "kk_number": mask_digits(profile.kk_number),
                "mother_maiden_name": profile.mother_maiden_name,
                "marital_status": profile.marital_status,
                "npwp": mask_digits(participant.npwp),
            },
            "emergency": {
                "done": done["emergency"],
                "name": profile.emergency_name,
                "relation": profile.emergency_relation,
                "phone": profile.emergency_phone,
            },
        },
    }


def _status_response(request) -> Response:
    status = data_update_status(participant=request.participant)
    return Response(ProfileOutputSerializer(_output(status)).data)


class ProfileGetApi(APIView):
    permission_classes = [IsParticipant]

    @extend_schema(
        operation_id="profile_get",
        responses={200: ProfileOutputSerializer, **_ERRORS},
    )
    def get(self, request):
        return _status_response(request)


class _MembershipInput(serializers.Serializer):
    correct = serializers.BooleanField()


class _ContactInput(serializers.Serializer):
    phone = TextField(max_length=30)
    address = TextField(max_length=300)
    postal_code = TextField(max_length=10)


class _PopulationInput(serializers.Serializer):
    kk_number = TextField(max_length=30)
    mother_maiden_name = TextField(max_length=200)
    marital_status = serializers.ChoiceField(MaritalStatus.choices)
    npwp = TextField(max_length=30, required=False, allow_blank=True)


class _EmergencyInput(serializers.Serializer):
    name = TextField(max_length=200)
    relation = serializers.ChoiceField(EmergencyRelation.choices)
    phone = TextField(max_length=30)


class _SectionSchema(serializers.Serializer):
    """For the schema only: the union of the sections' fields."""

    correct = serializers.BooleanField(required=False)
    phone = serializers.CharField(required=False)
    address = serializers.CharField(required=False)
    postal_code = serializers.CharField(required=False)
    kk_number = serializers.CharField(required=False)
    mother_maiden_name = serializers.CharField(required=False)
    marital_status = serializers.ChoiceField(MaritalStatus.choices, required=False)
    npwp = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    relation = serializers.ChoiceField(EmergencyRelation.choices, required=False)


SECTION_INPUTS = {
    "membership": (_MembershipInput, services.data_update_membership_check),
    "contact": (_ContactInput, services.data_update_contact_save),
    "population": (_PopulationInput, services.data_update_population_save),
    "emergency": (_EmergencyInput, services.data_update_emergency_save),
}


class ProfileSectionUpdateApi(APIView):
    """PUT one section: `contact`, `population`, `emergency`, or `membership`."""

    permission_classes = [IsParticipant]

    @extend_schema(
        operation_id="profile_section_update",
        request=_SectionSchema,
        responses={
            200: ProfileOutputSerializer,
            **_WRITE_ERRORS,
            **errors({404: "no such section"}),
        },
        description=(
            "membership: {correct}; contact: {phone, address, postal_code}; "
            "population: {kk_number, mother_maiden_name, marital_status, npwp}; "
            "emergency: {name, relation, phone}."
        ),
    )
    def put(self, request, section: str):
        if section not in SECTION_INPUTS:
            raise NotFound()
        input_class, service = SECTION_INPUTS[section]
        refuse_forged_fields(request.data)
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        service(participant=request.participant, **data.validated_data)
        return _status_response(request)


class ProfilePhoneCodeApi(APIView):
    permission_classes = [IsParticipant]

    @extend_schema(
        operation_id="profile_phone_code",
        request=None,
        responses={
            200: ProfileOutputSerializer,
            **_WRITE_ERRORS,
            **errors(
                {
                    429: "too many codes asked for: wait `retry_after` seconds",
                    503: "the SMS could not be sent just now; try again",
                }
            ),
        },
    )
    def post(self, request):
        services.data_update_phone_code_send(participant=request.participant)
        return _status_response(request)


class ProfilePhoneVerifyApi(APIView):
    permission_classes = [IsParticipant]

    @extend_schema_serializer(component_name="ProfilePhoneCode")
    class InputSerializer(serializers.Serializer):
        code = TextField(max_length=12)

        class Meta:
            ref_name = "ProfilePhoneVerifyInput"

    @extend_schema(
        operation_id="profile_phone_verify",
        request=InputSerializer,
        responses={
            200: ProfileOutputSerializer,
            **_WRITE_ERRORS,
            **errors({429: "too many wrong codes: wait `retry_after` seconds"}),
        },
    )
    def post(self, request):
        refuse_forged_fields(request.data)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.data_update_phone_verify(
            participant=request.participant,
            code=data.validated_data["code"],
            address=client_address(request),
        )
        return _status_response(request)


class ProfileConfirmApi(APIView):
    permission_classes = [IsParticipant]

    @extend_schema(
        operation_id="profile_confirm",
        request=None,
        responses={
            200: inline_serializer(
                "ProfileConfirmed", {"confirmed_at": serializers.DateTimeField()}
            ),
            **_WRITE_ERRORS,
        },
    )
    def post(self, request):
        update = services.data_update_confirm(participant=request.participant)
        return Response({"confirmed_at": update.confirmed_at})
