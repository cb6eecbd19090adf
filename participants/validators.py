"""NIK and KPJ rules (JHT_RULES.md, Membership)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def nik_birth_info(nik: str) -> tuple[dt.date, str] | None:
    """The birth date and gender encoded in NIK digits 7-12 (DDMMYY, women DD+40).

    The century is the one that puts the date in the past (a participant is at
    most 100 years old). Returns None when the digits are not a real date.
    """
    if len(nik) != 16 or not nik.isdigit():
        return None
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    gender = "M"
    if day > 40:
        day -= 40
        gender = "F"
    today = dt.date.today()
    year = 2000 + year2 if 2000 + year2 <= today.year else 1900 + year2
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return None
    if born > today:
        born = born.replace(year=year - 100)
    return born, gender


def validate_nik(value: str) -> None:
    if len(value) != 16 or not value.isdigit():
        raise ValidationError(_("NIK must be exactly 16 digits."), code="nik_format")
    if nik_birth_info(value) is None:
        raise ValidationError(
            _("NIK digits 7-12 must be a birth date (DDMMYY)."), code="nik_birth"
        )


def validate_kpj(value: str) -> None:
    if len(value) != 11 or not value.isdigit():
        raise ValidationError(
            _("KPJ number must be exactly 11 digits."), code="kpj_format"
        )


def validate_nik_matches(nik: str, birth_date: dt.date, gender: str) -> None:
    """Cross-check the NIK against the stated birth date and gender."""
    info = nik_birth_info(nik)
    if info is None:
        return
    born, nik_gender = info
    errors = {}
    if (born.day, born.month, born.year % 100) != (
        birth_date.day,
        birth_date.month,
        birth_date.year % 100,
    ):
        errors["birth_date"] = _("Birth date does not match the NIK.")
    if gender != nik_gender:
        errors["gender"] = _("Gender does not match the NIK.")
    if birth_date > dt.date.today():
        errors["birth_date"] = _("Birth date cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def mask_digits(value: str, keep: int = 4) -> str:
    """'3201010101900001' -> '************0001'."""
    if not value:
        return ""
    return "*" * max(len(value) - keep, 0) + value[-keep:]
