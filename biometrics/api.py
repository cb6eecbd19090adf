from drf_spectacular.utils import (
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from jmo_portal.api import errors, refuse_forged_fields
from jmo_portal.exceptions import ApplicationError
from participants.api import IsParticipant

from .challenges import liveness_challenge_create, selfie_submit_live
from .models import SelfieStatus
from .selectors import biometric_status, selfie_attempt_get
from .services import selfie_submit


class _ParticipantApi(APIView):
    permission_classes = [IsParticipant]


def _login_key(request) -> str:
    """The login a request comes from: its API token, or its page session."""
    token = getattr(request.auth, "key", None)
    return f"token:{token}" if token else f"session:{request.session.session_key or ''}"


class BiometricStatusApi(_ParticipantApi):
    @extend_schema_serializer(component_name="BiometricStatus")
    class OutputSerializer(serializers.Serializer):
        attempts_used = serializers.IntegerField()
        max_attempts = serializers.IntegerField()
        attempts_left = serializers.IntegerField()
        blocked = serializers.BooleanField()
        block_reason = serializers.CharField()

    @extend_schema(responses={200: OutputSerializer, **errors(401, 403)})
    def get(self, request):
        data = biometric_status(participant=request.participant)
        return Response(self.OutputSerializer(data).data)


class SelfieCreateApi(_ParticipantApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema_serializer(component_name="SelfieCreated")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        status = serializers.ChoiceField(choices=SelfieStatus.choices)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "image": {"type": "string", "format": "binary"},
                    "challenge": {"type": "string", "description": "liveness nonce"},
                    "frames": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "JPEG frames in capture order (liveness on)",
                    },
                    "frame_times_ms": {
                        "type": "string",
                        "description": "comma-separated capture times, ms",
                    },
                },
            }
        },
        responses={
            202: OutputSerializer,
            **errors(
                {
                    400: "unreadable file, same photo again, or a bad, used or "
                    "expired challenge, frames out of order",
                    409: "no reference photo; a file while liveness is on",
                    423: "face verification is blocked",
                    429: "too many photos or camera checks: wait `retry_after` seconds",
                },
                401,
                403,
            ),
        },
    )
    def post(self, request):
        participant = request.participant
        refuse_forged_fields(request.data)
        if "challenge" in request.data:
            attempt = selfie_submit_live(
                participant=participant,
                session_key=_login_key(request),
                challenge=request.data.get("challenge"),
                frames=request.FILES.getlist("frames"),
                frame_times_ms=request.data.get("frame_times_ms", ""),
            )
            return Response(
                self.OutputSerializer(attempt).data, status=status.HTTP_202_ACCEPTED
            )
        image = request.FILES.get("image")
        if image is None:
            raise ApplicationError(
                _missing_image_message(), code="no_file", extra={"field": "image"}
            )
        attempt = selfie_submit(participant=participant, image=image)
        return Response(
            self.OutputSerializer(attempt).data, status=status.HTTP_202_ACCEPTED
        )


def _missing_image_message() -> str:
    from django.utils.translation import gettext

    return gettext("Send the photo in the multipart field `image`.")


class LivenessChallengeCreateApi(_ParticipantApi):
    @extend_schema_serializer(component_name="LivenessChallenge")
    class OutputSerializer(serializers.Serializer):
        nonce = serializers.CharField()
        steps = serializers.ListField(child=serializers.CharField())
        expires_at = serializers.DateTimeField()

    @extend_schema(
        request=None,
        responses={
            201: OutputSerializer,
            **errors(
                {
                    409: "liveness is off, or no reference photo",
                    423: "face verification is blocked",
                    429: "too many camera checks: wait `retry_after` seconds",
                },
                401,
                403,
            ),
        },
    )
    def post(self, request):
        challenge = liveness_challenge_create(
            participant=request.participant, session_key=_login_key(request)
        )
        return Response(
            self.OutputSerializer(challenge).data, status=status.HTTP_201_CREATED
        )


class SelfieDetailApi(_ParticipantApi):
    """A status and an instruction, never the match distance or the threshold
    (a photo could be tuned against them); staff pages show those."""

    @extend_schema_serializer(component_name="SelfieDetail")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        status = serializers.ChoiceField(choices=SelfieStatus.choices)
        counted = serializers.BooleanField()
        guidance = serializers.CharField()
        attempts_left = serializers.IntegerField()
        blocked = serializers.BooleanField()

    @extend_schema(
        responses={
            200: OutputSerializer,
            **errors(401, 403, {404: "no such photo of this member"}),
        }
    )
    def get(self, request, pk: int):
        participant = request.participant
        attempt = selfie_attempt_get(participant=participant, attempt_id=pk)
        state = biometric_status(participant=participant)
        data = {
            "id": attempt.pk,
            "status": attempt.status,
            "counted": attempt.counted,
            "guidance": attempt.guidance_text,
            "attempts_left": state["attempts_left"],
            "blocked": state["blocked"],
        }
        return Response(self.OutputSerializer(data).data)
