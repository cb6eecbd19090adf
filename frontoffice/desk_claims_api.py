"""API v1 for the claims officer's decisions (API.md): return, approve, reject.

Each body is `{reason, fields}`; `fields` matters for a return only (what the
member must fix: `bank_account` and/or document kinds of the claim). The rules
(four eyes, appeals decided by another officer, own membership) live in the
claims services; these views only parse and answer.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.models import Claim
from jmo_portal.api import ErrorSerializer, TextField

from .roles import IsClaimsOfficer
from .services import claim_review_approve, claim_review_reject, claim_review_return


@extend_schema_serializer(component_name="DeskClaimDecisionInput")
class DecisionInputSerializer(serializers.Serializer):
    reason = TextField(allow_blank=True, max_length=1000, default="")
    fields = serializers.ListField(
        child=TextField(max_length=40), default=list, max_length=20
    )


@extend_schema_serializer(component_name="DeskClaimDecisionOutput")
class DecisionOutputSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    decided = serializers.BooleanField(
        help_text="false while a second officer must still approve (four eyes)"
    )
    review_round = serializers.IntegerField()


ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer, description="no reason, or fields the claim cannot have"
    ),
    401: OpenApiResponse(ErrorSerializer, description="not logged in"),
    403: OpenApiResponse(
        ErrorSerializer,
        description="not a claims officer, or the officer's own membership",
    ),
    404: OpenApiResponse(ErrorSerializer, description="no such claim"),
    409: OpenApiResponse(
        ErrorSerializer,
        description="not waiting for this decision; four eyes: the same officer "
        "again, or the officer who rejected deciding the appeal",
    ),
}


def _answer(claim: Claim, decided: bool = True) -> Response:
    claim.refresh_from_db()
    claim.decided = decided
    return Response(DecisionOutputSerializer(claim).data)


class _DecisionApi(APIView):
    permission_classes = [IsClaimsOfficer]
    InputSerializer = DecisionInputSerializer
    OutputSerializer = DecisionOutputSerializer

    def _input(self, request, reference: str) -> tuple[Claim, dict]:
        claim = get_object_or_404(Claim, reference=reference)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return claim, data.validated_data


class DeskClaimReturnApi(_DecisionApi):
    @extend_schema(
        operation_id="desk_claims_return",
        request=DecisionInputSerializer,
        responses={200: DecisionOutputSerializer, **ERRORS},
    )
    def post(self, request, reference: str):
        claim, data = self._input(request, reference)
        claim = claim_review_return(
            claim=claim,
            actor=request.user,
            reason=data["reason"],
            fields=data["fields"],
        )
        return _answer(claim)


class DeskClaimApproveApi(_DecisionApi):
    @extend_schema(
        operation_id="desk_claims_approve",
        request=DecisionInputSerializer,
        responses={200: DecisionOutputSerializer, **ERRORS},
    )
    def post(self, request, reference: str):
        claim, data = self._input(request, reference)
        claim, decided = claim_review_approve(
            claim=claim, actor=request.user, note=data["reason"]
        )
        return _answer(claim, decided)


class DeskClaimRejectApi(_DecisionApi):
    @extend_schema(
        operation_id="desk_claims_reject",
        request=DecisionInputSerializer,
        responses={200: DecisionOutputSerializer, **ERRORS},
    )
    def post(self, request, reference: str):
        claim, data = self._input(request, reference)
        claim = claim_review_reject(
            claim=claim, actor=request.user, reason=data["reason"]
        )
        return _answer(claim)
