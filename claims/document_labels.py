"""Document names in the reader's language.

The policy's document rows (`DocumentRequirement`, seeded by migration 0002) and
each claim's snapshot of them (`Claim.requirements`) store one label, in English.
A label that is still a known one (the seeded label of that kind, or a proof
document's label from claims/types.py, in any of the portal's languages) is shown
by its kind through gettext, in the language of the request; a label an admin
typed is shown as typed.
"""

from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from claims.types import TYPES

# The labels migration 0002 seeds (the source text: English).
SEEDED = {
    "ktp": gettext_noop("KTP (identity card)"),
    "kk": gettext_noop("Kartu Keluarga (family card)"),
    "savings_book": gettext_noop("Savings book (first page)"),
    "resignation_letter": gettext_noop("Resignation letter"),
    "phk_letter": gettext_noop("PHK letter or PHI decision"),
    "contract": gettext_noop("Employment contract (PKWT)"),
    "doctor_letter": gettext_noop("Doctor's statement"),
    "passport": gettext_noop("Passport"),
    "kitas": gettext_noop("KITAS"),
    "departure_statement": gettext_noop("Statement of departure"),
    "employer_letter": gettext_noop("Employer letter"),
    "housing_papers": gettext_noop("Housing papers (sale agreement or loan offer)"),
}


@cache
def _known() -> dict[tuple[str, str], str]:
    """{(kind, a stored label): its source text} for every known label."""
    sources: dict[str, set[str]] = {kind: {text} for kind, text in SEEDED.items()}
    with translation.override(None):  # the source text of the lazy labels
        for rule in TYPES:
            for kind, label in rule.proof_documents:
                sources.setdefault(kind, set()).add(str(label))
    known = {}
    for kind, texts in sources.items():
        for text in texts:
            known[(kind, text)] = text
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    known[(kind, gettext(text))] = text
    return known


def document_label(kind: str, label: str) -> str:
    """The label in the active language when it is a known one, else as stored."""
    source = _known().get((kind, label))
    return gettext(source) if source else label


def requirements_labelled(requirements: list[dict]) -> list[dict]:
    """A copy of a requirement list ({kind, label}) with labels for the reader."""
    return [{**r, "label": document_label(r["kind"], r["label"])} for r in requirements]
