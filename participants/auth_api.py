"""API v1 login: a token for a username and password; log out everywhere."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from jmo_portal.api import ErrorSerializer

from .services.credentials import client_address
from .services.sessions import sessions_revoke_all, token_issue
from .services.two_factor import needs_second_factor, staff_second_factor_check


class TokenInputSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(
        required=False,
        help_text=_("staff only: the code from the authenticator app"),
    )


class TokenObtainApi(APIView):
    """Username (a participant's email) and password, and for staff the code of
    their authenticator app (`otp_token`); counted by the credential guard: too
    many wrong tries answer 429 with `retry_after`."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_scope = "anonymous_post"

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

        class Meta:
            ref_name = "Token"

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenInputSerializer,
        responses={
            200: OutputSerializer,
            400: ErrorSerializer,
            429: ErrorSerializer,
        },
    )
    def post(self, request):
        serializer = TokenInputSerializer(
            data=request.data, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if needs_second_factor(user):
            staff_second_factor_check(
                user=user,
                code=str(request.data.get("otp_token", "")),
                address=client_address(request),
            )
        token = token_issue(user=user)
        return Response({"token": token.key})


class LogoutEverywhereApi(APIView):
    """End every page session and the API token of the caller."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        ended = serializers.IntegerField(help_text=_("sessions and tokens ended"))

        class Meta:
            ref_name = "LogoutEverywhere"

    @extend_schema(
        operation_id="auth_logout_everywhere",
        request=None,
        responses={
            200: OutputSerializer,
            401: OpenApiResponse(ErrorSerializer),
        },
    )
    def post(self, request):
        return Response({"ended": sessions_revoke_all(user=request.user)})
