"""A new member as the registry delivers one: a CSV row and a photo, loaded by
`import_members` — the start of the journey tests (API and browser)."""

import csv
import datetime as dt
import shutil
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from participants.models import Participant
from participants.services.registry_csv import MEMBER_COLUMNS
from tests.factories import nik_for

FACES = Path(__file__).resolve().parents[1] / "demo" / "faces"
PASSWORD = "Rahasia-Baru-2026"
# A complete data update as a member types it.
CONTACT = {"phone": "0813 2222 3333", "address": "Jl. Gatot Subroto 12, Purwokerto",
           "postal_code": "53116"}  # fmt: skip
POPULATION = {"kk_number": "3302011501150003", "mother_maiden_name": "Sri Rahayu",
              "marital_status": "married", "npwp": ""}  # fmt: skip
EMERGENCY = {"name": "Wulan Sari", "relation": "spouse", "phone": "081344445555"}


def registry_files(
    tmp_path: Path,
    *,
    photo: tuple[str, int] | None = ("ag_obama", 1),
    born: dt.date = dt.date(1988, 3, 14),
    gender: str = "M",
    **fields: str,
) -> tuple[Path, Path, dict]:
    """A one-member registry CSV and its photo folder: (csv, photos, row). By
    default the member left work 3 months ago after two years; `fields` override
    the CSV columns."""
    today = timezone.localdate()
    end = (today.replace(day=1) - dt.timedelta(days=80)).replace(day=1)
    row = {
        "nik": nik_for(born, gender, 4242),
        "kpj": "31234567890",
        "full_name": "Bambang Prasetyo",
        "birth_date": born.isoformat(),
        "gender": gender,
        "email": "bambang@example.id",
        "phone": "081211110000",
        "employer": "PT Sinar Purwokerto",
        "membership_start": (end.replace(year=end.year - 2)).isoformat(),
        "membership_end": end.isoformat(),
        "monthly_wage": "4500000",
        "photo": "",
        **fields,
    }
    photos = tmp_path / "photos"
    photos.mkdir(exist_ok=True)
    if photo is not None:
        shutil.copy(FACES / photo[0] / f"{photo[1]}.jpg", photos / "bambang.jpg")
        row["photo"] = "bambang.jpg"
    path = tmp_path / "registry.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MEMBER_COLUMNS)
        writer.writeheader()
        writer.writerow(row)
    return path, photos, row


def registry_member(tmp_path: Path, **options) -> Participant:
    """Import `registry_files(tmp_path, **options)` with `import_members`."""
    path, photos, row = registry_files(tmp_path, **options)
    call_command(
        "import_members", str(path), "--photos", str(photos), stdout=StringIO()
    )
    return Participant.objects.get(kpj=row["kpj"])


def activate(member: Participant) -> Participant:
    """Give the member a login the way the desk does (`activate_member`)."""
    call_command(
        "activate_member", member.kpj, "--email", member.email,
        "--password", PASSWORD, stdout=StringIO(),
    )  # fmt: skip
    member.refresh_from_db()
    return member
