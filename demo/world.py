"""The demo world behind `make run` (manage.py seed_demo): deterministic, idempotent.

Members are built through the registry and ledger services, so balances, yearly
rows and yield postings look exactly like imported ones. A member whose KPJ is
already there is left alone, which makes a second run change nothing.
"""

import datetime as dt
import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from claims.eligibility import add_months
from frontoffice.roles import ADMIN, CLAIMS_OFFICER, FRONT_OFFICE, MANAGEMENT
from frontoffice.staff import staff_create
from participants.models import Participant, YieldRate
from participants.services.accounts import account_create
from participants.services.data_update_desk import data_update_desk_confirm
from participants.services.ledger import (
    ContributionLine,
    contributions_record,
    yield_post,
)
from participants.services.policy import yield_rate_set
from participants.services.registry import (
    employer_get_or_create,
    employment_record,
    months,
    participant_register,
    yield_rate_for,
)
from participants.services.registry_csv import MemberIdentity

DEMO_PASSWORD = "Demo-12345"
FACES = Path(settings.BASE_DIR) / "demo" / "faces"
CALIBRATION = Path(settings.BASE_DIR) / "biometrics" / "data" / "calibration_dev.json"
LIVENESS = Path(settings.BASE_DIR) / "biometrics" / "data" / "liveness_dev.json"
GENERATED = 200
SEED = 462015  # PP 46/2015: any fixed number keeps the world the same on every run
MIN_WAGE, MAX_WAGE = 2_500_000, 15_000_000
# Credited rates from JHT_RULES.md; other years use the policy default (6%).
KNOWN_YIELDS = {2016: 719, 2020: 563}

MALE = (
    "Agus Ahmad Andi Arif Bambang Budi Dedi Dimas Eko Fajar Hendra Irfan Joko "
    "Kurniawan Made Muhammad Nyoman Putu Rizky Sigit Slamet Taufik Wahyu Yusuf "
    "Gilang Hadi Rudi Teguh Yoga Bayu Reza Ilham"
).split()
FEMALE = (
    "Ayu Dewi Fitri Indah Intan Kartika Lestari Maya Nur Putri Ratna Rina Sari "
    "Siti Sri Wulan Yuliana Anisa Dian Endang Nia Retno Tuti Wening Citra Melati"
).split()
LAST = (
    "Santoso Wijaya Saputra Pratama Hidayat Setiawan Nugroho Kusuma Rahayu "
    "Susanto Lubis Siregar Nasution Simanjuntak Hutapea Sembiring Tarigan "
    "Ginting Wibowo Purnomo Sulistyo Halim Tanjung Harahap Rangkuti Situmorang "
    "Manurung Pangaribuan Gunawan Firmansyah Maulana Ramadhan Permana Suryadi "
    "Utomo Hakim Sitompul Daulay Wirawan Yulianto"
).split()
# Kabupaten/kota codes (province + regency + district) for the NIK's first six digits.
REGIONS = ("317101", "317402", "327301", "330201", "337401", "347101", "357801")
REGIONS += ("127101", "517101", "737101", "320401", "360301")
EMPLOYERS = (
    "PT Maju Bersama Sejahtera",
    "PT Nusantara Tekstil Abadi",
    "PT Karya Logam Mandiri",
    "PT Indo Pangan Lestari",
    "PT Bumi Konstruksi Utama",
    "PT Cahaya Ritel Nusantara",
    "PT Samudra Logistik Indonesia",
    "PT Garuda Elektronika Jaya",
    "PT Mitra Sehat Prima",
    "PT Arta Solusi Digital",
    "PT Batik Pesisir Indah",
    "PT Sentosa Plastik Cikarang",
    "PT Sari Kopi Priangan",
    "CV Sumber Rejeki Banyumas",
    "Koperasi Tani Makmur",
    "PT Perkebunan Sawit Andalas",
    "PT Semen Tonasa Raya",
    "PT Baja Ringan Surabaya",
)
PHONE_PREFIXES = ("0811", "0812", "0813", "0821", "0852", "0857", "0877", "0895")


@dataclass(frozen=True)
class Job:
    employer: str
    start: dt.date
    end: dt.date | None
    wage: int  # the last wage; earlier years are lower (about 5% a year)


@dataclass(frozen=True)
class Member(MemberIdentity):
    jobs: tuple[Job, ...]


