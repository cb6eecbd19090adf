from django import template

register = template.Library()


@register.filter
def rupiah(amount) -> str:
    """12345678 -> 'Rp 12.345.678' (integers of rupiah)."""
    if amount in (None, ""):
        return "–"
    return "Rp " + f"{int(amount):,}".replace(",", ".")
