"""API v1 for the participant's own data (API.md): profile, balance, contributions."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from jmo_portal.api import Pagination, errors

from . import selectors


class IsParticipant(BasePermission):
    """A logged-in registry member; staff logins have no JHT data (403)."""

    message = _("Only participants have JHT data.")
    code = "not_a_participant"

    def has_permission(self, request, view) -> bool:
        participant = selectors.participant_for_user(request.user)
        if participant is None:
            return False
        request.participant = participant
        return True


_ERRORS = errors(401, {403: "not a participant"})


class MeGetApi(APIView):
    permission_classes = [IsParticipant]

    @extend_schema_serializer(component_name="Me")
    class OutputSerializer(serializers.Serializer):
        full_name = serializers.CharField()
        nik = serializers.CharField(source="nik_masked", help_text="last 4 digits")
        kpj = serializers.CharField()
        birth_date = serializers.DateField()
        gender = serializers.CharField()
        email = serializers.EmailField()
        phone = serializers.CharField()
        language = serializers.CharField()
        membership_start = serializers.DateField(allow_null=True)
        membership_active = serializers.BooleanField()
        employer = serializers.CharField(allow_null=True)

    @extend_schema(operation_id="me_get", responses={200: OutputSerializer, **_ERRORS})
    def get(self, request):
        participant = request.participant
        membership = selectors.membership_get(participant=participant)
        data = {
            **{
                name: getattr(participant, name)
                for name in ("full_name", "nik_masked", "kpj", "birth_date", "gender",
                             "email", "phone", "language", "membership_start")
            },
            "membership_active": membership.active,
            "employer": membership.employer.name if membership.employer else None,
        }  # fmt: skip
        return Response(self.OutputSerializer(data).data)


class BalanceGetApi(APIView):
    permission_classes = [IsParticipant]

    @extend_schema_serializer(component_name="Balance")
    class OutputSerializer(serializers.Serializer):
        balance = serializers.IntegerField(help_text="rupiah")
        contributions_total = serializers.IntegerField(help_text="rupiah")
        yield_total = serializers.IntegerField(help_text="rupiah")
        paid_out_total = serializers.IntegerField(help_text="rupiah")
        as_of = serializers.DateField(allow_null=True)

    @extend_schema(
        operation_id="balance_get", responses={200: OutputSerializer, **_ERRORS}
    )
    def get(self, request):
        balance = selectors.balance_get(participant=request.participant)
        return Response(self.OutputSerializer(balance).data)


class ContributionListApi(APIView):
    permission_classes = [IsParticipant]
    # Read by drf-spectacular to describe the page envelope and ?page=.
    pagination_class = Pagination

    @extend_schema_serializer(component_name="Contribution")
    class OutputSerializer(serializers.Serializer):
        period = serializers.DateField(help_text="first day of the month")
        employer = serializers.CharField(source="employer.name")
        employer_code = serializers.CharField(source="employer.code")
        wage = serializers.IntegerField()
        worker_share = serializers.IntegerField()
        employer_share = serializers.IntegerField()
        amount = serializers.IntegerField()

    @extend_schema(
        operation_id="contributions_list",
        responses={200: OutputSerializer(many=True), **_ERRORS},
    )
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.contribution_list(participant=request.participant),
            request,
            view=self,
        )
        return paginator.get_paginated_response(
            self.OutputSerializer(page, many=True).data
        )
