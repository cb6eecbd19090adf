"""API v1, the member's answers after submission (API.md): cancel, appeal.

A return for correction is answered with the claim endpoints themselves (PUT
bank-account, POST documents, then POST submit).
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from jmo_portal.api import ErrorSerializer, TextField, refuse_forged_fields
from participants.api import IsParticipant

from . import services
from .api import ClaimOutputSerializer, _claim, _out


def _errors(conflict: str) -> dict:
    return {
        400: OpenApiResponse(ErrorSerializer, description="invalid input"),
        401: OpenApiResponse(ErrorSerializer, description="not logged in"),
        403: OpenApiResponse(ErrorSerializer, description="not a participant"),
        404: OpenApiResponse(
            ErrorSerializer, description="no such claim of this participant"
        ),
        409: OpenApiResponse(ErrorSerializer, description=conflict),
    }


class ClaimCancelApi(APIView):
    permission_classes = [IsParticipant]

    @extend_schema(
        operation_id="claims_cancel",
        request=None,
        responses={
            200: ClaimOutputSerializer,
            **_errors("the money is on its way or paid, or already cancelled"),
        },
    )
    def post(self, request, reference):
        claim = _claim(request, reference)
        refuse_forged_fields(request.data)
        services.claim_cancel(claim=claim, actor=request.user)
        return _out(claim)


class ClaimAppealApi(APIView):
    permission_classes = [IsParticipant]

    class InputSerializer(serializers.Serializer):
        reason = TextField(max_length=2000, allow_blank=True)

    @extend_schema(
        operation_id="claims_appeal",
        request=InputSerializer,
        responses={
            200: ClaimOutputSerializer,
            **_errors(
                "the claim is not rejected, was already appealed, or another "
                "claim is in progress"
            ),
        },
    )
    def post(self, request, reference):
        claim = _claim(request, reference)
        refuse_forged_fields(request.data)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.claim_appeal(
            claim=claim, actor=request.user, reason=data.validated_data["reason"]
        )
        return _out(claim)
