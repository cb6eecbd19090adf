from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from jmo_portal.exceptions import ApplicationError
from participants.api import IsParticipant

from .selectors import biometric_status, selfie_attempt_get
from .services import selfie_submit


class _ParticipantApi(APIView):
    permission_classes = [IsParticipant]


class BiometricStatusApi(_ParticipantApi):
    @extend_schema_serializer(component_name="BiometricStatus")
    class OutputSerializer(serializers.Serializer):
        attempts_used = serializers.IntegerField()
        max_attempts = serializers.IntegerField()
        attempts_left = serializers.IntegerField()
        blocked = serializers.BooleanField()
        block_reason = serializers.CharField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request):
        data = biometric_status(participant=request.participant)
        return Response(self.OutputSerializer(data).data)


class SelfieCreateApi(_ParticipantApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema_serializer(component_name="SelfieCreated")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        status = serializers.CharField()

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"image": {"type": "string", "format": "binary"}},
                "required": ["image"],
            }
        },
        responses={
            202: OutputSerializer,
            400: OpenApiResponse(description="unreadable file or same photo again"),
            423: OpenApiResponse(description="face verification is blocked"),
        },
    )
    def post(self, request):
        participant = request.participant
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


class SelfieDetailApi(_ParticipantApi):
    """A status and an instruction, never the match distance or the threshold
    (a photo could be tuned against them); staff pages show those."""

    @extend_schema_serializer(component_name="SelfieDetail")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        status = serializers.CharField()
        counted = serializers.BooleanField()
        guidance = serializers.CharField()
        attempts_left = serializers.IntegerField()
        blocked = serializers.BooleanField()

    @extend_schema(responses={200: OutputSerializer, 404: None})
    def get(self, request, pk: int):
        participant = request.participant
        attempt = selfie_attempt_get(participant=participant, attempt_id=pk)
        state = biometric_status(participant=participant)
        data = {
            "id": attempt.pk,
            "status": attempt.status,
            "counted": attempt.counted,
            "guidance": attempt.guidance,
            "attempts_left": state["attempts_left"],
            "blocked": state["blocked"],
        }
        return Response(self.OutputSerializer(data).data)
