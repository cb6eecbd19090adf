"""manage.py bench_load_world --members N --out DIR: the world of `make bench-load`.

Made through the product's own doors: a registry CSV with photos loaded by
`import_members`, each member activated with `activate_member` (desk-assisted),
two front-office logins from `create_staff`. DIR/world.json tells the load test who
logs in with what (the same password for every member; the staff TOTP secret).
"""

import csv
import json
import shutil
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from biometrics.management.commands.bench_selfie import PEOPLE
from participants.models import Participant
from participants.services.registry_csv import MEMBER_COLUMNS

FACES = settings.BASE_DIR / "demo" / "faces"
PASSWORD = "Beban-Uji-2026"
STAFF_PASSWORD = "Meja-Layanan-2026"
DESKS = 2  # two officers: each has an authenticator of their own


def _nik(i: int) -> str:
    """A plausible NIK: province 32, birth 1990-01-DD (+40 for women), serial i."""
    day = 1 + i % 28
    return f"320101{day:02d}0190{i + 1:04d}"


class Command(BaseCommand):
    help = "Registry members with photos, activated, and a desk login, for bench-load."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=300)
        parser.add_argument("--out", required=True)

    def handle(self, *args, **options):
        out = Path(options["out"])
        photos = out / "photos"
        photos.mkdir(parents=True, exist_ok=True)
        # Each person's reference photo and the photos of them that match it.
        people = sorted(PEOPLE)
        rows = []
        for i in range(options["members"]):
            person = people[i % len(people)]
            reference = PEOPLE[person][0]
            shutil.copy(FACES / person / f"{reference}.jpg", photos / f"m{i}.jpg")
            rows.append(
                {
                    "nik": _nik(i),
                    "kpj": f"7{i:010d}",
                    "full_name": f"Peserta Beban {i}",
                    "birth_date": f"1990-01-{1 + i % 28:02d}",
                    "gender": "M",
                    "email": f"load{i}@bench.jmo",
                    "phone": f"0812{i:08d}",
                    "employer": "PT Uji Beban",
                    "membership_start": "2018-01-01",
                    "membership_end": "2025-06-01",
                    "monthly_wage": "5000000",
                    "photo": f"m{i}.jpg",
                }
            )
        registry = out / "registry.csv"
        with registry.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=MEMBER_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        call_command(
            "import_members", str(registry), "--photos", str(photos), stdout=StringIO()
        )
        for row in rows:
            call_command(
                "activate_member", row["kpj"], "--email", row["email"],
                "--password", PASSWORD, stdout=StringIO(),
            )  # fmt: skip
        staff = []
        for n in range(1, DESKS + 1):
            printed = StringIO()
            call_command(
                "create_staff", f"desk_load{n}", "--role", "front_office",
                "--password", STAFF_PASSWORD, stdout=printed,
            )  # fmt: skip
            secret = printed.getvalue().rsplit("(shown once):", 1)[1].split()[0]
            staff.append(
                {
                    "username": f"desk_load{n}",
                    "password": STAFF_PASSWORD,
                    "secret": secret,
                }
            )
        ids = dict(Participant.objects.values_list("kpj", "pk"))
        world = {
            "password": PASSWORD,
            "staff": staff,
            "members": [
                {
                    "id": ids[row["kpj"]],
                    "email": row["email"],
                    "kpj": row["kpj"],
                    "name": row["full_name"],
                    "selfies": [
                        str(FACES / people[i % len(people)] / f"{n}.jpg")
                        for n in PEOPLE[people[i % len(people)]][1]
                    ],
                }
                for i, row in enumerate(rows)
            ],
        }
        (out / "world.json").write_text(json.dumps(world, indent=1))
        self.stdout.write(f"{len(rows)} members activated; world in {out}/world.json")
