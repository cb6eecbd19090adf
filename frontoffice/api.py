"""API v1 for the desk and the policy (shared/API.md)."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.models import DocumentRequirement, TaxBracket
from jmo_portal.api import Pagination, TextField, errors, page_schema
from jmo_portal.exceptions import ApplicationError
from participants.models import Block, YieldRate

from .policy import FIELDS, policy_history, policy_update, policy_values
from .policy import tradeoff_preview as preview
from .policy_rows import policy_rows_update
from .roles import IsFrontOffice, IsPortalAdmin
from .selectors import block_list
from .services import desk_unblock


class DeskParticipantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    nik_masked = serializers.CharField()
    kpj = serializers.CharField()


class SearchQuerySerializer(serializers.Serializer):
    """`?q=`: NIK, KPJ or part of a name, as on the desk's search form (a value
    the database cannot hold, such as a NUL character, is a 400)."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=100)


def search_query(request) -> str:
    query = SearchQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("q", "")


class DeskBlockSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    reason = serializers.CharField(source="reason_text")
    created_at = serializers.DateTimeField()
    lifted_at = serializers.DateTimeField()
    participant = DeskParticipantSerializer()


class DeskSearchListApi(APIView):
    """A page of a desk list, narrowed by `?q=` (NIK, KPJ or name)."""

    permission_classes = [IsFrontOffice]
    OutputSerializer: type[serializers.Serializer]

    def search(self, q: str):
        raise NotImplementedError

    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(
            self.search(search_query(request)), request, view=self
        )
        return paginator.get_paginated_response(
            self.OutputSerializer(page, many=True).data
        )


def desk_search_schema(operation_id: str, page: str, item: serializers.Serializer):
    """The OpenAPI description of a `DeskSearchListApi` subclass."""
    return extend_schema_view(
        get=extend_schema(
            operation_id=operation_id,
            parameters=[SearchQuerySerializer],
            responses={
                200: page_schema(page, item),
                **errors({400: "a search the database cannot hold"}, 401, 403),
            },
        )
    )


@desk_search_schema("desk_blocks_list", "DeskBlockPage", DeskBlockSerializer(many=True))
class BlockListApi(DeskSearchListApi):
    OutputSerializer = DeskBlockSerializer

    def search(self, q: str):
        return block_list(q=q)


