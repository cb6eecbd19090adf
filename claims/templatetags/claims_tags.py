from django import template

register = template.Library()


@register.filter
def rupiah(amount) -> str:
    """12345678 -> 'Rp 12.345.678' (integers of rupiah)."""
    if amount in (None, ""):
        return "–"
    return "Rp " + f"{int(amount):,}".replace(",", ".")


@register.inclusion_tag("claims/_dashboard_card.html")
def claims_card(participant):
    """The dashboard's claim card: open claim with its timeline, or the way to start.

    Usage in a page: {% load claims_tags %}{% claims_card request.user.participant %}
    """
    from claims.selectors import claim_list

    claims = list(claim_list(participant=participant)[:5]) if participant else []
    active = next((c for c in claims if c.is_active), None)
    return {"claims": claims, "active": active}
