"""The loop shared by the CSV import commands: one service call per row."""

from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jmo_portal.exceptions import ApplicationError
from participants.services.registry import Outcome
from participants.services.registry_csv import csv_rows


def csv_import(
    command: BaseCommand,
    *,
    path: Path,
    columns: tuple[str, ...],
    import_row: Callable[[Mapping], Outcome],
    outcomes: list[Outcome],
) -> None:
    """Import every row; a bad row is reported with its line number, the rest load."""
    counts: Counter = Counter()
    try:
        for line, values in csv_rows(path, columns):
            try:
                outcome = import_row(values)
            except ApplicationError as exc:
                counts["failed"] += 1
                command.stderr.write(f"line {line}: {exc.message}")
            else:
                counts[outcome.value] += 1
    except ApplicationError as exc:
        raise CommandError(exc.message) from exc
    names = [*(o.value for o in outcomes), "failed"]
    command.stdout.write(", ".join(f"{counts[name]} {name}" for name in names))
