"""Which values of the figures are hidden, so that no figure points at one person.

A value about a group of 1–4 members (or sessions, attempts, claims) is hidden
(`suppress`). So is a second part of a shown total when the total would give a
hidden part back (`withheld`). A total can be shown on another figure or under
another filter: the branch narrows the desk visits and the claim type the claim
figures, so a branch's or a type's row and the all-branches or all-types totals
are one table with its margins (`table_hidden`).
"""

from collections.abc import Hashable, Iterable

MIN_GROUP = 5


def suppress(row: dict, **sizes: int) -> dict:
    """Blank each named field whose group has 1–4 members; list it in `suppressed`."""
    row.setdefault("suppressed", [])
    for field, size in sizes.items():
        if 0 < size < MIN_GROUP:
            row[field] = None
            row["suppressed"].append(field)
    return row


def least(*sizes: int) -> int:
    """The smallest non-empty group behind a value derived from several counts."""
    return min((n for n in sizes if n > 0), default=0)


def small(counts: dict) -> set:
    """The names whose count is a group of 1–4."""
    return {name for name, n in counts.items() if 0 < n < MIN_GROUP}


def gives_back(counts: dict, hidden: set) -> bool:
    """Whether a shown total minus its shown parts gives a hidden part back: a single
    hidden part is that difference, and hidden parts that add up to as many as they
    are can only be 1 each (a hidden part is never 0)."""
    return bool(hidden) and (
        len(hidden) == 1 or sum(counts[n] for n in hidden) == len(hidden)
    )


def withheld(counts: dict, hidden: Iterable) -> set:
    """`hidden` and the smallest other non-zero parts of the shown total of `counts`
    that must be hidden with them so that the total gives none of them back."""
    hidden = set(hidden)
    while gives_back(counts, hidden):
        shown = [n for n in counts if n not in hidden and counts[n]]
        if not shown:
            break
        hidden.add(min(shown, key=counts.__getitem__))
    return hidden


def hide(row: dict, values: dict, names: Iterable) -> None:
    """Blank the named entries of `values` (the row itself or one of its dicts) and
    list them in the row's `suppressed`."""
    for name in names:
        if values.get(name) is not None:
            values[name] = None
            row.setdefault("suppressed", []).append(name)


def table_hidden(
    cells: dict[tuple, int],
    rows: Iterable[Hashable],
    columns: Iterable[Hashable],
    row_totals: bool = True,
) -> tuple[dict, set]:
    """A table read one row at a time (a branch, a claim type) and as column totals
    (all branches, all types): every value by key, and the keys to hide.

    Keys are ("cell", row, column), ("row", row), ("column", column) and ("all",).
    Each row with its total, each column with its total, and the row totals and the
    column totals with the grand total are lines: hiding goes on until no line has a
    hidden value that its shown values give back. Without `row_totals` (a figure
    that shows no row's total nor the grand total) only the columns are lines.
    """
    rows, columns = list(rows), list(columns)
    values = {("cell", r, c): cells.get((r, c), 0) for r in rows for c in columns}
    for r in rows:
        values[("row", r)] = sum(values[("cell", r, c)] for c in columns)
    for c in columns:
        values[("column", c)] = sum(values[("cell", r, c)] for r in rows)
    values[("all",)] = sum(values[("row", r)] for r in rows)
    lines = [(("column", c), [("cell", r, c) for r in rows]) for c in columns]
    if row_totals:
        lines += [(("row", r), [("cell", r, c) for c in columns]) for r in rows]
        lines += [
            (("all",), [("row", r) for r in rows]),
            (("all",), [("column", c) for c in columns]),
        ]
    hidden = small(values)
    changed = True
    while changed:
        before = len(hidden)
        for total, parts in lines:
            counts = {p: values[p] for p in parts}
            mine = hidden.intersection(parts)
            if total in hidden:
                # A hidden total whose parts are all shown is their sum.
                shown = [p for p in parts if counts[p]]
                if shown and not mine:
                    hidden.add(min(shown, key=counts.__getitem__))
                continue
            mine = withheld(counts, mine)
            hidden |= mine
            if gives_back(counts, mine):  # no other part left to hide
                hidden.add(total)
        changed = len(hidden) != before
    return values, hidden


def table_view(
    values: dict, hidden: set, row: str, columns: tuple[str, ...], total_name: str
) -> tuple[dict, int, set]:
    """One row of a `table_hidden` table, or its column totals when `row` is "":
    the values by column, the total, and the names hidden (`total_name` for it)."""
    keys = {c: ("cell", row, c) if row else ("column", c) for c in columns}
    total = ("row", row) if row else ("all",)
    names = {c for c, key in keys.items() if key in hidden}
    if total in hidden:
        names.add(total_name)
    parts = {c: values.get(key, 0) for c, key in keys.items()}
    return parts, values.get(total, 0), names