@dataclass(frozen=True)
class DemoLogin:
    login: str
    role: str
    description: str


def nik_for(region: str, birth_date: dt.date, gender: str, serial: int) -> str:
    day = birth_date.day + (40 if gender == "F" else 0)
    return f"{region}{day:02d}{birth_date:%m%y}{serial:04d}"


def _ago(today: dt.date, *, months_: int = 0, days: int = 0) -> dt.date:
    return add_months(today, -months_) - dt.timedelta(days=days)


def _ag(today: dt.date) -> list[tuple[str, str, Member]]:
    """The five people with photos in demo/faces: (folder, description, member)."""

    def person(n, folder, name, gender, born, jobs, story):
        # obama@demo.jmo, kit@demo.jmo: the first word of the folder after ag_.
        email = f"{folder.removeprefix('ag_').split('_')[0]}@demo.jmo"
        member = Member(
            nik=nik_for("317101", born, gender, 9001 + n),
            kpj=f"2401000000{n + 1}",
            full_name=name,
            birth_date=born,
            gender=gender,
            email=email,
            phone=f"08120000000{n + 1}",
            jobs=tuple(jobs),
        )
        return folder, story, member

    e = EMPLOYERS
    return [
        person(0, "ag_obama", "Barack Obama", "M", dt.date(1985, 8, 4),
               [Job(e[0], _ago(today, months_=51), _ago(today, months_=3), 4_000_000)],
               "resigned 3 months ago, balance under the online cap: claims online"),
        person(1, "ag_biden", "Joseph Biden", "M", dt.date(1968, 11, 20),
               [Job(e[1], _ago(today, months_=104), _ago(today, months_=8), 6_000_000)],
               "resigned 8 months ago, balance above the online cap: documents and "
               "an officer's review"),
        person(2, "ag_kit_harington", "Kit Harington", "M", dt.date(1986, 12, 26),
               [Job(e[2], _ago(today, months_=146), None, 3_600_000)],
               "still employed for 12 years: partial claims (10% or 30%) only"),
        person(3, "ag_rose_leslie", "Rose Leslie", "F", dt.date(1987, 2, 9),
               [Job(e[3], _ago(today, months_=70), _ago(today, days=10), 3_000_000)],
               "resigned 10 days ago: within the one-month waiting period"),
        person(4, "ag_alex_lacamoire", "Alex Lacamoire", "M", dt.date(1975, 4, 3),
               [Job(e[4], _ago(today, months_=160), _ago(today, months_=40), 3_500_000),
                Job(e[5], _ago(today, months_=38), None, 4_200_000)],
               "active again at a new employer: no full-balance claim"),
    ]  # fmt: skip


ACTIVATION_DEMO = Member(
    # The member typed in by the activation tutorial (tutorials/journeys.py).
    nik="3302011204850001",
    kpj="12345678901",
    full_name="Budi Santoso",
    birth_date=dt.date(1985, 4, 12),
    gender="M",
    email="budi.santoso@peserta.demo.jmo",
    phone="081234567801",
    jobs=(Job(EMPLOYERS[13], dt.date(2016, 3, 1), None, 3_200_000),),
)


def _wage(rng: random.Random) -> int:
    # Most wages sit near the regional minimums; a few reach managers' pay.
    return round(rng.triangular(MIN_WAGE, MAX_WAGE, 3_800_000), -4)


