"""Rupiah as people read it (ARCHITECTURE.md, "Language and look"): Rp 12.345.678.

Money is integers of rupiah everywhere; this is the one place that formats it.
"""


def rupiah_digits(amount: int | None) -> str:
    """12345678 -> '12.345.678' (dots group thousands, as in Indonesia)."""
    return f"{int(amount or 0):,}".replace(",", ".")


def rupiah(amount: int | None) -> str:
    """12345678 -> 'Rp 12.345.678'."""
    return "Rp " + rupiah_digits(amount)
