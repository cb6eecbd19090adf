"""Banks a participant may choose and the name match used for the account check."""

import re
import unicodedata
from difflib import SequenceMatcher

BANKS = [
    ("BCA", "Bank Central Asia (BCA)"),
    ("BRI", "Bank Rakyat Indonesia (BRI)"),
    ("BNI", "Bank Negara Indonesia (BNI)"),
    ("MANDIRI", "Bank Mandiri"),
    ("BSI", "Bank Syariah Indonesia (BSI)"),
    ("BTN", "Bank Tabungan Negara (BTN)"),
    ("CIMB", "CIMB Niaga"),
    ("PERMATA", "Bank Permata"),
    ("DANAMON", "Bank Danamon"),
    ("BJB", "Bank BJB"),
]
BANK_CODES = {code for code, _name in BANKS}

# Titles and honorifics a bank may print around a name.
_TITLES = {"IR", "DR", "DRS", "DRA", "H", "HJ", "SH", "SE", "ST", "SKOM", "MM", "BPK"}
NAME_MATCH_RATIO = 0.85


def normalize_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^A-Za-z ]+", " ", text).upper().split()
    return " ".join(w for w in words if w not in _TITLES)


def names_match(a: str, b: str) -> bool:
    """Close enough: same words in any order, or a high character similarity."""
    na, nb = normalize_name(a), normalize_name(b)
    if not na or not nb:
        return False
    if sorted(na.split()) == sorted(nb.split()):
        return True
    return SequenceMatcher(None, na, nb).ratio() >= NAME_MATCH_RATIO
