"""API v1 claim endpoints (API.md): thin views over claims.services."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from jmo_portal.api import TextField, errors, refuse_forged_fields
from jmo_portal.exceptions import ApplicationError
from jmo_portal.parsers import JSONParser
from participants.api import IsParticipant

from . import selectors, services
from .bank.banks import BANKS
from .document_labels import requirements_labelled
from .models import Claim, ClaimType


def _claim(request, reference: str, queryset=None) -> Claim:
    participant = request.participant
    queryset = Claim.objects.all() if queryset is None else queryset
    claim = queryset.filter(participant=participant, reference=reference).first()
    if claim is None:
        raise NotFound(_("No such claim."))
    return claim


class EventSerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField(source="note_text")
    at = serializers.DateTimeField(source="created_at")


class DelaySerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["officer", "bank", "member"])
    reason = serializers.CharField()
    days_late = serializers.IntegerField()


class CorrectionFieldSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    fixed = serializers.BooleanField()


class CorrectionSerializer(serializers.Serializer):
    reason = serializers.CharField()
    fields = CorrectionFieldSerializer(many=True)
    returned_at = serializers.DateTimeField()


class AppealSerializer(serializers.Serializer):
    reason = serializers.CharField()
    outcome = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class RequirementsField(serializers.JSONField):
    """The claim's document list ({kind, label}), labels in the request's language."""

    def to_representation(self, value):
        return super().to_representation(requirements_labelled(value))


class ClaimOutputSerializer(serializers.Serializer):
    reference = serializers.CharField()
    claim_type = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    channel = serializers.CharField()
    gross = serializers.IntegerField(allow_null=True)
    tax = serializers.IntegerField(allow_null=True)
    net = serializers.IntegerField(allow_null=True)
    sla_due = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)
    next_step = serializers.SerializerMethodField()
    kpj_verified = serializers.SerializerMethodField()
    bank_account = serializers.SerializerMethodField()
    requirements = RequirementsField()
    documents = serializers.SerializerMethodField()
    timeline = EventSerializer(source="events.all", many=True)
    # After submission: why a late claim is late, what an officer asked to fix,
    # the appeal, and what the member may still do.
    delay = serializers.SerializerMethodField()
    correction = serializers.SerializerMethodField()
    appeal = serializers.SerializerMethodField()
    can_cancel = serializers.SerializerMethodField()
    can_appeal = serializers.SerializerMethodField()

    @extend_schema_field(DelaySerializer(allow_null=True))
    def get_delay(self, claim) -> dict | None:
        delay = selectors.claim_delay(claim=claim)
        return DelaySerializer(delay).data if delay else None

    @extend_schema_field(CorrectionSerializer(allow_null=True))
    def get_correction(self, claim) -> dict | None:
        return selectors.correction_summary(claim=claim)

    @extend_schema_field(AppealSerializer(allow_null=True))
    def get_appeal(self, claim) -> dict | None:
        appeal = selectors.appeal_get(claim=claim)
        return AppealSerializer(appeal).data if appeal else None

    def get_can_cancel(self, claim) -> bool:
        return selectors.claim_cancellable(claim=claim)

    def get_can_appeal(self, claim) -> bool:
        return selectors.claim_appealable(claim=claim)

    def get_next_step(self, claim) -> str:
        return selectors.claim_next_step(claim=claim)

    def get_kpj_verified(self, claim) -> bool:
        return claim.kpj_verified_at is not None

    def get_bank_account(self, claim) -> dict | None:
        if not claim.bank_verified_at:
            return None
        return {
            "bank_code": claim.bank_code,
            "account_number": claim.account_masked,
            "account_holder": claim.bank_verified_name,
        }

    def get_documents(self, claim) -> list[str]:
        return [d.kind for d in claim.documents.all()]


class ClaimStartInputSerializer(serializers.Serializer):
    claim_type = serializers.ChoiceField(choices=ClaimType.choices)


class KpjCheckInputSerializer(serializers.Serializer):
    kpj_number = TextField(max_length=20)


class BankAccountInputSerializer(serializers.Serializer):
    bank_code = serializers.ChoiceField(choices=BANKS)
    account_number = TextField(max_length=30)
    account_holder = TextField(max_length=120)
    npwp = TextField(max_length=25, required=False, allow_blank=True)


class DocumentInputSerializer(serializers.Serializer):
    kind = TextField(max_length=40)
    file = serializers.FileField()


def step_errors(conflict: str, *extra: int | dict[int, str]) -> dict:
    """The error answers of a claim step (each documented in the schema);
    `extra` as `jmo_portal.api.errors` takes them."""
    return errors(
        {400: "invalid or not ready"},
        401,
        {403: "not a participant"},
        {404: "not this member's claim"},
        {409: conflict},
        *extra,
    )


def _out(claim: Claim, code=status.HTTP_200_OK) -> Response:
    claim = (
        Claim.objects.select_related("appeal")
        .prefetch_related("events", "documents")
        .get(pk=claim.pk)
    )
    return Response(ClaimOutputSerializer(claim).data, status=code)


class ClaimListCreateApi(APIView):
    permission_classes = [IsParticipant]
    InputSerializer = ClaimStartInputSerializer

    @extend_schema(
        responses={200: ClaimOutputSerializer(many=True), **errors(401, 403)}
    )
    def get(self, request):
        claims = selectors.claim_list_loaded(participant=request.participant)
        return Response(ClaimOutputSerializer(claims, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: ClaimOutputSerializer,
            **errors(
                {400: "an unknown claim type, amounts or status sent, or not eligible"},
                401,
                {403: "not a participant"},
                {409: "a claim is already in progress"},
            ),
        },
    )
    def post(self, request):
        participant = request.participant
        refuse_forged_fields(request.data)
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            raise ApplicationError(_("Unknown claim type."), code="claim_type")
        claim = services.claim_start(
            participant=participant,
            claim_type=data.validated_data["claim_type"],
            actor=request.user,
        )
        return _out(claim, status.HTTP_201_CREATED)


class ClaimDetailApi(APIView):
    permission_classes = [IsParticipant]

    @extend_schema(
        responses={
            200: ClaimOutputSerializer,
            **errors(401, {403: "not a participant", 404: "not this member's claim"}),
        }
    )
    def get(self, request, reference):
        claims = Claim.objects.select_related("appeal").prefetch_related(
            "events", "documents"
        )
        return Response(ClaimOutputSerializer(_claim(request, reference, claims)).data)


class ClaimKpjCheckApi(APIView):
    permission_classes = [IsParticipant]
    InputSerializer = KpjCheckInputSerializer

    @extend_schema(
        request=InputSerializer,
        responses={
            200: ClaimOutputSerializer,
            **step_errors("the claim is no longer a draft"),
            **errors(
                {
                    400: "a wrong or malformed number: `attempts_left` says how many "
                    "tries remain"
                },
                {423: "locked after too many wrong numbers (`attempts_left` 0)"},
            ),
        },
    )
    def post(self, request, reference):
        claim = _claim(request, reference)
        refuse_forged_fields(request.data)
        data = self.InputSerializer(data=request.data)
        # A missing or oversized number is a format error with attempts_left too.
        kpj_number = data.validated_data["kpj_number"] if data.is_valid() else ""
        services.claim_kpj_check(claim=claim, kpj_number=kpj_number)
        return _out(claim)


class ClaimBankAccountApi(APIView):
    permission_classes = [IsParticipant]
    InputSerializer = BankAccountInputSerializer

    @extend_schema(
        request=InputSerializer,
        responses={
            200: ClaimOutputSerializer,
            **step_errors(
                "not editable in this status, or not asked for in a return",
                {503: "the bank does not answer; try again"},
            ),
        },
    )
    def put(self, request, reference):
        claim = _claim(request, reference)
        refuse_forged_fields(request.data)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.claim_bank_account_set(
            claim=claim, actor=request.user, **data.validated_data
        )
        return _out(claim)


class ClaimDocumentApi(APIView):
    permission_classes = [IsParticipant]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    InputSerializer = DocumentInputSerializer

    @extend_schema(
        request=InputSerializer,
        responses={
            201: ClaimOutputSerializer,
            **step_errors("not a draft, or not asked for in a return"),
        },
    )
    def post(self, request, reference):
        claim = _claim(request, reference)
        refuse_forged_fields(request.data)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.claim_document_add(
            claim=claim,
            kind=data.validated_data["kind"],
            upload=data.validated_data["file"],
        )
        return _out(claim, status.HTTP_201_CREATED)


class ClaimSubmitApi(APIView):
    permission_classes = [IsParticipant]

    @extend_schema(
        request=None,
        responses={
            200: ClaimOutputSerializer,
            **step_errors("already submitted, or not waiting for a correction"),
        },
    )
    def post(self, request, reference):
        claim = _claim(request, reference)
        refuse_forged_fields(request.data)
        services.claim_submit(claim=claim, actor=request.user)
        return _out(claim)
