"""API v1: the documents a member keeps, as PDF (API.md); owner or claims staff."""

import json

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

from jmo_portal.api import ErrorSerializer

from . import papers
from .paper_views import pdf_response


class PdfRenderer(BaseRenderer):
    """Lets `Accept: application/pdf` through; errors still read as JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data).encode()


class ClaimPaperApi(APIView):
    """GET one of the claim's papers: receipt, payment proof or tax slip."""

    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="the PDF, in the request's language"
            ),
            401: OpenApiResponse(ErrorSerializer, description="not logged in"),
            404: OpenApiResponse(
                ErrorSerializer,
                description="no such claim for this login, or not issued yet",
            ),
        },
    )
    def get(self, request, reference, kind):
        try:
            claim = papers.paper_claim_get(
                user=request.user, reference=reference, kind=kind
            )
        except Http404:
            raise NotFound(_("This document does not exist (yet).")) from None
        return pdf_response(claim, kind)
