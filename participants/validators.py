"""NIK and KPJ rules (JHT_RULES.md, Membership)."""

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def nik_birth_info(nik: str) -> tuple[dt.date, str] | None:
    """The birth date and gender encoded in NIK digits 7-12 (DDMMYY, women DD+40).

    The century is the one that puts the date in the past (a participant is at
    most 100 years old). Returns None when the digits are not a real date.
    """
    if len(nik) != 16 or not ascii_digits(nik):
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
    if len(value) != 16 or not ascii_digits(value):
        raise ValidationError(_("NIK must be exactly 16 digits."), code="nik_format")
    if nik_birth_info(value) is None:
        raise ValidationError(
            _("NIK digits 7-12 must be a birth date (DDMMYY)."), code="nik_birth"
        )


def validate_kpj(value: str) -> None:
    if len(value) != 11 or not ascii_digits(value):
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


# Apostrophes a keyboard may type for "'" (iOS smart punctuation types U+2019).
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2018\u2019\u02bc\u02bb`\u2032", "'"))


def visible_text(text: str) -> str:
    """Text without invisible format characters (Unicode Cf: zero-width spaces,
    BOMs, direction marks) and surrounding spaces: a lone U+200B is no value."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()


def name_clean(name: str) -> str:
    """A typed name in plain letters: composed (NFKC, so full-width letters become
    ASCII), invisible format characters dropped, spaces collapsed. For names that
    go on to another system, such as a bank."""
    return " ".join(visible_text(unicodedata.normalize("NFKC", name or "")).split())


def name_key(name: str) -> str:
    """A name as compared, never as stored: the same letters however the device
    encoded them (see name_clean; curly apostrophes too), case folded."""
    return name_clean(name).translate(_APOSTROPHES).casefold()


def mask_name(value: str) -> str:
    """'Bambang Prasetyo' -> 'B****** P*******' (public pages show no full name)."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in value.split())


# Province codes (kode wilayah, first two digits of a NIK or KK number).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36 51 52 53 61 62 63 64 65 "
    "71 72 73 74 75 76 81 82 91 92 93 94 95 96 97".split()
)
# 08 + operator prefix + subscriber number: 10 to 13 digits in all.
_PHONE_RE = re.compile(r"^08[1-9][0-9]{7,10}$")


def ascii_digits(value: str) -> bool:
    """Only the digits 0-9. `str.isdigit()` also takes "²", "１２" and "٢", which no
    bank, tax office, phone network or registry knows: such a value would be stored
    and sent on as it is (an account number the bank cannot pay into)."""
    return value.isascii() and value.isdigit()


def digits_only(value: str) -> str:
    """People type numbers with spaces, dots or dashes; keep only what was meant."""
    return re.sub(r"[\s.\-]", "", value or "")


def normalize_phone(value: str) -> str:
    """'+62 812-3456-7890', '0062 812…' or '0812 3456 7890' -> '081234567890'."""
    phone = re.sub(r"[\s\-().]", "", value or "")
    if phone.startswith("+62"):
        phone = "0" + phone[3:]
    elif phone.startswith("0062"):  # the international call prefix dialled
        phone = "0" + phone[4:]
    elif phone.startswith("62"):
        phone = "0" + phone[2:]
    if not _PHONE_RE.match(phone):
        raise ValidationError(
            _("Enter an Indonesian mobile number, for example 081234567890."),
            code="phone",
        )
    return phone


def validate_phone(value: str) -> None:
    if normalize_phone(value) != value:
        raise ValidationError(
            _("Enter an Indonesian mobile number, for example 081234567890."),
            code="phone",
        )


def validate_kk(value: str) -> None:
    """A family card (KK) number: 16 digits, a province code, an issue date DDMMYY."""
    if len(value) != 16 or not ascii_digits(value):
        raise ValidationError(
            _("The KK number must be exactly 16 digits."), code="kk_format"
        )
    if value[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("The first two digits of the KK number must be a province code."),
            code="kk_region",
        )
    day, month, year2 = int(value[6:8]), int(value[8:10]), int(value[10:12])
    today = dt.date.today()
    year = 2000 + year2 if 2000 + year2 <= today.year else 1900 + year2
    try:
        issued = dt.date(year, month, day)
    except ValueError:
        issued = None
    if issued is None or issued > today:
        raise ValidationError(
            _("KK number digits 7-12 must be the card's issue date (DDMMYY)."),
            code="kk_date",
        )


def validate_postal_code(value: str) -> None:
    if len(value) != 5 or not ascii_digits(value) or value[0] == "0":
        raise ValidationError(
            _("The postal code has 5 digits, for example 53116."), code="postal_code"
        )


def validate_npwp(value: str) -> None:
    if not ascii_digits(value) or len(value) not in (15, 16):
        raise ValidationError(_("The NPWP has 15 or 16 digits."), code="npwp_format")