class BlockUnblockApi(APIView):
    permission_classes = [IsFrontOffice]
    OutputSerializer = DeskBlockSerializer

    class InputSerializer(serializers.Serializer):
        # Both optional here: the service refuses a missing one with its own
        # message (in the request's language), not a generic field error.
        reason = TextField(allow_blank=True, max_length=500, default="")
        identity_checked = serializers.BooleanField(default=False)

    @extend_schema(
        operation_id="desk_block_unblock",
        request=inline_serializer(
            "DeskUnblockInput",
            {
                "reason": serializers.CharField(),
                "identity_checked": serializers.BooleanField(),
            },
        ),
        responses={
            200: DeskBlockSerializer,
            **errors(
                {
                    400: "no reason, or the identity was not checked in person",
                    403: "not front office, or the desk's own record",
                    404: "no such block",
                    409: "the block was already lifted",
                },
                401,
            ),
        },
    )
    def post(self, request, pk: int):
        block = get_object_or_404(Block.objects.select_related("participant"), pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        block = desk_unblock(
            block=block,
            actor=request.user,
            reason=data.validated_data["reason"],
            # Only a JSON `true` counts as the in-person check (not "yes", not 1).
            identity_checked=request.data.get("identity_checked") is True,
        )
        return Response(self.OutputSerializer(block).data)


def _policy_payload() -> dict:
    values = policy_values()
    return {
        **{k: str(v) if k == "match_threshold" else v for k, v in values.items()},
        "document_requirements": list(
            DocumentRequirement.objects.values(
                "id", "claim_type", "kind", "label", "active"
            )
        ),
        "tax_brackets": list(
            TaxBracket.objects.values("id", "regime", "lower", "upper", "rate_bp")
        ),
        "yield_rates": list(YieldRate.objects.values("year", "rate_bp")),
        "tradeoff": {
            k: v
            for k, v in preview(values).items()
            if k not in ("by_threshold", "by_attempts")
        },
        "history": [
            {
                "when": c.when,
                "who": c.who.get_username() if c.who else None,
                "field": c.field,
                "old": str(c.old),
                "new": str(c.new),
                "reason": c.reason,
            }
            for c in policy_history(limit=20)
        ],
    }


def _number_fields(required: bool) -> dict:
    return {
        f.name: (
            serializers.DecimalField(max_digits=4, decimal_places=3, required=required)
            if f.decimals
            else serializers.IntegerField(required=required)
        )
        for f in FIELDS
    }


_LIST = serializers.ListField(child=serializers.DictField())
POLICY_SCHEMA = inline_serializer(
    "Policy",
    {
        **_number_fields(True),
        "document_requirements": _LIST,
        "tax_brackets": _LIST,
        "yield_rates": _LIST,
        "tradeoff": serializers.DictField(),
        "history": _LIST,
    },
)
POLICY_PATCH_SCHEMA = inline_serializer(
    "PolicyPatch",
    {
        **_number_fields(False),
        "reason": serializers.CharField(required=False),
        "document_requirements": serializers.ListField(
            child=serializers.DictField(), required=False
        ),
        "tax_brackets": serializers.ListField(
            child=serializers.DictField(), required=False
        ),
        "yield_rates": serializers.ListField(
            child=serializers.DictField(), required=False
        ),
    },
)


class PolicyApi(APIView):
    """GET the editable policy numbers; PATCH any of them (validated, audited)."""

    permission_classes = [IsPortalAdmin]

    class ReasonSerializer(serializers.Serializer):
        reason = serializers.CharField(allow_blank=True, allow_null=True)

    @extend_schema(
        operation_id="policy_get",
        responses={200: POLICY_SCHEMA, **errors(401, {403: "not an admin"})},
    )
    def get(self, request):
        return Response(_policy_payload())

    @extend_schema(
        operation_id="policy_patch",
        request=POLICY_PATCH_SCHEMA,
        responses={
            200: POLICY_SCHEMA,
            **errors(
                {400: "a value out of range, nothing to change, or a bad reason"},
                401,
                {403: "not an admin"},
            ),
        },
    )
    def patch(self, request):
        if not isinstance(request.data, dict):
            raise ApplicationError(
                _("Send a JSON object of policy values."), code="not_an_object"
            )
        data = dict(request.data.items())
        given = self.ReasonSerializer(data={"reason": data.pop("reason", "")})
        given.is_valid(raise_exception=True)  # a text the database can hold
        reason = (given.validated_data["reason"] or "")[:300]
        rows = {key: data.pop(key, None) or [] for key in ROW_KEYS}
        if not data and not any(rows.values()):
            raise ApplicationError(
                _("Send at least one policy value to change."), code="empty"
            )
        with transaction.atomic():
            if data:
                policy_update(actor=request.user, changes=data, reason=reason)
            if any(rows.values()):
                policy_rows_update(actor=request.user, reason=reason, **_rows(rows))
        return Response(_policy_payload())


ROW_KEYS = ("document_requirements", "tax_brackets", "yield_rates")


def _rows(rows: dict) -> dict:
    """[{id, active}], [{id, rate_bp}], [{year, rate_bp}] -> the service's dicts."""
    try:
        return {
            "documents": {
                int(r["id"]): r["active"] is True for r in rows["document_requirements"]
            },
            "brackets": {int(r["id"]): r["rate_bp"] for r in rows["tax_brackets"]},
            "yield_rates": {r["year"]: r["rate_bp"] for r in rows["yield_rates"]},
        }
    except (KeyError, TypeError, ValueError):
        raise ApplicationError(
            _("Lists are [{id, active}], [{id, rate_bp}] and [{year, rate_bp}]."),
            code="invalid_rows",
        ) from None
