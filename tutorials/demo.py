"""Demo content for `seed_demo`: one open online quiz session, the demo history's
branch offices (idempotent)."""

import datetime as dt

from django.utils import timezone

from . import services
from .models import Branch, QuizMode, QuizSession, WinnerRule

DEMO_TITLE = "Kuis JMO: kenali aplikasimu"

QUESTIONS = """\
Berapa persen upah yang ditabung untuk JHT setiap bulan? | How much of the wage goes to JHT every month?
- 2% | 2%
* 5,7% | 5.7%
- 10% | 10%
Berapa batas klaim JHT secara online? | What is the online JHT claim limit?
- Rp 5.000.000 | Rp 5,000,000
- Rp 10.000.000 | Rp 10,000,000
* Rp 15.000.000 | Rp 15,000,000
Apa yang dilakukan jika akun terblokir? | What do you do when your account is blocked?
- Membuat akun baru | Create a new account
* Datang ke kantor cabang dengan KTP asli | Visit a branch with your original KTP
- Menunggu satu tahun | Wait a year
"""


def quiz_demo_ensure(*, days_open: int = 30) -> QuizSession:
    session = QuizSession.objects.filter(title_id=DEMO_TITLE).first()
    if session:
        return session
    now = timezone.now()
    return services.quiz_session_create(
        created_by=None,
        title_id=DEMO_TITLE,
        title_en="JMO quiz: know your app",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=days_open),
        mode=QuizMode.ONLINE,
        prize_id="Payung BPJS Ketenagakerjaan",
        prize_en="BPJS Ketenagakerjaan umbrella",
        prize_count=3,
        winner_rule=WinnerRule.DRAW,
        questions=services.quiz_questions_parse(QUESTIONS),
    )


# The branches of the demo history's walk-in tickets (demo/history.py): code, city.
DEMO_BRANCHES = (
    ("pusat", "Jakarta Pusat"),
    ("bekasi", "Bekasi"),
    ("bandung", "Bandung"),
)


def branches_demo_ensure() -> int:
    """Add the demo branches that are missing (their kiosks and queues answer)."""
    added = 0
    for position, (code, city) in enumerate(DEMO_BRANCHES, start=1):
        _branch, created = Branch.objects.get_or_create(
            code=code,
            defaults={
                "name": f"BPJS Ketenagakerjaan Kantor Cabang {city} (demo)",
                "address": f"{city} (demo)",
                "hours_id": "Senin–Jumat 08.00–15.00 WIB (bawa KTP asli)",
                "hours_en": "Monday–Friday 08:00–15:00 WIB (bring your original KTP)",
                "position": position,
            },
        )
        added += created
    return added
