"""Demo licensing data: permit types and the applications of the last twelve months up to today (fixed random seed,
so the same day gives the same data), counted against the public holidays of the reference data and recorded
through the services so that every application has its status history. Idempotent."""

import random
from calendar import monthrange
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from smarteconomy.models import Kelurahan
from smarteconomy.services import record_upsert
from smarteconomy.sources import stop_if_locked

from .choices import Channel, DisruptedSystem, PermitStatus, RejectReason, ReturnReason, RiskLevel
from .models import PermitApplication, PermitType
from .selectors import holiday_dates
from .services import permit_application_create, permit_application_transition, service_disruption_save
from .workingdays import add_working_days, is_working_day

S = PermitStatus
DEMO_NOTE = "Demo data (not DPMPTSP records)"

# code, name, service level (working days), risk level, usual channel, business permit (NIB/KBLI)
PERMIT_TYPES = [
    ("demo-pbg", "Persetujuan Bangunan Gedung (PBG)", 28, RiskLevel.MEDIUM_HIGH, Channel.SPONTAN, False),
    ("demo-slf", "Sertifikat Laik Fungsi (SLF)", 10, RiskLevel.MEDIUM_HIGH, Channel.SPONTAN, False),
    ("demo-usaha-mikro", "Izin usaha mikro dan kecil (OSS)", 3, RiskLevel.LOW, Channel.OSS, True),
    ("demo-reklame", "Izin penyelenggaraan reklame", 7, RiskLevel.MEDIUM_LOW, Channel.SPONTAN, True),
    ("demo-praktik-nakes", "Surat izin praktik tenaga kesehatan", 5, RiskLevel.MEDIUM_LOW, Channel.SPONTAN, False),
    (
        "demo-operasional-sekolah",
        "Izin operasional satuan pendidikan",
        14,
        RiskLevel.MEDIUM_HIGH,
        Channel.COUNTER,
        False,
    ),
    ("demo-sertifikat-standar", "Sertifikat standar usaha (OSS)", 10, RiskLevel.MEDIUM_LOW, Channel.OSS, True),
]
TYPE_WEIGHTS = [12, 6, 40, 10, 12, 3, 17]
# Applications per calendar month: fewer around Idul Fitri (March in 2025 and 2026) and the cuti bersama, more in the
# second half of the year.
# A scaled-down volume: every application goes through the services (about 40 ms each with its history), and the
# whole demo must load in seconds.
MONTHLY = [24, 25, 18, 17, 26, 26, 31, 32, 34, 35, 36, 29]
KBLI = ["47111", "56101", "56102", "47721", "96111", "10710", "47191", "49431", "68111", "85131"]
NAMES = ["Maju Jaya", "Teluk Balikpapan", "Borneo Sejahtera", "Manggar Indah", "Sepinggan Makmur", "Klandasan"]
PERSONS = ["Andi", "Siti", "Budi", "Rina", "Yusuf", "Dewi", "Agus", "Nurul", "Hendra", "Fitri", "Rahmat", "Lestari"]


