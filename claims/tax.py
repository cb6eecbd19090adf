"""PPh 21 on JHT payouts: one pure function, integers of rupiah, tax rounded down.

Rules: JHT_RULES.md, "Tax (PPh 21, final, withheld before payout)".

- Paid within two calendar years of the first JHT payment (that year and the
  next): final tax in layers (0% up to Rp 50 jt, 5% above), and every payment in
  that window shares the layers, so earlier payouts use the zero-rate layer first.
- Paid in the third calendar year or later after the first payment: progressive
  rates on the payment.
- Without an NPWP the tax is `surcharge_pct` (20) percent higher.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

LUMP_SUM = "lump_sum"
PROGRESSIVE = "progressive"


@dataclass(frozen=True)
class Bracket:
    lower: int
    upper: int | None
    rate_bp: int


@dataclass(frozen=True)
class PriorPayout:
    on: dt.date
    gross: int


@dataclass(frozen=True)
class TaxResult:
    gross: int
    tax: int
    net: int
    regime: str


def _layered_bp(amount: int, brackets: Sequence[Bracket]) -> int:
    """Tax on `amount` in rupiah x 10,000 (basis points kept exact)."""
    total = 0
    for b in brackets:
        if amount <= b.lower:
            continue
        top = amount if b.upper is None else min(amount, b.upper)
        total += (top - b.lower) * b.rate_bp
    return total


def tax_compute(
    *,
    gross: int,
    paid_on: dt.date,
    lump_sum: Sequence[Bracket],
    progressive: Sequence[Bracket],
    prior: Sequence[PriorPayout] = (),
    has_npwp: bool = True,
    surcharge_pct: int = 20,
) -> TaxResult:
    """Tax and net of one JHT payment of `gross` rupiah made on `paid_on`."""
    if gross < 0:
        raise ValueError("gross must not be negative")
    lump_sum = sorted(lump_sum, key=lambda b: b.lower)
    progressive = sorted(progressive, key=lambda b: b.lower)
    first_year = min([p.on.year for p in prior] + [paid_on.year])
    if paid_on.year <= first_year + 1:
        regime = LUMP_SUM
        earlier = sum(p.gross for p in prior if p.on.year <= first_year + 1)
        tax_bp = _layered_bp(earlier + gross, lump_sum) - _layered_bp(earlier, lump_sum)
    else:
        regime = PROGRESSIVE
        tax_bp = _layered_bp(gross, progressive)
    factor = 100 if has_npwp else 100 + surcharge_pct
    tax = tax_bp * factor // 1_000_000
    return TaxResult(gross=gross, tax=tax, net=gross - tax, regime=regime)
