"""The member's papers as PDF (ReportLab), in the active language (id or en).

One layout for all three: a title, a table of facts, the amounts, and the
verification code with its URL and a QR code of that URL.
"""

import io
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jmo_portal.masking import mask_digits
from participants.money import rupiah

from . import papers
from .models import Claim, ClaimPolicy, TaxRegime

GREEN = colors.HexColor("#0a7c3e")
WITHHOLDER = "BPJS Ketenagakerjaan"


def _when(value) -> str:
    return date_format(timezone.localtime(value), "j M Y, H:i") if value else "-"


def _day(value) -> str:
    return date_format(value, "j M Y") if value else "-"


def _qr(url: str, size: float = 32 * mm) -> Drawing:
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0,
                                             size / (y1 - y0), 0, 0])  # fmt: skip
    drawing.add(widget)
    return drawing


_CELL = ParagraphStyle("cell", fontName="Helvetica", fontSize=9.5, leading=11.5)
_LABEL = ParagraphStyle("label", parent=_CELL, fontName="Helvetica-Bold")
_TOTAL = ParagraphStyle("total", parent=_LABEL, fontSize=10.5, leading=12.5)


def _table(rows: list[tuple[str, str]], bold_last: int = 0) -> Table:
    """Label and value columns; long values wrap inside their cell."""
    cells = [
        [Paragraph(escape(label), _LABEL),
         Paragraph(escape(value), _TOTAL if i >= len(rows) - bold_last else _CELL)]
        for i, (label, value) in enumerate(rows)
    ]  # fmt: skip
    table = Table(cells, colWidths=[62 * mm, 108 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]
        )
    )
    return table


def _member_rows(claim: Claim) -> list[tuple[str, str]]:
    participant = claim.participant
    return [
        (_("Claim reference"), claim.reference),
        (_("Claim type"), str(claim.get_claim_type_display())),
        (_("Name"), participant.full_name),
        (_("NIK"), mask_digits(participant.nik)),
        (_("KPJ number"), mask_digits(participant.kpj)),
    ]


def _amount_rows(claim: Claim) -> list[tuple[str, str]]:
    return [
        (_("Gross amount"), rupiah(claim.gross)),
        (_("Tax withheld (PPh 21)"), rupiah(claim.tax)),
        (_("Net amount"), rupiah(claim.net)),
    ]


def _bank_rows(claim: Claim) -> list[tuple[str, str]]:
    return [
        (_("Bank"), claim.bank_code or "-"),
        (_("Account"), mask_digits(claim.account_number)),
        (_("Account holder"), claim.bank_verified_name or claim.account_holder),
    ]


def _layer_rows(claim: Claim) -> list[tuple[str, str]]:
    rows = []
    for layer in papers.tax_layers(claim=claim):
        upper = rupiah(layer.upper) if layer.upper is not None else _("and above")
        rate = f"{layer.rate_bp / 100:g}%"
        rows.append(
            (
                f"{rupiah(layer.lower)} - {upper}",
                _("%(rate)s on %(amount)s")
                % {"rate": rate, "amount": rupiah(layer.taxed)},
            )
        )
    return rows


def _build(claim: Claim, kind: str, title: str, sections: list) -> bytes:
    styles = getSampleStyleSheet()
    code = papers.paper_code(claim=claim, kind=kind)
    url = papers.paper_verify_url(code=code)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, title=title, author=WITHHOLDER, subject=claim.reference,
        leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm,
    )  # fmt: skip
    brand = styles["Normal"].clone("brand", textColor=GREEN, fontName="Helvetica-Bold")
    story = [Paragraph(WITHHOLDER, brand), Paragraph(title, styles["Title"])]
    for heading, rows, bold_last in sections:
        if heading:
            story.append(Paragraph(heading, styles["Heading3"]))
        story.append(_table(rows, bold_last))
        story.append(Spacer(1, 4 * mm))
    check = Table(
        [[_qr(url), Paragraph(
            _("Verification code: <b>%(code)s</b><br/>Check this document at "
              "%(url)s") % {"code": code, "url": url}, styles["Normal"])]],
        colWidths=[38 * mm, 132 * mm], hAlign="LEFT",
    )  # fmt: skip
    check.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [Spacer(1, 4 * mm), check]
    note = _("Printed on %(when)s. This document is valid without a signature.")
    story.append(Paragraph(note % {"when": _when(timezone.now())}, styles["Italic"]))
    doc.build(story)
    return out.getvalue()


