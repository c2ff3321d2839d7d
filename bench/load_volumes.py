"""Add the benchmark volumes of issue 9 to the configured database (not a throw-away one):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/se_bench .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python manage.py seed_demo
    DATABASE_URL=... .venv/bin/python bench/load_volumes.py --permits 100000 --msmes 50000 --parking-rows 10000000

Each option adds that many rows to what is already there (0 = none), so a second run adds as much again:
  --permits N       permit applications submitted in 2025 with plausible status histories (about 5 steps each), in
                    the 34 kelurahan, bulk-inserted (reading is what is measured, not the services); registration
                    numbers BENCH/0000001... (the demo's licensing calendar starts in 2026: nothing of 2025 is locked)
  --msmes N         MSMEs through the real MSME importer (run_import "msmes": validation, duplicate detection, history
                    rows), as a CSV of synthetic owners whose NIKs clash with no NIK already in the registry,
                    registered from January 2023 to November 2024 (before the demo's locked months);
  --parking-rows N  e-parking transactions through the real import (cashless.generator files of at most 1,000,000 rows,
                    each through parking_transactions_import: pandas validation, COPY into staging, INSERT ... SELECT,
                    then the daily summaries of the touched dates rebuilt). The rows are shared among the locations
                    (--parking-locations, default every location) and placed in the days before each location's
                    earliest transaction and before its first approved (locked) month, so the demo's recent months
                    stay as they were. The uploaded files are kept
                    under MEDIA_ROOT like any import's (about 100 MB per million rows).
Then VACUUM ANALYZE on PostgreSQL. The benchmark scripts bench/licensing.py and bench/msme_import.py use the same builders.
Refused with production settings (as seed_demo is).
"""

import argparse
import contextlib
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
# This folder holds bench/licensing.py: keep it off the import path so that "licensing" is the app.
sys.path[:] = [entry for entry in sys.path if Path(entry or os.getcwd()).resolve() != HERE]
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarteconomy.settings")

PERMIT_PREFIX = "BENCH/"
MSME_ADDRESS_PREFIX = "Jl. Contoh "
PARKING_FILE_ROWS = 1_000_000
SYLLABLES = [c + v for c in "bcdfghjklmnprstwy" for v in "aiueo"]
CATEGORIES = ["culinary", "fashion", "craft", "agribusiness", "trade", "services", "creative", "other"]


# --- permit applications ---------------------------------------------------------------------------------------


def add_permits(count, *, seed=7, batch_size=10_000, log=print):
    """Add ``count`` applications submitted in 2025 with plausible histories (about 5 steps each), numbered after
    the ones a previous run added. Returns the number added."""
    from django.db import transaction
    from django.utils import timezone

    from licensing.models import PermitApplication, PermitStatusChange, PermitType
    from licensing.services import APPLICATIONS_SOURCE
    from licensing.workingdays import add_working_days
    from smarteconomy.models import Kelurahan, PublicHoliday
    from smarteconomy.sources import PeriodLocked, ensure_unlocked

    first = PermitApplication.objects.filter(registration_number__startswith=PERMIT_PREFIX).count()
    rng = random.Random(seed + first)
    places = random.Random(seed + first + 1)  # its own sequence: the histories stay those of bench/licensing.py
    kelurahan_ids = list(Kelurahan.objects.values_list("pk", flat=True)) or [None]
    types = list(PermitType.objects.all())
    if not types:
        raise SystemExit("No permit types: run seed_demo first.")
    holidays = set(PublicHoliday.objects.values_list("date", flat=True))
    tz = timezone.get_current_timezone()
    start = datetime(2025, 1, 1, 8, tzinfo=tz)
    added = 0
    started = time.perf_counter()
    while added < count:
        size = min(batch_size, count - added)
        applications, plans = [], []
        for n in range(size):
            number = first + added + n
            permit_type = rng.choice(types)
            submitted = start + timedelta(days=rng.randint(0, 360), minutes=rng.randint(0, 8 * 60))
            channel = rng.choices(["spontan", "oss", "counter"], weights=[55, 30, 15])[0]
            steps = [
                ("", "submitted", "", submitted),
                ("submitted", "verification", "", submitted + timedelta(hours=2)),
            ]
            day = submitted.date()
            last = steps[-1][3]
            if rng.random() < 0.15:
                day = add_working_days(day, 1, holidays)
                returned = max(datetime.combine(day, last.timetz()), last + timedelta(minutes=5))
                resubmitted = returned + timedelta(days=rng.randint(2, 9))
                steps += [
                    ("verification", "returned", "wrong_file", returned),
                    ("returned", "resubmitted", "", resubmitted),
                    ("resubmitted", "verification", "", resubmitted + timedelta(hours=1)),
                ]
                day, last = resubmitted.date(), resubmitted + timedelta(hours=1)
            open_ = rng.random() < 0.05
            status, decided_at, issued_at = "verification", None, None
            if not open_:
                day = add_working_days(day, rng.randint(1, permit_type.service_level_days + 3), holidays)
                decided_at = max(datetime.combine(day, last.timetz()), last + timedelta(minutes=5))
                decision = "rejected" if rng.random() < 0.04 else "approved"
                steps.append((steps[-1][1], decision, "", decided_at))
                status = decision
                if decision == "approved":
                    issued_at = decided_at + timedelta(hours=1)
                    steps.append(("approved", "issued", "", issued_at))
                    status = "issued"
            applications.append(
                PermitApplication(
                    registration_number=f"{PERMIT_PREFIX}{number + 1:07d}",
                    applicant_name=f"Bench applicant {number + 1}",
                    applicant_kind="person",
                    permit_type=permit_type,
                    kelurahan_id=places.choice(kelurahan_ids),
                    channel=channel,
                    submitted_at=submitted,
                    status=status,
                    decided_at=decided_at,
                    issued_at=issued_at,
                )
            )
            plans.append(steps)
        # Inserted past the services: the lock of every month the batch writes is checked first (a locked period
        # stops the loader with its message, the batch not written).
        try:
            ensure_unlocked(
                APPLICATIONS_SOURCE,
                [at for a in applications for at in (a.submitted_at, a.decided_at, a.issued_at)],
            )
        except PeriodLocked as locked:
            raise SystemExit(f"permits: nothing more was loaded. {' '.join(locked.messages)}") from None
        with transaction.atomic():
            PermitApplication.objects.bulk_create(applications, batch_size=5000)
            changes = [
                PermitStatusChange(application_id=application.pk, from_status=f, to_status=t, reason=r, at=at)
                for application, steps in zip(applications, plans, strict=True)
                for f, t, r, at in steps
            ]
            PermitStatusChange.objects.bulk_create(changes, batch_size=10_000)
        added += size
        log(f"  permits: {added:,} of {count:,} added ({time.perf_counter() - started:.0f} s)")
    return added


