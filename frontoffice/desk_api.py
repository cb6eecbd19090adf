"""API v1 for the desk's member work: search, enrol a reference photo, data update."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from jmo_portal.api import TextField, errors
from participants.models import Participant

from .api import DeskParticipantSerializer, DeskSearchListApi, desk_search_schema
from .roles import IsFrontOffice
from .selectors import participant_search
from .services import desk_data_update, desk_reference_enrol

_ERRORS = errors(
    {
        400: "invalid input, documents not seen, or no reason",
        403: "not front office, or the desk's own record",
        404: "no such member",
        409: "not possible for this member now",
    },
    401,
)


@desk_search_schema(
    "desk_participants_list",
    "DeskParticipantPage",
    DeskParticipantSerializer(many=True),
)
class DeskParticipantListApi(DeskSearchListApi):
    OutputSerializer = DeskParticipantSerializer

    def search(self, q: str):
        return participant_search(q=q)


class DeskReferenceEnrolApi(APIView):
    permission_classes = [IsFrontOffice]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema_serializer(component_name="DeskReferenceInput")
    class InputSerializer(serializers.Serializer):
        image = serializers.FileField()
        reason = TextField(allow_blank=True, max_length=500, default="")
        identity_checked = serializers.BooleanField(default=False)

    @extend_schema_serializer(component_name="DeskReferenceOutput")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        source = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="desk_participant_reference",
        request={"multipart/form-data": InputSerializer},
        responses={201: OutputSerializer, **_ERRORS},
    )
    def post(self, request, pk: int):
        participant = get_object_or_404(Participant, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reference = desk_reference_enrol(
            participant=participant,
            actor=request.user,
            image=data.validated_data["image"],
            reason=data.validated_data["reason"],
            identity_checked=data.validated_data["identity_checked"],
        )
        return Response(self.OutputSerializer(reference).data, status=201)


class DeskDataUpdateApi(APIView):
    permission_classes = [IsFrontOffice]

    @extend_schema_serializer(component_name="DeskDataUpdateInput")
    class InputSerializer(serializers.Serializer):
        documents_seen = serializers.ListField(
            child=serializers.ChoiceField(["ktp", "kk"]), default=list
        )
        # Texts only, as the desk's form sends them: a number, a list or a NUL
        # is a field error (was a 500, or a list stored as "['a']").
        corrections = serializers.DictField(
            child=TextField(allow_blank=True), default=dict
        )
        reason = TextField(allow_blank=True, max_length=300, default="")

    @extend_schema_serializer(component_name="DeskDataUpdateOutput")
    class OutputSerializer(serializers.Serializer):
        confirmed_at = serializers.DateTimeField()
        documents_seen = serializers.ListField(child=serializers.CharField())
        channel = serializers.CharField()

    @extend_schema(
        operation_id="desk_participant_data_update",
        request=InputSerializer,
        responses={200: OutputSerializer, **_ERRORS},
    )
    def post(self, request, pk: int):
        participant = get_object_or_404(Participant, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        update = desk_data_update(
            participant=participant, actor=request.user, **data.validated_data
        )
        return Response(self.OutputSerializer(update).data)
