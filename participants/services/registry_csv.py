"""Reading the registry's CSV files: the columns, and what one row says.

Pure parsing and checks that need no database: `member_row_parse` turns a line of
the member registry into a `MemberRow` or one message listing every problem of the
line; the `row_*` helpers do the same for each cell of a contribution line. Saving
is `participants.services.registry`'s.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from jmo_portal.exceptions import ApplicationError
from participants.validators import (
    ascii_digits,
    digits_only,
    normalize_phone,
    validate_kpj,
    validate_nik,
    validate_nik_matches,
    visible_text,
)

MEMBER_COLUMNS = (
    "nik",
    "kpj",
    "full_name",
    "birth_date",
    "gender",
    "email",
    "phone",
    "employer",
    "membership_start",
    "membership_end",
    "monthly_wage",
    "photo",
)
CONTRIBUTION_COLUMNS = ("kpj", "period", "employer", "wage")
# M/F, and as Indonesian registries and the KTP write it: L(aki-laki), P(erempuan).
_GENDERS = {"M": "M", "F": "F", "L": "M", "P": "F", "LAKI-LAKI": "M", "PEREMPUAN": "F"}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class MemberIdentity:
    """Who a member is, as the registry CSV and the demo world both carry it."""

    nik: str
    kpj: str
    full_name: str
    birth_date: dt.date
    gender: str
    email: str
    phone: str


@dataclass(frozen=True)
class MemberRow(MemberIdentity):
    employer: str
    membership_start: dt.date
    membership_end: dt.date | None
    monthly_wage: int
    photo: Path | None


def csv_text(path: Path) -> str:
    """The file's text; a file that is not UTF-8 (Excel's plain "CSV" on Windows
    writes the local code page) is refused before any row loads, naming the line."""
    if not path.is_file():
        raise ApplicationError(f"{path}: no such file", code="no_file")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ApplicationError(
            f"{path}: line {line} is not UTF-8 text; save the file as "
            '"CSV UTF-8" and import it again (nothing was imported)',
            code="encoding",
        ) from exc


def csv_rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict]]:
    """(line number, values) per data row; the header must name every column,
    rows with every cell empty are skipped.

    Comma, semicolon (Excel's CSV where the decimal mark is a comma, as in
    Indonesia) and tab separators are recognised from the header line, or named
    by Excel's "sep=;" line before it."""
    text = csv_text(path)
    first, _, rest = text.partition("\n")
    skipped = 0
    if named := re.fullmatch(r"sep=([,;\t|])\s*", first):
        delimiter, text, skipped = named.group(1), rest, 1
    else:
        try:
            delimiter = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = csv.excel.delimiter
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    # Without a second BOM (a tool re-saving the file) or other invisible marks.
    header = [visible_text(name).lower() for name in reader.fieldnames or []]
    missing = [name for name in columns if name not in header]
    if missing:
        raise ApplicationError(
            f"{path}: missing columns: {', '.join(missing)}", code="columns"
        )
    reader.fieldnames = header
    rows = []
    try:
        # The whole file is split first: a file the reader cannot split is
        # refused as a whole, like one that is not UTF-8.
        for values in reader:
            # A row of separators only (Excel's formatted empty rows) is no row.
            cells = [*values.values(), *values.get(None, ())]
            if any(isinstance(v, str) and v.strip() for v in cells):
                rows.append((reader.line_num + skipped, values))
    except csv.Error as exc:
        raise ApplicationError(
            f"{path}: line {reader.line_num + skipped + 1} cannot be read as CSV "
            f"({exc}); check the quotes in it (nothing was imported)",
            code="csv",
        ) from exc
    yield from rows


def row_messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()
        )
    return " ".join(exc.messages)


def _date(
    values: Mapping, field: str, errors: list[str], today: dt.date
) -> dt.date | None:
    """A YYYY-MM-DD date, not after today."""
    raw = values[field]
    try:
        # fromisoformat alone also reads '2020-W01' (a week) and '20200101'.
        if not _ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        day = dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{field}: {raw!r} is not a date (YYYY-MM-DD)")
        return None
    if day > today:
        errors.append(f"{field}: cannot be in the future")
        return None
    return day


# A monthly wage above Rp 10 billion is a typing error, not a wage; the bound also
# keeps every contribution and balance far inside the database's bigint.
MAX_WAGE = 10_000_000_000


def row_amount(values: Mapping, field: str, errors: list[str]) -> int | None:
    raw = values[field]
    if not ascii_digits(raw) or not raw.strip("0"):
        errors.append(
            f"{field}: must be a positive whole number of rupiah, without separators"
        )
        return None
    if len(raw.lstrip("0")) > len(str(MAX_WAGE)) or int(raw) > MAX_WAGE:
        errors.append(f"{field}: at most {MAX_WAGE} rupiah a month")
        return None
    return int(raw)


