"""Long personal numbers (NIK, KPJ, KK, NPWP, bank accounts, phones) are shown and
logged by their last digits only: one rule for pages, papers, the admin and logs."""


def mask_digits(value: str, keep: int = 4, fill: str = "*") -> str:
    """'3201010101900001' -> '************0001'; '' -> ''."""
    if not value:
        return ""
    return fill * max(len(value) - keep, 0) + value[-keep:]
