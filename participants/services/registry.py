"""The membership registry: CSV imports and the yearly yield run.

Every imported row is its own transaction: a bad row saves nothing (no employer,
employment, contribution or face reference) and the other rows still load.
Messages never carry a NIK: it is the row's line number that points at the row.
"""

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from jmo_portal.exceptions import ApplicationError
from participants.models import (
    AccountPolicy,
    Contribution,
    Employer,
    Employment,
    Participant,
    YieldRate,
)
from participants.validators import (
    ascii_digits,
    digits_only,
    name_key,
    normalize_phone,
    validate_kpj,
    validate_nik,
    validate_nik_matches,
    visible_text,
)

from .ledger import ContributionLine, contributions_record, yield_post

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


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


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


def _messages(exc: ValidationError) -> str:
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


def _amount(values: Mapping, field: str, errors: list[str]) -> int | None:
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


def _number(raw: str) -> str:
    """A NIK or KPJ as the forms read it: without the spaces, dots and dashes of
    the card, nor the apostrophe Excel users type to keep a long number as text."""
    return digits_only(raw.removeprefix("'"))


def _cells(values: Mapping, columns: tuple[str, ...], errors: list[str]) -> dict:
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


def _check(validator, value: str, field: str, errors: list[str]) -> bool:
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
    values = _cells(values, MEMBER_COLUMNS, errors)
    values["nik"], values["kpj"] = _number(values["nik"]), _number(values["kpj"])
    nik_ok = _check(validate_nik, values["nik"], "nik", errors)
    _check(validate_kpj, values["kpj"], "kpj", errors)
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
            errors.append(_messages(exc))
    email = values["email"].lower()
    if email:
        _check(validate_email, email, "email", errors)
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
    wage = _amount(values, "monthly_wage", errors)
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


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from `first` to `last`, both included."""
    period, stop, out = first.replace(day=1), last.replace(day=1), []
    while period <= stop:
        out.append(period)
        period = (period + dt.timedelta(days=32)).replace(day=1)
    return out


def employer_get_or_create(*, name: str) -> Employer:
    """The employer with this code or name; a new one gets a code from its name."""
    name = " ".join(name.split())
    employer = Employer.objects.filter(code=name).first()
    employer = employer or Employer.objects.filter(name__iexact=name).first()
    if employer is None:
        digest = hashlib.sha1(name.casefold().encode()).hexdigest()[:12]
        employer = Employer(code=f"REG-{digest.upper()}", name=name)
        employer.full_clean()
        employer.save()
    return employer


def participant_register(
    *, member: MemberIdentity, membership_start: dt.date | None = None
) -> Participant:
    """Add a member to the registry (no login yet: that is activation)."""
    participant = Participant(
        **{f.name: getattr(member, f.name) for f in fields(MemberIdentity)},
        membership_start=membership_start,
    )
    participant.full_clean()
    participant.save()
    return participant


def employment_record(
    *, participant: Participant, employer: Employer, start: dt.date, end: dt.date | None
) -> bool:
    """Record a job (one per employer and start date); True when anything changed."""
    employment = Employment.objects.filter(
        participant=participant, employer=employer, start=start
    ).first()
    if employment is not None and (employment.end == end or end is None):
        return False
    employment = employment or Employment(
        participant=participant, employer=employer, start=start
    )
    employment.end = end
    employment.full_clean()
    employment.save()
    if participant.membership_start is None or start < participant.membership_start:
        participant.membership_start = start
        participant.save(update_fields=["membership_start"])
    return True


def _same_member(participant: Participant, row: MemberRow) -> None:
    if participant.nik != row.nik or participant.kpj != row.kpj:
        raise ApplicationError(
            "nik/kpj: this NIK or KPJ is registered to another member",
            code="conflict",
        )
    differs = []
    if name_key(participant.full_name) != name_key(row.full_name):
        differs.append("full_name")
    if participant.birth_date != row.birth_date:
        differs.append("birth_date")
    if participant.gender != row.gender:
        differs.append("gender")
    if differs:
        raise ApplicationError(
            f"{', '.join(differs)}: differs from the registered member with this NIK",
            code="conflict",
        )


def _member_save(
    row: MemberRow, today: dt.date, after_save: "AfterSave | None"
) -> Outcome:
    matches = list(
        Participant.objects.select_for_update().filter(Q(nik=row.nik) | Q(kpj=row.kpj))
    )
    if len(matches) > 1:
        raise ApplicationError(
            "nik/kpj: the NIK and the KPJ belong to two different members",
            code="conflict",
        )
    created = not matches
    if created:
        participant = participant_register(
            member=row, membership_start=row.membership_start
        )
    else:
        participant = matches[0]
        _same_member(participant, row)
    employer = employer_get_or_create(name=row.employer)
    changed = employment_record(
        participant=participant,
        employer=employer,
        start=row.membership_start,
        end=row.membership_end,
    )
    lines = [
        ContributionLine(employer, period, row.monthly_wage)
        for period in months(row.membership_start, row.membership_end or today)
    ]
    changed |= bool(contributions_record(participant=participant, lines=lines))
    if after_save is not None:
        # Last, so a failure before it never leaves a stored photo behind.
        changed |= after_save(participant, row)
    if created:
        return Outcome.CREATED
    return Outcome.UPDATED if changed else Outcome.UNCHANGED


# What the caller adds to a saved row in the same transaction (the registry photo
# becomes a face reference: frontoffice.registry); True when it changed something.
AfterSave = Callable[[Participant, MemberRow], bool]


def member_import_row(
    *,
    values: Mapping,
    photos_dir: Path | None = None,
    after_save: AfterSave | None = None,
) -> Outcome:
    """Validate and load one registry row in one transaction (ApplicationError if bad)."""
    today = timezone.localdate()
    row = member_row_parse(values, photos_dir=photos_dir, today=today)
    try:
        # The face reference is analysed inside the row's transaction: the
        # registry photo is part of the row, and an import is a batch job.
        with transaction.atomic():
            return _member_save(row, today, after_save)
    except ValidationError as exc:
        raise ApplicationError(_messages(exc), code="invalid_row") from exc
    except IntegrityError as exc:
        raise ApplicationError(
            "conflicts with a record saved at the same time; run the import again",
            code="conflict",
        ) from exc


def _period(raw: str, errors: list[str]) -> dt.date | None:
    """A month, YYYY-MM (or a date in it, YYYY-MM-DD)."""
    try:
        if not (_ISO_DATE.fullmatch(raw) or _ISO_DATE.fullmatch(f"{raw}-01")):
            raise ValueError(raw)  # fromisoformat also reads weeks: '2020-W01'
        return dt.date.fromisoformat(raw if len(raw) > 7 else f"{raw}-01")
    except ValueError:
        errors.append(f"period: {raw!r} is not a month (YYYY-MM)")
        return None


@transaction.atomic
def contribution_import_row(*, values: Mapping) -> Outcome:
    """Load one monthly contribution; a month already recorded is left as it is."""
    errors: list[str] = []
    values = _cells(values, CONTRIBUTION_COLUMNS, errors)
    values["kpj"] = _number(values["kpj"])
    _check(validate_kpj, values["kpj"], "kpj", errors)
    period = _period(values["period"], errors)
    if period and period.replace(day=1) > timezone.localdate().replace(day=1):
        errors.append("period: cannot be in the future")
    if not values["employer"] or len(values["employer"]) > 200:
        # The employer's name, not the model's field, in the line's message.
        errors.append("employer: required, at most 200 characters")
    wage = _amount(values, "wage", errors)
    participant = Participant.objects.filter(kpj=values["kpj"]).first()
    if not errors and participant is None:
        errors.append("kpj: no registered member has this KPJ number")
    elif period and participant and period < participant.birth_date.replace(day=1):
        errors.append("period: before the member's birth")
    if errors:
        raise ApplicationError("; ".join(errors), code="invalid_row")
    period = period.replace(day=1)
    name = " ".join(values["employer"].split())
    existing = (
        Contribution.objects.filter(participant=participant, period=period)
        .select_related("employer")
        .first()
    )
    if existing is not None:
        same_employer = name in (existing.employer.code, existing.employer.name) or (
            existing.employer.name.casefold() == name.casefold()
        )
        if existing.wage == wage and same_employer:
            return Outcome.UNCHANGED
        raise ApplicationError(
            f"period: {period:%Y-%m} is already recorded with another employer or "
            "wage (corrections are not imported)",
            code="conflict",
        )
    employer = employer_get_or_create(name=name)
    contributions_record(
        participant=participant, lines=[ContributionLine(employer, period, wage)]
    )
    return Outcome.CREATED


def yield_rate_for(*, year: int) -> int:
    """The year's rate in basis points: its YieldRate row, else the policy default."""
    rate = YieldRate.objects.filter(year=year).values_list("rate_bp", flat=True)
    return rate.first() or AccountPolicy.current().default_yield_rate_bp


@dataclass(frozen=True)
class YieldRun:
    year: int
    rate_bp: int
    credited: int
    already: int


def yield_post_year(*, year: int) -> YieldRun:
    """Credit `year`'s yield to every member with a balance by then (once each)."""
    if year >= timezone.localdate().year:
        raise ApplicationError(
            f"{year} has not ended yet: the yield is credited after the year ends",
            code="year",
        )
    rate_bp = yield_rate_for(year=year)
    members = Participant.objects.filter(
        pk__in=Participant.objects.filter(yearly_balances__year__lte=year).values("pk")
    ).order_by("pk")
    credited = already = 0
    for participant in members.iterator():
        if yield_post(participant=participant, year=year, rate_bp=rate_bp) is None:
            already += 1
        else:
            credited += 1
    return YieldRun(year=year, rate_bp=rate_bp, credited=credited, already=already)
