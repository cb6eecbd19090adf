"""The digital KPJ card (participants/card.py): page, image, public check."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from . import card, selectors
from .decorators import participant_required


@participant_required
def card_page(request):
    participant = request.participant
    url = card.card_verify_url(participant=participant)
    return render(
        request,
        "participants/card.html",
        {
            "participant": participant,
            "membership": selectors.membership_get(participant=participant),
            "verify_url": url,
            # qrcode writes the SVG itself: paths only, nothing from the user.
            "qr_svg": mark_safe(card.card_qr_svg(url)),
        },
    )


@participant_required
def card_image(request):
    participant = request.participant
    response = HttpResponse(card.card_png(participant=participant), "image/png")
    response["Content-Disposition"] = (
        f'attachment; filename="kpj-card-{participant.kpj[-4:]}.png"'
    )
    return response


@never_cache
def card_verify(request, token):
    """Anyone who scans a card: masked name and KPJ, valid or not; never more."""
    check = card.card_check(token=token)
    return render(
        request,
        "participants/card_verify.html",
        {"check": check},
        status=200 if check else 404,
    )
