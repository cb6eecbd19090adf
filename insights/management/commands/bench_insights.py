"""Benchmark: the insights page for a full year and the nightly rollup of one day.

Runs in a scratch PostgreSQL database (`jmo_bench_insights`, dropped afterwards):
seeds a year of 1,000,000 selfie attempts, 200,000 claims (one per member, most
paid), blocks and walk-in tickets in SQL, builds the rollups for the year, then
times the nightly rollup of one day (again) and the page for the whole year
(django.test.Client, logged in as an admin, full middleware and templates).
"""

import datetime as dt
import math
import time

from django.core.management.base import BaseCommand, CommandError

TARGET_PAGE_P95_MS = 300.0
TARGET_NIGHTLY_S = 10.0

# Every row is drawn from i with hash-like arithmetic: the same world each run.
SEED_SQL = [
    """INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,
         email, is_staff, is_active, date_joined)
       SELECT '!', false, 'bench' || i, '', '', '', false, true,
              %(start)s::timestamptz + ((i * 7919) %% 330) * interval '1 day'
                + ((i * 31) %% 900 + 60) * interval '1 minute' + interval '2 days'
       FROM generate_series(1::bigint, %(members)s) i WHERE i %% 5 <> 0""",
    """INSERT INTO participants_participant (nik, kpj, full_name, birth_date, gender,
         email, phone, language, npwp, balance, contributions_total, yield_total,
         paid_out_total, notify_email, notify_sms, created_at, profile_confirmed_at,
         user_id)
       SELECT (9000000000000000 + i)::text, (90000000000 + i)::text, 'Peserta ' || i,
              date '1960-01-01' + ((i * 104729) %% 15000)::int, CASE WHEN i %% 2 = 0 THEN 'M' ELSE 'F' END,
              '', '', 'id', '', 0, 0, 0, 0, true, false,
              %(start)s::timestamptz + ((i * 7919) %% 330) * interval '1 day'
                + ((i * 31) %% 900) * interval '1 minute',
              CASE WHEN i %% 5 <> 0 AND i %% 3 <> 0 THEN %(start)s::timestamptz
                + ((i * 7919) %% 330) * interval '1 day' + interval '6 days' END,
              u.id
       FROM generate_series(1::bigint, %(members)s) i
       LEFT JOIN auth_user u ON u.username = 'bench' || i""",
    """INSERT INTO claims_claim (reference, participant_id, claim_type, status, channel,
         requirements, balance_at_start, gross, tax, net, tax_regime, bank_code,
         account_number, account_holder, bank_verified_name, npwp, decision_note,
         review_round, created_at, updated_at, submitted_at, sla_due, paid_at)
       SELECT 'JHT-B' || p.id, p.id,
              (ARRAY['resign','termination','contract_end','partial_10'])[1 + p.id %% 4],
              CASE WHEN p.id %% 10 < 8 THEN 'paid' ELSE 'cancelled' END,
              CASE WHEN p.id %% 3 = 0 THEN 'review' ELSE 'online' END, '[]',
              10000000, 10000000, 0, 10000000, '', 'BCA', '', '', '', '', '', 1,
              p.created_at + interval '10 days', p.created_at + interval '10 days',
              CASE WHEN p.id %% 10 < 9 THEN p.created_at + interval '10 days 1 hour' END,
              CASE WHEN p.id %% 10 < 9 THEN (p.created_at + interval '11 days')::date END,
              CASE WHEN p.id %% 10 < 8 THEN p.created_at + interval '10 days 1 hour'
                + ((p.id * 13) %% (CASE WHEN p.id %% 3 = 0 THEN 9000 ELSE 600 END) + 30)
                  * interval '1 minute' END
       FROM participants_participant p ORDER BY p.id LIMIT %(claims)s""",
    """INSERT INTO biometrics_selfieattempt (participant_id, status, counted, distance,
         threshold_used, quality_findings, guidance, guidance_params, image_sha256,
         width, height, timings, dispatch_count, liveness, frames, frame_times_ms,
         created_at, updated_at)
       SELECT p.id, s.status, s.status = 'not_matched', 0.4, 0.47,
              CASE WHEN s.status = 'rejected_quality' THEN jsonb_build_array(jsonb_build_object(
                'code', (ARRAY['no_face','several_faces','too_dark','blurred','face_cut',
                 'face_too_small','too_bright'])[1 + (a.i * 7) %% 7], 'message', ''))
                ELSE '[]'::jsonb END,
              '', '{}', md5(a.i::text) || md5((a.i + 1)::text), 0, 0, '{}', 1, '{}', '[]',
              '[]', t.at, t.at
       FROM generate_series(1::bigint, %(attempts)s) a(i)
       JOIN participants_participant p ON p.id = (SELECT min(id) FROM participants_participant)
            + (a.i * 48271) %% %(members)s
       CROSS JOIN LATERAL (SELECT CASE WHEN a.i %% 10 < 6 THEN 'matched'
                                       WHEN a.i %% 10 < 8 THEN 'rejected_quality'
                                       ELSE 'not_matched' END AS status) s
       CROSS JOIN LATERAL (SELECT least(p.created_at + interval '10 days 20 minutes'
                                  + ((a.i * 17) %% 40) * interval '1 day',
                                  %(end)s::timestamptz - interval '1 minute') AS at) t""",
    """INSERT INTO participants_block (participant_id, kind, reason, reason_params,
         created_at, lifted_at, lift_reason)
       SELECT p.id, (ARRAY['biometric','kpj','activation'])[1 + p.id %% 3], 'bench', '{}',
              p.created_at + interval '12 days',
              p.created_at + interval '12 days' + ((p.id %% 200) + 1) * interval '1 hour', 'desk'
       FROM participants_participant p WHERE p.id %% 10 = 7""",
    """INSERT INTO frontoffice_walkinticket (branch, day, prefix, number, reason, status,
         created_at)
       SELECT (ARRAY['pusat','bekasi','bandung'])[1 + d %% 3], %(start)s::date + d, 'C', n,
              'other', 'served', %(start)s::timestamptz + d * interval '1 day'
       FROM generate_series(0, 364) d, generate_series(1, 100) n""",
]


