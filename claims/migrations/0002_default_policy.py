"""Default policy rows: the claim policy, document lists per claim type, tax brackets."""

from django.db import migrations

BASIC = [("ktp", "KTP (identity card)"), ("kk", "Kartu Keluarga (family card)")]
BOOK = [("savings_book", "Savings book (first page)")]
DOCUMENTS = {
    "resign": BASIC + BOOK + [("resignation_letter", "Resignation letter")],
    "termination": BASIC + BOOK + [("phk_letter", "PHK letter or PHI decision")],
    "contract_end": BASIC + BOOK + [("contract", "Employment contract (PKWT)")],
    "retirement": BASIC + BOOK,
    "disability": BASIC + BOOK + [("doctor_letter", "Doctor's statement")],
    "leave_country": [
        ("passport", "Passport"),
        ("kitas", "KITAS"),
        *BOOK,
        ("departure_statement", "Statement of departure"),
    ],
    "partial_10": BASIC + BOOK + [("employer_letter", "Employer letter")],
    "partial_30": BASIC
    + BOOK
    + [
        ("employer_letter", "Employer letter"),
        ("housing_papers", "Housing papers (sale agreement or loan offer)"),
    ],
}
M = 1_000_000
BRACKETS = [
    ("lump_sum", 0, 50 * M, 0),
    ("lump_sum", 50 * M, None, 500),
    ("progressive", 0, 60 * M, 500),
    ("progressive", 60 * M, 250 * M, 1500),
    ("progressive", 250 * M, 500 * M, 2500),
    ("progressive", 500 * M, 5000 * M, 3000),
    ("progressive", 5000 * M, None, 3500),
]


def forwards(apps, schema_editor):
    ClaimPolicy = apps.get_model("claims", "ClaimPolicy")
    DocumentRequirement = apps.get_model("claims", "DocumentRequirement")
    TaxBracket = apps.get_model("claims", "TaxBracket")
    ClaimPolicy.objects.get_or_create(pk=1)
    for claim_type, docs in DOCUMENTS.items():
        for order, (kind, label) in enumerate(docs):
            DocumentRequirement.objects.get_or_create(
                claim_type=claim_type,
                kind=kind,
                defaults={"label": label, "order": order},
            )
    for regime, lower, upper, rate_bp in BRACKETS:
        TaxBracket.objects.get_or_create(
            regime=regime, lower=lower, defaults={"upper": upper, "rate_bp": rate_bp}
        )


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
