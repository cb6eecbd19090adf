"""API v1: the documents a member keeps, as PDF (API.md); owner or claims staff."""

import json

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

from jmo_portal.api import ErrorSerializer

from . import papers
from .paper_pdf import pdf_response


class PdfRenderer(BaseRenderer):
    """Lets `Accept: application/pdf` through; errors still read as JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data).encode()


_RESPONSES = {
    (200, "application/pdf"): OpenApiResponse(
        OpenApiTypes.BINARY, description="the PDF, in the request's language"
    ),
    401: OpenApiResponse(ErrorSerializer, description="not logged in"),
    404: OpenApiResponse(
        ErrorSerializer, description="no such claim for this login, or not issued yet"
    ),
}


class _ClaimPaperApi(APIView):
    """GET one of the claim's papers (`kind`) as its owner or claims staff."""

    kind = ""
    renderer_classes = [JSONRenderer, PdfRenderer]

    def get(self, request, reference):
        try:
            claim = papers.paper_claim_get(
                user=request.user, reference=reference, kind=self.kind
            )
        except Http404:
            raise NotFound(_("This document does not exist (yet).")) from None
        return pdf_response(claim, self.kind)


def _paper_api(name: str, kind: str, operation_id: str, description: str) -> type:
    """The API view class `name` for one paper, documented under `operation_id`."""
    view = type(name, (_ClaimPaperApi,), {"kind": kind})
    schema = extend_schema(
        operation_id=operation_id, responses=_RESPONSES, description=description
    )
    return extend_schema_view(get=schema)(view)


ClaimReceiptApi = _paper_api(
    "ClaimReceiptApi", papers.RECEIPT, "claims_receipt_pdf",
    "The receipt of the submission (from submission on).",
)  # fmt: skip
ClaimPaymentProofApi = _paper_api(
    "ClaimPaymentProofApi", papers.PAYMENT, "claims_payment_pdf",
    "The proof of payment (once the claim is paid).",
)  # fmt: skip
ClaimTaxSlipApi = _paper_api(
    "ClaimTaxSlipApi", papers.TAX_SLIP, "claims_tax_slip_pdf",
    "The PPh 21 withholding slip, bukti potong (once paid).",
)  # fmt: skip