def card_number(raw: str) -> str:
    """A NIK or KPJ as the forms read it: without the spaces, dots and dashes of
    the card, nor the apostrophe Excel users type to keep a long number as text."""
    return digits_only(raw.removeprefix("'"))


def row_cells(values: Mapping, columns: tuple[str, ...], errors: list[str]) -> dict:
    """Each column's text, stripped. A control character (a NUL cannot even be
    stored) is the row's error; it is dropped so the other checks still run."""
    if None in values:
        raise ApplicationError("more values than columns", code="invalid_row")
    cells = {}
    for name in columns:
        value = (values.get(name) or "").strip()
        if any((ch < " " and ch not in "\t\n\r") or ch == "\x7f" for ch in value):
            errors.append(f"{name}: contains a control character")
            value = "".join(ch for ch in value if ch >= " " and ch != "\x7f")
        cells[name] = value
    return cells


def row_check(validator, value: str, field: str, errors: list[str]) -> bool:
    try:
        validator(value)
    except ValidationError as exc:
        errors.append(f"{field}: {' '.join(exc.messages)}")
        return False
    return True


def _photo(name: str, photos_dir: Path | None, errors: list[str]) -> Path | None:
    if not name:
        return None
    if photos_dir is None:
        errors.append("photo: give the photo folder with --photos")
        return None
    path = (photos_dir / name).resolve()
    # A file name, not a path that climbs out of the photo folder.
    if path.parent != photos_dir.resolve() or not path.is_file():
        errors.append(f"photo: {name!r} is not a file in {photos_dir}")
        return None
    return path


def member_row_parse(
    values: Mapping, *, photos_dir: Path | None, today: dt.date
) -> MemberRow:
    """Validate one registry row; every problem of the row in one message."""
    errors: list[str] = []
    values = row_cells(values, MEMBER_COLUMNS, errors)
    values["nik"], values["kpj"] = (
        card_number(values["nik"]),
        card_number(values["kpj"]),
    )
    nik_ok = row_check(validate_nik, values["nik"], "nik", errors)
    row_check(validate_kpj, values["kpj"], "kpj", errors)
    full_name = " ".join(values["full_name"].split())
    if not full_name or len(full_name) > 200:
        errors.append("full_name: required, at most 200 characters")
    birth_date = _date(values, "birth_date", errors, today)
    gender = _GENDERS.get(values["gender"].upper(), "")
    if not gender:
        errors.append("gender: must be M or F (L or P)")
    elif nik_ok and birth_date:
        try:
            validate_nik_matches(values["nik"], birth_date, gender)
        except ValidationError as exc:
            errors.append(row_messages(exc))
    email = values["email"].lower()
    if email:
        row_check(validate_email, email, "email", errors)
    phone = values["phone"]
    if phone:
        # The number on file is where SMS codes go: stored as the forms store it.
        try:
            phone = normalize_phone(phone)
        except ValidationError as exc:
            errors.append(f"phone: {' '.join(exc.messages)}")
    if not values["employer"] or len(values["employer"]) > 200:
        # The employer's name, not the model's field, in the line's message.
        errors.append("employer: required, at most 200 characters")
    start = _date(values, "membership_start", errors, today)
    end = None
    if values["membership_end"]:
        end = _date(values, "membership_end", errors, today)
    if start and end and end < start:
        errors.append("membership_end: before membership_start")
    if start and birth_date and start < birth_date:
        errors.append("membership_start: before birth_date")
    wage = row_amount(values, "monthly_wage", errors)
    photo = _photo(values["photo"], photos_dir, errors)
    if errors:
        raise ApplicationError("; ".join(errors), code="invalid_row")
    return MemberRow(
        nik=values["nik"],
        kpj=values["kpj"],
        full_name=full_name,
        birth_date=birth_date,
        gender=gender,
        email=email,
        phone=phone,
        employer=" ".join(values["employer"].split()),
        membership_start=start,
        membership_end=end,
        monthly_wage=wage,
        photo=photo,
    )


def row_month(raw: str, errors: list[str]) -> dt.date | None:
    """A month, YYYY-MM (or a date in it, YYYY-MM-DD)."""
    try:
        if not (_ISO_DATE.fullmatch(raw) or _ISO_DATE.fullmatch(f"{raw}-01")):
            raise ValueError(raw)  # fromisoformat also reads weeks: '2020-W01'
        return dt.date.fromisoformat(raw if len(raw) > 7 else f"{raw}-01")
    except ValueError:
        errors.append(f"period: {raw!r} is not a month (YYYY-MM)")
        return None