def _generated(today: dt.date) -> list[Member]:
    """200 varied members; the random draws never depend on today's date."""
    kpjs: set[str] = set()
    out = []
    for i in range(GENERATED):
        # One generator per member, KPJ drawn first: the KPJ (the idempotence key)
        # stays the same whatever the date does to the later draws.
        rng = random.Random(f"{SEED}-{i}")
        kpj = f"{rng.randint(10**10, 10**11 - 1)}"
        while kpj in kpjs or kpj.startswith("2401") or kpj == ACTIVATION_DEMO.kpj:
            kpj = f"{rng.randint(10**10, 10**11 - 1)}"
        kpjs.add(kpj)
        gender = rng.choice("MF")
        first = rng.choice(MALE if gender == "M" else FEMALE)
        middle = rng.choice(MALE if gender == "M" else FEMALE)
        names = [first, middle] if rng.random() < 0.2 and middle != first else [first]
        full_name = " ".join([*names, rng.choice(LAST)])
        span = rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 10, 12, 15, 18, 22, 26, 30))
        span_months = max(12, span * 12 - rng.randint(0, 11))
        kind = ("active", "active", "active", "active", "active", "resigned",
                "resigned", "resigned", "waiting", "resigned")[i % 10]  # fmt: skip
        if kind == "active":
            last = None
            ended_ago = 0
        elif kind == "waiting":
            ended_ago = rng.randint(1, 25)
            last = today - dt.timedelta(days=ended_ago)
        else:
            ended_ago = rng.randint(40, 2000)
            last = today - dt.timedelta(days=ended_ago)
        first_day = add_months(last or today, -span_months).replace(
            day=rng.randint(1, 28)
        )
        age_at_start = rng.randint(18, 34)
        birth = first_day - dt.timedelta(days=age_at_start * 365 + rng.randint(0, 364))
        jobs = _jobs(rng, first_day, last, today)
        region = rng.choice(REGIONS)
        handle = ".".join(full_name.lower().split())
        out.append(
            Member(
                nik=nik_for(region, birth, gender, 101 + i),
                kpj=kpj,
                full_name=full_name,
                birth_date=birth,
                gender=gender,
                email=f"{handle}.{i + 1:03d}@peserta.demo.jmo",
                phone=f"{rng.choice(PHONE_PREFIXES)}{rng.randint(10**7, 10**8 - 1)}",
                jobs=jobs,
            )
        )
    return out


