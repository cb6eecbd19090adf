"""API v1: the tutorial list with absolute video, caption and picture URLs."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .selectors import tutorial_list


class TutorialListApi(APIView):
    """Anyone (no login): the tutorial menu, as the home page shows it."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class CaptionSerializer(serializers.Serializer):
        language = serializers.CharField()
        url = serializers.URLField()

    class StepSerializer(serializers.Serializer):
        number = serializers.IntegerField()
        text_id = serializers.CharField()
        text_en = serializers.CharField()
        start_ms = serializers.IntegerField()
        end_ms = serializers.IntegerField()
        image_url = serializers.URLField(allow_null=True)

    class OutputSerializer(serializers.Serializer):
        slug = serializers.SlugField()
        title = serializers.CharField()
        title_id = serializers.CharField()
        title_en = serializers.CharField()
        summary = serializers.CharField()
        page_url = serializers.URLField()
        video_url = serializers.URLField(allow_null=True)
        duration_ms = serializers.IntegerField()
        recorded_at = serializers.CharField(allow_blank=True)
        captions = serializers.ListField(child=serializers.DictField())
        transcripts = serializers.ListField(child=serializers.DictField())
        steps = serializers.ListField(child=serializers.DictField())

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request):
        return Response([self._row(request, card) for card in tutorial_list()])

    @staticmethod
    def _row(request, card) -> dict:
        tutorial, rec = card.tutorial, card.recording

        def url(name: str) -> str | None:
            if not name:
                return None
            path = reverse("tutorials:media", args=[tutorial.slug, name])
            return request.build_absolute_uri(path)

        return {
            "slug": tutorial.slug,
            "title": tutorial.title,
            "title_id": tutorial.title_id,
            "title_en": tutorial.title_en,
            "summary": tutorial.summary,
            "page_url": request.build_absolute_uri(tutorial.get_absolute_url()),
            "video_url": url(rec.video) if rec else None,
            "duration_ms": rec.duration_ms if rec else 0,
            "recorded_at": rec.recorded_at if rec else "",
            "captions": [
                {"language": lang, "url": url(name)}
                for lang, name in (rec.captions.items() if rec else [])
            ],
            "transcripts": [
                {"language": lang, "url": url(name)}
                for lang, name in (rec.transcripts.items() if rec else [])
            ],
            "steps": [
                {
                    "number": s.number,
                    "text_id": s.text_id,
                    "text_en": s.text_en,
                    "start_ms": s.start_ms,
                    "end_ms": s.end_ms,
                    "image_url": url(s.image),
                }
                for s in (rec.steps if rec else [])
            ],
        }