def _percentile(values: list[float], q: int) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(q / 100 * len(ordered)) - 1, 0)]


class Command(BaseCommand):
    help = (
        "Benchmark the insights page (a full year) and the nightly rollup of one day."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--attempts", type=int, default=1_000_000)
        parser.add_argument("--claims", type=int, default=200_000)
        parser.add_argument("--members", type=int, default=250_000)
        parser.add_argument("--requests", type=int, default=50)
        parser.add_argument(
            "--postgres",
            default="postgres://postgres@127.0.0.1:5432/jmo_bench_insights",
        )
        parser.add_argument("--inner", action="store_true", help="(internal)")

    def handle(self, *args, **options) -> None:
        if options["claims"] > options["members"]:
            raise CommandError("--claims cannot exceed --members (one claim each)")
        if options["inner"]:
            return self._run(options)
        from jmo_portal.processes import scratch_database_bench

        argv = [
            f"--{k}={options[k]}" for k in ("attempts", "claims", "members", "requests")
        ]
        scratch_database_bench(
            command="bench_insights",
            argv=argv,
            options=options,
            failure="bench_insights failed",
        )

    def _run(self, options) -> None:
        from django.db import connection, transaction
        from django.utils import timezone

        from insights.rollup import insights_rollup

        if connection.vendor != "postgresql":
            raise CommandError("bench_insights runs on PostgreSQL only")
        today = timezone.localdate()
        first = today - dt.timedelta(days=365)
        start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
        params = {"start": start, "end": end, **options}
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            for sql in SEED_SQL:
                cur.execute(sql, params)
            cur.execute("ANALYZE")
        counts = self._counts()
        self.stdout.write(f"seeded in {time.perf_counter() - t0:.0f} s: {counts}")
        t0, day = time.perf_counter(), first
        while day < today:
            last = min(day + dt.timedelta(days=30), today - dt.timedelta(days=1))
            insights_rollup(start=day, end=last)
            day = last + dt.timedelta(days=1)
        self.stdout.write(f"rollup of the whole year: {time.perf_counter() - t0:.0f} s")
        with connection.cursor() as cur:
            cur.execute("ANALYZE insights_dailyfigure, insights_dailyduration")
        nightly = []
        for back in (120, 60, 30):
            day = today - dt.timedelta(days=back)
            nightly.append(insights_rollup(start=day, end=day)["seconds"])
        worst = max(nightly)
        self.stdout.write(
            f"nightly rollup of one day: {', '.join(f'{s:.2f} s' for s in nightly)} "
            f"(target <= {TARGET_NIGHTLY_S:.0f} s: {'yes' if worst <= TARGET_NIGHTLY_S else 'NO'})"
        )
        from insights.forms import default_period

        # The page's default (the last twelve full months), then 365 days to yesterday.
        client = self._admin_client()
        p95 = self._page(client, *default_period(), options["requests"])
        self._page(client, first, today - dt.timedelta(days=1), options["requests"])
        ok = p95 <= TARGET_PAGE_P95_MS and worst <= TARGET_NIGHTLY_S
        verdict = "TARGET MET" if ok else "TARGET MISSED"
        style = self.style.SUCCESS if ok else self.style.WARNING
        self.stdout.write(style(verdict))

    def _counts(self) -> dict:
        from biometrics.models import SelfieAttempt
        from claims.models import Claim
        from participants.models import Block, Participant

        return {
            "members": Participant.objects.count(),
            "claims": Claim.objects.count(),
            "selfie_attempts": SelfieAttempt.objects.count(),
            "blocks": Block.objects.count(),
        }

    def _admin_client(self):
        """An admin made by `create_staff`, logged in at /desk/login/ with the
        password and the code of its authenticator (the second factor)."""
        from io import StringIO

        from django.conf import settings
        from django.core.management import call_command
        from django.test import Client
        from django_otp.oath import TOTP
        from django_otp.plugins.otp_totp.models import TOTPDevice

        settings.DEBUG = False
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        password = "Bench-Admin-Rahasia-2026"
        call_command(
            "create_staff", "bench-admin", "--role", "admin",
            "--password", password, stdout=StringIO(),
        )  # fmt: skip
        device = TOTPDevice.objects.get(user__username="bench-admin")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        client = Client()
        response = client.post(
            "/desk/login/",
            {
                "username": "bench-admin",
                "password": password,
                "otp_token": f"{totp.token():0{device.digits}d}",
            },
        )
        if response.status_code != 302:
            raise CommandError(
                f"the bench admin could not log in ({response.status_code})"
            )
        return client

    def _page(self, client, first: dt.date, last: dt.date, requests: int) -> float:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from insights.models import DailyDuration, DailyFigure

        query = {"from": first.isoformat(), "to": last.isoformat()}
        timings = {"page": [], "api": []}
        urls = {"page": "/desk/insights/", "api": "/api/v1/insights/"}
        for k in range(requests + 5):
            for name, url in urls.items():
                t0 = time.perf_counter()
                response = client.get(url, query)
                elapsed = (time.perf_counter() - t0) * 1000
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
                if k >= 5:
                    timings[name].append(elapsed)
        with CaptureQueriesContext(connection) as ctx:
            client.get(urls["page"], query)
        rows = DailyFigure.objects.count() + DailyDuration.objects.count()
        for name, values in timings.items():
            self.stdout.write(
                f"{name} for {first}..{last}: requests={len(values)} "
                f"p50={_percentile(values, 50):.0f}ms p95={_percentile(values, 95):.0f}ms"
            )
        p95 = _percentile(timings["page"], 95)
        self.stdout.write(
            f"page: {len(ctx)} queries over {rows} rollup rows "
            f"(target p95 <= {TARGET_PAGE_P95_MS:.0f} ms: {'yes' if p95 <= TARGET_PAGE_P95_MS else 'NO'})"
        )
        return p95
