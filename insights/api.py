"""GET /api/v1/insights/: the figures of /desk/insights/ as JSON (admin, management)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from frontoffice.roles import IsManagement
from jmo_portal.exceptions import ApplicationError

from .forms import PeriodForm
from .selectors import insights_get

S = serializers
_hours = {"allow_null": True}
_suppressed = S.ListField(
    child=S.CharField(),
    help_text="fields hidden: a group under 5, or a value that would give one back",
)


def _schema(name: str, fields: dict, many: bool = False):
    return inline_serializer(name, {**fields, "suppressed": _suppressed}, many=many)


ERROR = inline_serializer(
    "InsightsError", {"detail": S.CharField(), "code": S.CharField()}
)
SIDE = _schema(
    "InsightsPolicySide",
    {"from": S.DateField(), "to": S.DateField(), "sessions": S.IntegerField(allow_null=True),
     "blocks": S.IntegerField(allow_null=True), "max_attempts": S.IntegerField(), "threshold": S.FloatField(),
     "blocks_per_1000": S.FloatField(**_hours), "impostor_accepted": S.FloatField(**_hours),
     "lookalike_accepted": S.FloatField(**_hours)},
)  # fmt: skip
OUTPUT = inline_serializer(
    "Insights",
    {
        "period": inline_serializer("InsightsPeriod", {
            "from": S.DateField(), "to": S.DateField(), "branch": S.CharField(),
            "claim_type": S.CharField()}),
        "funnel": _schema("InsightsFunnelStep", {
            "step": S.CharField(), "count": S.IntegerField(allow_null=True),
            "online": S.IntegerField(allow_null=True), "desk": S.IntegerField(allow_null=True),
            "drop": S.FloatField(**_hours), "median_hours": S.FloatField(**_hours),
            "online_median_hours": S.FloatField(**_hours),
            "desk_median_hours": S.FloatField(**_hours)}, many=True),
        "selfie_outcomes": _schema("InsightsSelfieOutcome", {
            "cause": S.CharField(), "count": S.IntegerField(allow_null=True),
            "share": S.FloatField(**_hours),
            "age_groups": S.DictField(child=S.IntegerField(allow_null=True)),
            "genders": S.DictField(child=S.IntegerField(allow_null=True))}, many=True),
        "locks": inline_serializer("InsightsLocks", {
            "kinds": _schema("InsightsLockKind", {
                "kind": S.CharField(), "blocks": S.IntegerField(allow_null=True),
                "lifted": S.IntegerField(allow_null=True),
                "median_hours": S.FloatField(**_hours), "p90_hours": S.FloatField(**_hours)},
                many=True),
            "ever_blocked": _schema("InsightsEverBlocked", {
                "members": S.IntegerField(), "ever_blocked": S.IntegerField(allow_null=True),
                "share": S.FloatField(**_hours)})}),
        "time_to_cash": inline_serializer("InsightsTimeToCash", {
            "channels": _schema("InsightsChannel", {
                "channel": S.CharField(), "count": S.IntegerField(allow_null=True),
                "median_hours": S.FloatField(**_hours), "p90_hours": S.FloatField(**_hours),
                "p99_hours": S.FloatField(**_hours)}, many=True),
            "sla_breaches": _schema("InsightsSlaBreaches", {
                "count": S.IntegerField(allow_null=True),
                "not_paid": S.IntegerField(allow_null=True),
                "channels": _schema("InsightsSlaChannel", {
                    "channel": S.CharField(), "count": S.IntegerField(allow_null=True),
                    "not_paid": S.IntegerField(allow_null=True),
                    "median_days_late": S.IntegerField(allow_null=True),
                    "p90_days_late": S.IntegerField(allow_null=True)}, many=True)})}),
        "policy_changes": inline_serializer("InsightsPolicyChange", {
            "changed_on": S.DateField(), "before": SIDE, "after": SIDE}, many=True),
        "learning": _schema("InsightsLearning", {
            "group": S.CharField(), "sessions": S.IntegerField(allow_null=True),
            "blocks": S.IntegerField(allow_null=True), "blocks_per_1000": S.FloatField(**_hours)},
            many=True),
        "desk_visits": _schema("InsightsDeskWeek", {
            "week": S.DateField(), "reasons": S.DictField(child=S.IntegerField(allow_null=True)),
            "total": S.IntegerField(allow_null=True)}, many=True),
    },
)  # fmt: skip


class InsightsApi(APIView):
    """The effectiveness figures for a period (default: the last twelve full months)."""

    permission_classes = [IsManagement]

    @extend_schema(
        operation_id="insights_get",
        parameters=[
            OpenApiParameter("from", str, description="first day, YYYY-MM-DD"),
            OpenApiParameter("to", str, description="last day, YYYY-MM-DD"),
            OpenApiParameter("branch", str, description="branch slug (desk visits)"),
            OpenApiParameter("claim_type", str, description="claim type (claim steps)"),
        ],
        responses={200: OUTPUT, 400: ERROR, 401: ERROR, 403: ERROR},
    )
    def get(self, request):
        form = PeriodForm(request.query_params)
        if not form.is_valid():
            errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
            first = next(iter(errors.values()))[0]
            raise ApplicationError(
                first or _("The period is not valid."),
                code="invalid_period",
                extra={"errors": errors},
            )
        return Response(insights_get(form.period()))