def _jobs(
    rng: random.Random, start: dt.date, last: dt.date | None, today: dt.date
) -> tuple[Job, ...]:
    """Split a membership into one to three consecutive jobs, short gaps between."""
    total = len(months(start, last or today))
    count = 1 if total < 60 else rng.choice((1, 2, 2, 3))
    # Month offsets where a job ends; every job lasts at least a year.
    cuts = [rng.randint(12, total // 2 - 6)] if count > 1 else []
    if count == 3:
        cuts.append(rng.randint(cuts[0] + 12, total - 12))
    employers = rng.sample(EMPLOYERS, count)
    final_wage = _wage(rng)
    jobs, job_start = [], start
    for n, employer in enumerate(employers):
        is_last = n == count - 1
        end = last if is_last else add_months(start, cuts[n]) - dt.timedelta(days=1)
        months_before_last = 0 if is_last else total - cuts[n]
        wage = max(MIN_WAGE, round(final_wage / 1.05 ** (months_before_last / 12), -4))
        jobs.append(Job(employer, job_start, end, int(wage)))
        if not is_last:
            job_start = add_months(end, rng.randint(0, 2)) + dt.timedelta(days=1)
    return tuple(jobs)


def _contribution_lines(member: Member, employers: dict, today: dt.date) -> list:
    lines = []
    for job in member.jobs:
        periods = months(job.start, job.end or today)
        last_year = periods[-1].year
        for period in periods:
            # Wages rise about 5% a year up to the job's last wage.
            wage = job.wage / 1.05 ** (last_year - period.year)
            wage = max(MIN_WAGE, int(round(wage, -3)))
            lines.append(ContributionLine(employers[job.employer], period, wage))
    return lines


def _member_build(member: Member, employers: dict, rates: dict, today: dt.date):
    """One member with jobs, monthly contributions and yearly yields (one commit)."""
    with transaction.atomic():
        participant = participant_register(
            member=member, membership_start=member.jobs[0].start
        )
        for job in member.jobs:
            employment_record(
                participant=participant,
                employer=employers[job.employer],
                start=job.start,
                end=job.end,
            )
        contributions_record(
            participant=participant,
            lines=_contribution_lines(member, employers, today),
        )
        # Yield is credited after each finished year, also after the last job.
        for year in range(member.jobs[0].start.year, today.year):
            if year not in rates:
                rates[year] = yield_rate_for(year=year)
            yield_post(participant=participant, year=year, rate_bp=rates[year])
    return participant


def _ag_finish(participant: Participant, folder: str, desk: AbstractBaseUser) -> None:
    """Face reference from the first photo, a login, and data updated at the desk."""
    from biometrics.services import face_reference_create

    if not participant.face_references.exists():
        face_reference_create(
            participant=participant, image=FACES / folder / "1.jpg", source="demo"
        )
    if participant.user_id is None:
        account_create(
            participant=participant, email=participant.email, password=DEMO_PASSWORD
        )
    # The demo people have already updated their data (one of the green ticks),
    # through the same desk service a branch uses.
    if participant.profile_confirmed_at is None:
        data_update_desk_confirm(
            participant=participant,
            actor=desk,
            documents_seen=["ktp", "kk"],
            corrections={
                "address": "Jl. Overste Isdiman No. 10, Purwokerto",
                "postal_code": "53114",
                "kk_number": f"{participant.nik[:6]}0101150001",
                "mother_maiden_name": "Siti Rahayu",
                "marital_status": "married",
                "emergency_name": "Dewi Lestari",
                "emergency_relation": "spouse",
                "emergency_phone": "081300000001",
            },
            reason="Demo world: documents checked at the desk",
        )


STAFF = (
    ("desk", FRONT_OFFICE, "front-office desk at bekasi: search members, lift blocks"),
    ("officer", CLAIMS_OFFICER, "claims officer: review claims above the online cap"),
    ("manager", MANAGEMENT, "management: the effectiveness figures (/desk/insights/)"),
    ("admin", ADMIN, "admin: policies, audit log, Django admin"),
)
# Where the desk officer works: the staff menu's walk-in queue opens on it.
STAFF_POSTS = {"desk": "bekasi"}


# Demo only: fixed authenticator secrets, so `demo_logins` can print them (and
# today's code). Real staff get random ones from create_staff.
DEMO_TOTP_SECRETS = {
    "desk": "JMODESKDEMOTOTPSECRETJMODESKDEMO",
    "officer": "JMOOFFICERDEMOTOTPSECRETJMOOFFIC",
    "admin": "JMOADMINDEMOTOTPSECRETJMOADMINDE",
    "manager": "JMOMANAGERDEMOTOTPSECRETJMOMANAG",
}


def demo_logins() -> list[DemoLogin]:
    people = [
        DemoLogin(member.email, "participant", story)
        for _folder, story, member in _ag(timezone.localdate())
    ]
    return people + [DemoLogin(name, role, text) for name, role, text in STAFF]


def _calibration_ensure() -> int:
    """The dev-set face calibration and liveness counts the policy preview reads."""
    from biometrics.calibration import calibration_run_import
    from biometrics.liveness_eval import liveness_run_import
    from biometrics.models import CalibrationRun, LivenessRun

    added = 0
    for path, model, load in (
        (CALIBRATION, CalibrationRun, calibration_run_import),
        (LIVENESS, LivenessRun, liveness_run_import),
    ):
        dataset = json.loads(path.read_text(encoding="utf-8"))["dataset"]
        if not model.objects.filter(dataset=dataset).exists():
            load(path=path)
            added += 1
    return added


def demo_world_ensure() -> Counter:
    """Build whatever part of the demo world is missing; returns what was added."""
    from tutorials.demo import branches_demo_ensure, quiz_demo_ensure

    today = timezone.localdate()
    added: Counter = Counter()
    years = set(YieldRate.objects.values_list("year", flat=True))
    for year, rate_bp in KNOWN_YIELDS.items():
        if year not in years:
            yield_rate_set(year=year, rate_bp=rate_bp, actor=None, reason="demo world")
    employers = {name: employer_get_or_create(name=name) for name in EMPLOYERS}
    rates: dict[int, int] = {}
    ag = _ag(today)
    members = [m for _f, _s, m in ag] + [ACTIVATION_DEMO] + _generated(today)
    known = set(Participant.objects.values_list("kpj", flat=True))
    known_niks = set(Participant.objects.values_list("nik", flat=True))
    for member in members:
        if member.kpj in known or member.nik in known_niks:
            continue
        _member_build(member, employers, rates, today)
        added["participants"] += 1
    added["branches"] += branches_demo_ensure()
    User = get_user_model()
    for username, role, _text in STAFF:
        exists = User.objects.filter(username=username).exists()
        staff_create(
            username=username,
            role=role,
            password=None if exists else DEMO_PASSWORD,
            branch=STAFF_POSTS.get(username, ""),
            two_factor_secret=DEMO_TOTP_SECRETS[username],
        )
        added["staff"] += not exists
    desk = User.objects.get(username=STAFF[0][0])
    for folder, _story, member in ag:
        participant = Participant.objects.get(kpj=member.kpj)
        if participant.user_id is None:
            added["logins"] += 1
        _ag_finish(participant, folder, desk)
    quiz_demo_ensure()
    added["calibration"] += _calibration_ensure()
    return added