def receipt_pdf(*, claim: Claim) -> bytes:
    """Tanda terima: what the member submitted, and what was promised."""
    claim_rows = _member_rows(claim) + [
        (_("Submitted at"), _when(claim.submitted_at)),
        (_("Channel"), str(claim.get_channel_display())),
        (_("Promised by"), _day(claim.sla_due)),
        (_("Documents received"),
         ", ".join(d.kind for d in claim.documents.all()) or "-"),
    ]  # fmt: skip
    return _build(claim, papers.RECEIPT, _("JHT claim submission receipt"), [
        (None, claim_rows, 0),
        (_("Amounts at submission"), _amount_rows(claim), 1),
        (_("Pay to"), _bank_rows(claim), 0),
    ])  # fmt: skip


def payment_pdf(*, claim: Claim) -> bytes:
    """Bukti pembayaran: the transfer the bank completed."""
    payout = papers.payout_settled(claim=claim)
    transfer = [
        (_("Paid at"), _when(claim.paid_at)),
        (_("Amount transferred"), rupiah(payout.amount if payout else claim.net)),
        (_("Transfer reference"), payout.idempotency_key if payout else "-"),
        (_("Bank transaction id"), (payout.bank_id if payout else "") or "-"),
    ] + _bank_rows(claim)
    return _build(claim, papers.PAYMENT, _("JHT proof of payment"), [
        (None, _member_rows(claim), 0),
        (_("Transfer"), transfer, 0),
        (_("Amounts"), _amount_rows(claim), 1),
    ])  # fmt: skip


def tax_slip_pdf(*, claim: Claim) -> bytes:
    """Bukti potong PPh 21 on the JHT paid, with the layers that were applied."""
    paid = timezone.localtime(claim.paid_at)
    npwp = papers.npwp_masked(claim=claim)
    pct = ClaimPolicy.current().no_npwp_surcharge_pct
    regime = (
        _("Lump sum, final (paid within two calendar years of the first payment)")
        if claim.tax_regime == TaxRegime.LUMP_SUM
        else _("Progressive rates (third calendar year or later)")
    )
    slip = [
        (_("Slip number"), f"BP21-{claim.reference}"),
        (_("Tax period"), date_format(paid, "F Y")),
        (_("Withholder"), WITHHOLDER),
    ] + _member_rows(claim) + [
        (_("NPWP"), npwp or _("none: the rate is %(pct)s%% higher") % {"pct": pct}),
        (_("Payment date"), _day(paid.date())),
        (_("Income"), _("Jaminan Hari Tua (JHT) paid as a lump sum")),
        (_("Tax regime"), regime),
    ]  # fmt: skip
    layers = _layer_rows(claim)
    if not papers.has_npwp(claim=claim):
        more = _("each layer's tax is %(pct)s%% higher") % {"pct": pct}
        layers.append((_("Without an NPWP"), more))
    return _build(claim, papers.TAX_SLIP, _("PPh 21 withholding slip (bukti potong)"), [
        (None, slip, 0),
        (_("Rates applied"), layers, 0),
        (_("Tax"), _amount_rows(claim), 1),
    ])  # fmt: skip


RENDER = {
    papers.RECEIPT: receipt_pdf,
    papers.PAYMENT: payment_pdf,
    papers.TAX_SLIP: tax_slip_pdf,
}


def paper_pdf(*, claim: Claim, kind: str) -> bytes:
    return RENDER[kind](claim=claim)


def paper_filename(*, claim: Claim, kind: str) -> str:
    names = {
        papers.RECEIPT: _("receipt"),
        papers.PAYMENT: _("proof-of-payment"),
        papers.TAX_SLIP: _("tax-slip"),
    }
    return f"{names[kind]}-{claim.reference}.pdf"


def pdf_response(claim: Claim, kind: str) -> HttpResponse:
    """The paper as a download, for the claim page and API v1 alike."""
    response = HttpResponse(paper_pdf(claim=claim, kind=kind), "application/pdf")
    filename = paper_filename(claim=claim, kind=kind)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