def _aware(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _later(previous, day, rng):
    """A time on ``day`` during office hours, after ``previous``."""
    moment = _aware(day, rng.randint(8, 15), rng.randint(0, 59))
    return max(moment, previous + timedelta(minutes=rng.randint(5, 90)))


DEMO_REJECT_REASONS = (RejectReason.REQUIREMENTS_NOT_MET, RejectReason.NOT_PERMITTED, RejectReason.FALSE_DATA)


def _plan(rng, permit_type, submitted, holidays, cutoff):
    """The workflow steps of one application: [(status, at, reason)], stopping at ``cutoff`` (still open)."""
    steps = []
    day = submitted.date()
    sla = permit_type.service_level_days
    late = rng.random() < 0.12
    budget = rng.randint(sla + 1, sla + 6) if late else rng.randint(max(1, sla // 3), sla)
    used = 0
    verify_day = add_working_days(day, rng.choice([0, 1, 1]), holidays) if rng.random() < 0.5 else day
    used += 0 if verify_day == day else 1
    last = submitted
    steps.append((S.VERIFICATION, _later(last, verify_day, rng), ""))
    day = verify_day
    roll = rng.random()
    if roll < 0.16:  # returned for correction, then resubmitted
        reason = ReturnReason.WRONG_OR_MISSING_FILE if roll < 0.12 else ReturnReason.DATA_MISMATCH
        step = min(rng.randint(1, 2), max(1, budget - used - 1))
        day = add_working_days(day, step, holidays)
        used += step
        steps.append((S.RETURNED, _aware(day, 14, rng.randint(0, 59)), reason))
        day = day + timedelta(days=rng.randint(2, 12))
        steps.append((S.RESUBMITTED, _aware(day, 9, rng.randint(0, 59)), ""))
        steps.append((S.VERIFICATION, _aware(day, 13, rng.randint(0, 59)), ""))
    remaining = max(budget - used, 1 if not steps or steps[-1][0] != S.VERIFICATION else 0)
    day = add_working_days(day, remaining, holidays)
    decision = S.REJECTED if rng.random() < 0.04 else S.APPROVED
    # A rejection says why; chosen from the day, not from rng, so the rest of the demo data stays the same.
    reason = DEMO_REJECT_REASONS[day.toordinal() % len(DEMO_REJECT_REASONS)] if decision == S.REJECTED else ""
    steps.append((decision, _aware(day, 15, rng.randint(0, 59)), reason))
    if decision == S.APPROVED:
        steps.append((S.ISSUED, _aware(day, 16, rng.randint(0, 59)), ""))
    ordered, last = [], submitted
    for status, moment, reason in steps:
        moment = max(moment, last + timedelta(minutes=1))
        if moment > cutoff:
            break
        ordered.append((status, moment, reason))
        last = moment
    return ordered


def _last_twelve_months(today):
    """[(year, month)] of the twelve months ending with the current one, oldest first."""
    year, month = today.year, today.month
    months = []
    for _n in range(12):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def seed(stdout):
    User = get_user_model()
    officer = User.objects.filter(username="dpmptsp").first()
    if PermitApplication.objects.filter(permit_type__code__startswith="demo-").exists():
        stdout.write("Licensing demo data: already there.")
        _seed_survey(officer, stdout)
        return
    with stop_if_locked("licensing demo"), transaction.atomic():  # through the services, which check the lock
        count = _seed_records(officer)
    stdout.write(
        f"Licensing demo data: {count} applications in the last 12 months, {len(PERMIT_TYPES)} demo permit types."
    )
    _seed_survey(officer, stdout)
    _seed_targets(User.objects.filter(username="bappeda").first())


# Demo targets of Bappeda for the licensing indicators (a monthly flow gets a twelfth of the yearly target).
TARGETS = {
    "licensing.online_share": 80,
    "licensing.median_processing_days": 5,
    "licensing.within_service_level_share": 90,
    "licensing.returned_share": 10,
    "licensing.disruption_hours": 36,
    "licensing.service_satisfaction_index": Decimal("88.31"),  # category A (PermenPANRB 14/2017)
}


def _seed_targets(bappeda):
    from analytics.scorecard import indicator_target_set

    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year):
        for code, value in TARGETS.items():
            indicator_target_set(indicator_code=code, year=year, value=value, note="Demo target", by=bappeda)


def _seed_records(officer):
    rng = random.Random(2025)
    types = []
    for code, name, sla, risk, channel, business in PERMIT_TYPES:
        record_upsert(
            model=PermitType,
            lookup={"code": code},
            values={"name": f"{name} [demo]", "service_level_days": sla, "risk_level": risk, "legal_basis": DEMO_NOTE},
            by=officer,
        )
        types.append((PermitType.objects.get(code=code), channel, business))
    today = timezone.localdate()
    months = _last_twelve_months(today)
    holidays = holiday_dates(date(*months[0], 1), today + timedelta(days=366))
    kelurahan = list(Kelurahan.objects.all())
    cutoff = timezone.now()  # what would happen later is not there yet: those applications are still open
    count = 0
    # The test settings shrink the year (the browser tests seed it for every test); the shape stays the same.
    scale = getattr(settings, "DEMO_LICENSING_SCALE", 1.0)
    for year, month in months:
        days = [date(year, month, 1) + timedelta(days=n) for n in range(31)]
        days = [d for d in days if d.month == month and d < today]
        working = [d for d in days if is_working_day(d, holidays)]
        if not working:
            continue
        # The current month so far: its share of the month's volume.
        volume = max(1, round(MONTHLY[month - 1] * scale * len(days) / monthrange(year, month)[1]))
        for _n in range(volume):
            permit_type, usual, business = rng.choices(types, weights=TYPE_WEIGHTS)[0]
            roll = rng.random()
            if usual == Channel.COUNTER:
                channel = Channel.COUNTER if roll < 0.6 else Channel.SPONTAN
            elif usual == Channel.OSS:
                channel = Channel.OSS if roll < 0.9 else Channel.COUNTER
            else:
                channel = Channel.SPONTAN if roll < 0.8 else (Channel.COUNTER if roll < 0.95 else Channel.OSS)
            online = channel != Channel.COUNTER
            day = rng.choice(days if online and rng.random() < 0.15 else working)
            submitted = _aware(day, rng.randint(7 if online else 8, 21 if online else 15), rng.randint(0, 59))
            company = business and rng.random() < 0.6
            count += 1
            prefix = {Channel.SPONTAN: "SPT", Channel.OSS: "OSS", Channel.COUNTER: "LKT"}[channel]
            application = permit_application_create(
                by=officer,
                registration_number=f"DEMO-{prefix}/{year}/{count:05d}",
                applicant_name=(
                    f"{rng.choice(['CV', 'PT'])} {rng.choice(NAMES)}"
                    if company
                    else f"{rng.choice(PERSONS)} {rng.choice(PERSONS)}"
                ),
                applicant_kind="company" if company else "person",
                nib=f"91{rng.randint(0, 10**11 - 1):011d}" if business else "",
                kbli_codes=",".join(sorted(set(rng.sample(KBLI, rng.randint(1, 2))))) if business else "",
                permit_type=permit_type,
                channel=channel,
                kelurahan=rng.choice(kelurahan) if kelurahan and rng.random() < 0.8 else None,
                submitted_at=submitted,
                oss_reference=f"OSS-{year}{count:07d}" if channel == Channel.OSS else "",
            )
            for status, moment, reason in _plan(rng, permit_type, submitted, holidays, cutoff):
                permit_application_transition(
                    application=application, to_status=status, at=moment, reason=reason, by=officer
                )
    # (month of the window, day, hour, hours, system, impact)
    for index, day, hour, hours, system, impact in [
        (0, 14, 9, 6, DisruptedSystem.OSS, "OSS RBA tidak dapat diakses (gangguan pusat)."),
        (2, 5, 13, 3, DisruptedSystem.NETWORK, "Jaringan kantor DPMPTSP terputus."),
        (5, 17, 20, 14, DisruptedSystem.SPONTAN, "Server Spontan dalam pemeliharaan darurat."),
        (8, 2, 10, 4, DisruptedSystem.OSS, "Integrasi OSS–Spontan gagal sinkron."),
        (10, 20, 8, 2, DisruptedSystem.NETWORK, "Gangguan listrik di gedung pelayanan."),
    ]:
        start = _aware(date(*months[index], day), hour)
        if start + timedelta(hours=hours) > cutoff:
            continue
        service_disruption_save(
            by=officer,
            system=system,
            started_at=start,
            ended_at=start + timedelta(hours=hours),
            impact=f"{impact} ({DEMO_NOTE})",
            follow_up="Dilaporkan ke pengelola sistem; antrean diproses setelah pulih.",
            responsible_unit="Bidang Data dan Sistem Informasi (demo)",
        )
    return count


# The SKM answers: about 60% of the decided applicants answer, within ten days of the decision (online for an
# online application, mostly on paper at the counter otherwise). Scores are mostly 3 and 4; the completion time (U3)
# is the weak element and complaint handling (U8) the next, as in DPMPTSP's published surveys.
SURVEY_SHARE = 0.6
# Per element: the chances of a score of 1, 2, 3 (the rest is 4).
SURVEY_WEIGHTS = {
    "u1": (0.0, 0.05, 0.45),
    "u2": (0.0, 0.06, 0.5),
    "u3": (0.02, 0.22, 0.56),
    "u4": (0.0, 0.02, 0.28),
    "u5": (0.0, 0.04, 0.46),
    "u6": (0.0, 0.04, 0.44),
    "u7": (0.0, 0.03, 0.37),
    "u8": (0.01, 0.14, 0.55),
    "u9": (0.0, 0.08, 0.52),
}
SURVEY_COMMENTS = [
    "Petugas ramah dan membantu.",
    "Proses agak lama, mohon dipercepat.",
    "Informasi persyaratan sudah jelas.",
    "Ruang tunggu nyaman.",
    "Mohon status permohonan lebih sering diperbarui.",
]


def _score(rng, weights):
    roll = rng.random()
    total = 0.0
    for score, chance in enumerate(weights, start=1):
        total += chance
        if roll < total:
            return score
    return 4


def _seed_survey(officer, stdout):
    from .choices import SURVEY_STATUSES, SurveyChannel
    from .models import SURVEY_ELEMENTS, SurveyResponse
    from .services import survey_response_create

    demo = PermitApplication.objects.filter(permit_type__code__startswith="demo-")
    if SurveyResponse.objects.filter(application__in=demo).exists():
        stdout.write("Licensing demo survey answers: already there.")
        return
    rng = random.Random(1416)  # its own seed: the applications stay as they were
    now = timezone.now()
    count = 0
    with stop_if_locked("licensing demo survey"), transaction.atomic():
        decided = demo.filter(status__in=SURVEY_STATUSES, decided_at__isnull=False).order_by("pk")
        for application in decided:
            if rng.random() >= SURVEY_SHARE:
                continue
            at = application.decided_at + timedelta(days=rng.randint(0, 10), hours=rng.randint(0, 6))
            if at > now:
                continue
            counter = application.channel == Channel.COUNTER
            survey_response_create(
                application=application,
                scores=[_score(rng, SURVEY_WEIGHTS[code]) for code in SURVEY_ELEMENTS],
                channel=SurveyChannel.PAPER if counter and rng.random() < 0.8 else SurveyChannel.ONLINE,
                submitted_at=at,
                comment=rng.choice(SURVEY_COMMENTS) if rng.random() < 0.25 else "",
                by=officer,
            )
            count += 1
    stdout.write(f"Licensing demo survey answers: {count}.")
