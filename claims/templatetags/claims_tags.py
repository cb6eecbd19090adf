from django import template

from participants import money

from ..document_labels import document_label

register = template.Library()


@register.filter
def rupiah(amount) -> str:
    """12345678 -> 'Rp 12.345.678'; a dash while the amount is not known."""
    return "–" if amount in (None, "") else money.rupiah(int(amount))


@register.filter
def requirement_label(requirement) -> str:
    """A policy document row's label in the reader's language (typed ones as typed)."""
    return document_label(requirement.kind, requirement.label)


@register.inclusion_tag("claims/_dashboard_card.html")
def claims_card(participant):
    """The dashboard's claim card: open claim with its timeline, or the way to start.

    Usage in a page: {% load claims_tags %}{% claims_card request.user.participant %}
    """
    from claims.selectors import claim_list

    claims = list(claim_list(participant=participant)[:5]) if participant else []
    active = next((c for c in claims if c.is_active), None)
    return {"claims": claims, "active": active}