# --- MSMEs -------------------------------------------------------------------------------------------------------


def synthetic_name(rng):
    word = lambda n: "".join(rng.choice(SYLLABLES) for _ in range(n)).capitalize()  # noqa: E731
    return f"{word(rng.randint(3, 4))} {word(rng.randint(3, 4))}"


def msme_csv(rows, kelurahan_codes, *, seed=11, first=0, taken_niks=()):
    """A CSV (bytes) of ``rows`` new active micro MSMEs for the MSME importer: structurally valid NIKs unlike any in
    ``taken_niks``, the given kelurahan, synthetic names unlike each other; addresses numbered from ``first``."""
    rng = random.Random(seed)
    lines = [
        "name,owner_name,owner_nik,nib,phone,address,kelurahan,business_category,scale,registered_on,status,"
        "qris_since,duplicate_of"
    ]
    start = date(2023, 1, 1)
    niks = set(taken_niks)
    for n in range(first, first + rows):
        code = rng.choice(kelurahan_codes)
        district = code[6:8]
        birth = date(1960, 1, 1) + timedelta(days=rng.randint(0, 15000))
        day = birth.day + (40 if rng.random() < 0.5 else 0)
        serial = 5001  # the demo numbers its owners from 0001: no clash with it
        nik = f"6471{district}{day:02d}{birth:%m%y}{serial:04d}"
        while nik in niks:  # one NIK per owner: the next serial number of that birth date and district
            serial += 1
            nik = f"6471{district}{day:02d}{birth:%m%y}{serial:04d}"
        niks.add(nik)
        nib = f"{9120000000000 + n:013d}" if rng.random() < 0.3 else ""
        phone = f"08{rng.randint(1_000_000_000, 9_999_999_999)}" if rng.random() < 0.7 else ""
        # Up to November 2024: the demo's registry is locked from December 2024 (smarteconomy.demo_reporting).
        registered = start + timedelta(days=rng.randint(0, 699))
        lines.append(
            f"{synthetic_name(rng)},{synthetic_name(rng)},{nik},{nib},{phone},{MSME_ADDRESS_PREFIX}{n},{code},"
            f"{rng.choice(CATEGORIES)},micro,{registered:%Y-%m-%d},active,,"
        )
    return ("\n".join(lines) + "\n").encode()


def add_msmes(count, *, seed=11, log=print):
    """Add ``count`` MSMEs through the MSME importer (all or nothing). Returns the number added."""
    from msme.models import Msme
    from smarteconomy.choices import ImportStatus
    from smarteconomy.importing import run_import
    from smarteconomy.models import Kelurahan

    first = Msme.objects.filter(address__startswith=MSME_ADDRESS_PREFIX).count()
    codes = list(Kelurahan.objects.values_list("code", flat=True))
    if not codes:
        raise SystemExit("No kelurahan: run migrate (and seed_demo) first.")
    taken = set(Msme.objects.values_list("owner_nik", flat=True))
    data = msme_csv(count, codes, seed=seed + first, first=first, taken_niks=taken)
    started = time.perf_counter()
    batch = run_import(
        "msmes", data=data, filename=f"bench-msmes-{first}.csv", user=None, source="command", max_bytes=1 << 31
    )
    if batch.status != ImportStatus.COMMITTED:
        raise SystemExit(f"MSME import refused: {batch.message} {batch.errors[:5]}")
    log(f"  msmes: {batch.rows_created:,} added through the importer ({time.perf_counter() - started:.0f} s)")
    return batch.rows_created


# --- e-parking transactions --------------------------------------------------------------------------------------


def add_parking_rows(count, *, location_codes=None, file_rows=PARKING_FILE_ROWS, workdir=None, log=print):
    """Add about ``count`` transactions, shared among the locations, through the real import and summary rebuild,
    in the days before each location's earliest transaction. Returns the number added."""
    from cashless.generator import write_rows
    from cashless.models import ParkingLocation, ParkingTransaction
    from cashless.services import parking_transactions_import
    from cashless.sources import PARKING_SOURCE
    from smarteconomy.choices import ImportStatus, ReportingStatus
    from smarteconomy.models import ReportingPeriod
    from smarteconomy.periods import Period

    locations = list(ParkingLocation.objects.order_by("pk"))
    if location_codes:
        locations = [location for location in locations if location.code in location_codes]
        missing = set(location_codes) - {location.code for location in locations}
        if missing:
            raise SystemExit(f"Unknown parking locations: {', '.join(sorted(missing))}")
    if not locations:
        raise SystemExit("No parking locations: run seed_demo first (or name them with --parking-locations).")
    workdir = Path(workdir or tempfile.mkdtemp(prefix="load-volumes-"))
    shares = [count // len(locations) + (1 if i < count % len(locations) else 0) for i in range(len(locations))]
    added = 0
    started = time.perf_counter()
    for location, share in zip(locations, shares, strict=True):
        done = 0
        while done < share:
            rows = min(file_rows, share - done)
            earliest = (
                ParkingTransaction.objects.filter(location=location)
                .order_by("business_date")
                .values_list("business_date", flat=True)
                .first()
            ) or date.today()
            # Nor in a month the location's operator submitted and Bappeda approved: the import would be refused.
            locked = (
                ReportingPeriod.objects.filter(
                    source=PARKING_SOURCE, part=location.code, status=ReportingStatus.APPROVED
                )
                .order_by("period")
                .values_list("period", flat=True)
                .first()
            )
            if locked:
                earliest = min(earliest, Period.parse(locked).start)
            # The generator writes about 2,400 rows a day (more at weekends) over rows // 2,400 + 1 days from
            # ``start``: starting that many days (and a margin) earlier ends before the earliest day.
            start = earliest - timedelta(days=rows // 2400 + 3)
            path = workdir / f"{location.code}-{start:%Y%m%d}.csv"
            written = write_rows(path, rows, code=f"V{start:%Y%m%d}", start=start, seed=start.toordinal())
            batch = parking_transactions_import(
                location=location,
                data=path.read_bytes(),
                filename=path.name,
                user=None,
                source="command",
                max_bytes=1 << 31,
            )
            path.unlink()
            if batch.status != ImportStatus.COMMITTED:
                raise SystemExit(f"Parking import refused: {batch.message} {batch.errors[:5]}")
            done += written
            added += batch.rows_created
            log(
                f"  parking: {location.code} {done:,} of {share:,} ({batch.rows_created:,} new in this file, "
                f"from {start}; {time.perf_counter() - started:.0f} s)"
            )
    with contextlib.suppress(OSError):
        workdir.rmdir()
    return added


def vacuum_analyze():
    """Fresh planner statistics, and the rows just added moved out of the GIN indexes' pending lists (the search
    indexes), as autovacuum would do some time later: the pages are measured as they run on a settled database."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--permits", type=int, default=0, help="permit applications to add")
    parser.add_argument("--msmes", type=int, default=0, help="MSMEs to add (through the importer)")
    parser.add_argument(
        "--parking-rows", type=int, default=0, help="e-parking transactions to add (import + summaries)"
    )
    parser.add_argument("--parking-locations", default="", help="comma-separated location codes (default: all)")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if getattr(settings, "IS_PRODUCTION", False):
        raise SystemExit("load_volumes refuses to run with production settings: it adds synthetic records.")
    print(f"Loading into {connection.vendor} database {connection.settings_dict['NAME']}")
    started = time.perf_counter()
    if args.permits:
        add_permits(args.permits)
    if args.msmes:
        add_msmes(args.msmes)
    if args.parking_rows:
        codes = [code.strip() for code in args.parking_locations.split(",") if code.strip()]
        add_parking_rows(args.parking_rows, location_codes=codes or None)
    vacuum_analyze()
    print(f"Done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
