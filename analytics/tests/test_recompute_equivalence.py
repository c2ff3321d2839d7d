"""Guard: the nightly incremental recompute leaves exactly the snapshots that a full recompute leaves.

For several seeds: a small world of every app, a first full recompute, then a random sequence of writes through
the real paths (forms, services, importers, the API) of every app, at moments spread over a few weeks (the clock
moves, months end), possibly dated months back (a historical import). Then the nightly run (the e-parking summaries,
then the incremental recompute) and a snapshot of every snapshot (value, target, achievement, status,
completeness, per indicator and period, months and years); then ``recompute_indicators --full``; the two must be
equal. A write the product refuses (ValidationError, a refused import) is part of the sequence too: it must
change nothing."""

import contextlib
import io
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin as django_admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Max
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from analytics.demo import DEMO_FILE
from analytics.models import IndicatorSnapshot, IndicatorTarget
from analytics.scorecard import indicator_target_set, indicators_recompute
from cashless.admin import ParkingLocationAdmin
from cashless.models import ParkingLocation
from cashless.services import daily_summaries_nightly, parking_transactions_import
from cashless.tests.factories import HEADER, csv_of, link, make_location, row
from industry_center.choices import BillStatus, PaymentChannel
from industry_center.models import LevyBill, ProductionHouse, Tenancy
from industry_center.services import (
    levy_bill_cancel,
    levy_bills_issue_month,
    levy_bills_mark_overdue,
    payment_record,
    production_house_save,
    tenancy_save,
    tenant_save,
)
from industry_center.tests.factories import MERCHANT_ID, make_centre, make_tenancy
from licensing.choices import PermitStatus
from licensing.models import PermitApplication, PermitType, ServiceDisruption
from licensing.services import (
    allowed_transitions,
    permit_application_create,
    permit_application_transition,
    permit_application_update,
    service_disruption_save,
)
from msme.choices import MsmeStatus, OutletMovementKind, ParticipantStatus
from msme.models import Listing, MarketplaceCategory, Msme, OutletProduct, Training, TrainingParticipant
from msme.services import (
    listing_save,
    msme_merge,
    msme_update,
    outlet_movement_record,
    outlet_payout_record,
    outlet_product_save,
    participant_record,
    participant_select,
    training_apply,
    training_save,
)
from msme.tests.factories import make_msme
from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import
from smarteconomy.models import DirtyPeriod

SEEDS = range(12)
WRITES = 20
START = (2026, 2, 10, 9)  # the first full recompute: 10 February 2026, 09.00 WITA
SNAPSHOT_FIELDS = ("indicator_code", "period", "value", "target", "achievement", "status", "completeness")


class Clock:
    """timezone.now() of the product, moved by the test (history, auto_now and "today" follow it)."""

    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment

    def advance(self, **delta):
        self.moment += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(timezone.make_aware(datetime(*START)).astimezone(UTC))
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def at(day, hour=10):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def snapshots():
    return {
        (code, period): rest
        for code, period, *rest in IndicatorSnapshot.objects.values_list(*SNAPSHOT_FIELDS).order_by(
            "indicator_code", "period"
        )
    }


class World:
    """The records of every app the writes work on, and the users who write them."""

    def __init__(self, rng, users, client_factory):
        self.rng = rng
        self.users = users
        self.client_factory = client_factory
        self.serial = 0

    def next(self, prefix):
        self.serial += 1
        return f"{prefix}{self.serial:04d}"

    def today(self):
        return timezone.localdate()

    def past_day(self, back=400):
        """A day between ``back`` days ago and today."""
        return self.today() - timedelta(days=self.rng.randint(0, back))

    def client(self, role):
        client = self.client_factory()
        client.force_login(self.users[role])
        return client


@pytest.fixture
def world(clock, reference_data, role_users, client):
    from django.test import Client

    users = role_users
    PermitType.objects.create(code="pbg", name="PBG", service_level_days=5, risk_level="menengah_rendah")
    MarketplaceCategory.objects.create(code="makanan", name="Makanan")
    batch = run_import("grdp", data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, user=users["bappeda"])
    assert batch.status == ImportStatus.COMMITTED
    airport = make_location()
    link(users["operator_airport"], airport)
    make_location("BSB", "Balikpapan Superblock")  # hands over no log: its days are missing
    w = World(random.Random(0), users, Client)
    base = date(2025, 1, 1)
    for n in range(6):  # applications over 2025, some decided
        submitted = at(base + timedelta(days=40 * n))
        app = permit_application_create(
            registration_number=w.next("SPT-"),
            applicant_name=f"CV {n}",
            applicant_kind="company",
            permit_type=PermitType.objects.get(),
            channel="spontan" if n % 2 else "counter",
            submitted_at=submitted,
        )
        if n % 3:
            permit_application_transition(application=app, to_status=PermitStatus.VERIFICATION, at=submitted)
            permit_application_transition(
                application=app, to_status=PermitStatus.APPROVED, at=submitted + timedelta(days=4 + n)
            )
    service_disruption_save(
        system="spontan", started_at=at(date(2025, 6, 3)), ended_at=at(date(2025, 6, 3), 15), impact="x"
    )
    centre = make_centre()
    for n in range(3):
        make_tenancy(centre, unit_code=f"RP-{n:02d}", tenant_name=f"UD {n}", start=date(2025, 1, 1))
    production_house_save(centre=centre, unit_code="RP-09", commodity="tofu", equipment_level="traditional")
    for month in range(1, 13):
        levy_bills_issue_month(period=date(2025, month, 1), today=date(2025, month, 1))
    levy_bills_issue_month()
    for n in range(8):
        make_msme(n + 1, registered_on=date(2024, 1 + n, 10))
    msmes = list(Msme.objects.order_by("pk"))
    for n, msme in enumerate(msmes[:4]):
        listing_save(
            msme=msme,
            product_name=f"Produk {n}",
            category=MarketplaceCategory.objects.get(),
            price=10000,
            listed_on=date(2025, 2 + n, 1),
            active=True,
        )
    training = training_save(title="Digital", starts_on=date(2025, 11, 20), ends_on=date(2025, 11, 21), quota=3)
    for msme in msmes[:3]:
        training_apply(training=training, msme=msme)
    product = outlet_product_save(msme=msmes[0], name="Amplang", unit_price=Decimal(20000), commission_percent=10)
    outlet_movement_record(product=product, kind=OutletMovementKind.INTAKE, quantity=50, on=date(2025, 5, 2))
    outlet_movement_record(product=product, kind=OutletMovementKind.SALE, quantity=5, on=date(2025, 5, 20))
    days = [date(2025, 12, 30), date(2026, 1, 15), date(2026, 2, 8)]
    log = [row(tid=f"B{n}", entry=f"{d}T09:00:00+08:00", exit_=f"{d}T10:00:00+08:00") for n, d in enumerate(days)]
    batch = parking_transactions_import(
        location=airport, data=csv_of(*log), filename="a.csv", user=users["operator_airport"]
    )
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    indicator_target_set(indicator_code="licensing.online_share", year=2025, value=60)
    daily_summaries_nightly()
    call_command("recompute_indicators", "--full", stdout=io.StringIO())
    return w


# --- The writes -----------------------------------------------------------------------------------------------


def _random_application(w):
    return w.rng.choice(list(PermitApplication.objects.order_by("pk"))) if PermitApplication.objects.exists() else None


def application_form(w):
    """The page's form (DPMPTSP), submitted some days back."""
    submitted = timezone.localtime(timezone.now() - timedelta(days=w.rng.randint(0, 90), hours=2))
    w.client("dpmptsp").post(
        reverse("licensing:application_add"),
        {
            "registration_number": w.next("WEB-"),
            "applicant_name": "PT Web",
            "applicant_kind": "company",
            "permit_type": PermitType.objects.get().pk,
            "channel": w.rng.choice(["spontan", "oss", "counter"]),
            "submitted_at": submitted.strftime("%Y-%m-%dT%H:%M"),
        },
    )


def application_step(w):
    """A workflow step of an application (possibly dated back, after its previous step)."""
    app = _random_application(w)
    steps = list(allowed_transitions(app))
    if not steps:
        return
    last = app.changes.order_by("-at").first().at
    moment = last + (timezone.now() - last) * w.rng.random()
    to_status = w.rng.choice(steps)
    reasons = {PermitStatus.RETURNED: "wrong_file", PermitStatus.REJECTED: "requirements"}
    permit_application_transition(application=app, to_status=to_status, at=moment, reason=reasons.get(to_status, ""))


def application_correction(w):
    """DPMPTSP corrects a saved application's data: its channel (the online share of its months and year)."""
    app = _random_application(w)
    permit_application_update(application=app, channel=w.rng.choice(["spontan", "oss", "counter"]))


def msme_merge_write(w):
    """A duplicate entry merged into the registered MSME, taking an earlier registration date."""
    msme = Msme.objects.order_by("?").first()
    earlier = msme.registered_on - timedelta(days=w.rng.randint(1, 200))
    msme_merge(into=msme, take=["registered_on"], registered_on=earlier)


def application_page_step(w):
    """A workflow step on the application's page (the record action), now."""
    app = _random_application(w)
    steps = [step for step in allowed_transitions(app) if step in (PermitStatus.VERIFICATION, PermitStatus.APPROVED)]
    if steps:
        w.client("dpmptsp").post(
            reverse("licensing:application_transition", args=[app.pk]),
            {"to_status": w.rng.choice(steps), "reason": "", "note": ""},
        )


def holidays_import(w):
    """A public holiday or cuti bersama recorded late: working days change for every period around it."""
    day = w.past_day(400)
    data = f"date,name,kind\n{day},Cuti bersama,collective_leave\n".encode()
    run_import("holidays", data=data, filename="h.csv", user=w.users["admin"])


def holiday_admin(w):
    """The administrators add a regional holiday in the back office."""
    response = w.client("admin").post(
        reverse("admin:smarteconomy_publicholiday_add"),
        {"date": w.past_day(400).isoformat(), "name": "Hari jadi Kota", "kind": "regional"},
    )
    assert response.status_code in (200, 302)  # 200: the form refused it (a date already recorded)


def location_admin(w):
    """The administrators take a parking location out of service, or back (the back office's save)."""
    location = ParkingLocation.objects.order_by("?").first()
    location.active = not location.active
    request = RequestFactory().post("/")
    request.user = w.users["admin"]
    ParkingLocationAdmin(ParkingLocation, django_admin.site).save_model(request, location, None, True)


def permits_import(w):
    """A historical export: decided applications of an old month (the defect of issue 14)."""
    submitted = at(w.past_day(500), 9)
    decided = submitted + timedelta(days=w.rng.randint(1, 20))
    status = w.rng.choice(["approved", "rejected", "submitted"])
    line = f"{w.next('OSS-')},PT Lama,company,,,pbg,oss,,{submitted:%Y-%m-%d %H:%M},"
    line += f"{status},{decided:%Y-%m-%d %H:%M}," if status != "submitted" else ",,"
    header = "registration_number,applicant_name,applicant_kind,nib,kbli_codes,permit_type,channel,kelurahan,"
    header += "submitted_at,status,decided_at,issued_at,oss_reference"
    run_import("permits", data=f"{header}\n{line}\n".encode(), filename="p.csv", user=w.users["dpmptsp"])


def disruption(w):
    """A disruption recorded or changed: over several months, or still going on."""
    started = at(w.past_day(300), w.rng.randint(0, 23))
    ended = None if w.rng.random() < 0.3 else started + timedelta(hours=w.rng.randint(1, 24 * 50))
    ended = ended if ended is None or ended < timezone.now() else None
    existing = ServiceDisruption.objects.order_by("?").first() if w.rng.random() < 0.4 else None
    service_disruption_save(disruption=existing, system="oss", started_at=started, ended_at=ended, impact="down")


def payment(w):
    bill = LevyBill.objects.exclude(status__in=[BillStatus.PAID, BillStatus.CANCELLED]).order_by("?").first()
    if bill is None:
        return
    issued = at(bill.issued_on)
    paid_at = issued + (timezone.now() - issued) * w.rng.random()
    channel = w.rng.choice([PaymentChannel.QRIS, PaymentChannel.CASH])
    amount = bill.amount - bill.paid_amount if w.rng.random() < 0.7 else max((bill.amount - bill.paid_amount) // 2, 1)
    payment_record(bill=bill, channel=channel, amount=amount, paid_at=paid_at, reference=w.next("RRN"))


def cancel_bill(w):
    bill = LevyBill.objects.filter(paid_amount=0).exclude(status=BillStatus.CANCELLED).order_by("?").first()
    if bill is not None:
        levy_bill_cancel(bill=bill, reason="salah tagih")


def issue_bills(w):
    levy_bills_issue_month()


def settlement_import(w):
    """The bank's QRIS settlement file: a transaction for an open bill (by its number) or an unknown one."""
    bill = LevyBill.objects.exclude(status__in=[BillStatus.PAID, BillStatus.CANCELLED]).order_by("?").first()
    if bill is None:
        return
    moment = timezone.localtime(timezone.now() - timedelta(hours=w.rng.randint(1, 200)))
    if moment.date() < bill.issued_on:
        return
    header = "transaction_time,amount,rrn,bill_number,merchant_id,payer"
    line = f"{moment:%Y-%m-%d %H:%M},{bill.amount - bill.paid_amount},{w.next('R')},{bill.number},{MERCHANT_ID},X"
    run_import("qris_settlement", data=f"{header}\n{line}\n".encode(), filename="s.csv", user=w.users["dkumkmp"])


def tenancy(w):
    """A free house let from a past date, or a tenancy ended."""
    let = set(Tenancy.objects.filter(end__isnull=True).values_list("house_id", flat=True))
    free = ProductionHouse.objects.exclude(pk__in=let).order_by("?").first()
    if free is not None and w.rng.random() < 0.6:
        tenant = tenant_save(name=w.next("UD "), owner_name="Budi")
        start = w.past_day(200)
        tenancy_save(tenant=tenant, house=free, start=start, monthly_levy=100_000)
    else:
        current = Tenancy.objects.filter(end__isnull=True).order_by("?").first()
        if current is not None:
            tenancy_save(tenancy=current, end=max(current.start, w.past_day(60)))


def house(w):
    existing = ProductionHouse.objects.order_by("?").first()
    production_house_save(house=existing, equipment_level=w.rng.choice(["traditional", "appropriate"]))


def msme_write(w):
    """A registration back-dated, or an MSME closed (its current status counts in every period)."""
    if w.rng.random() < 0.5:
        make_msme(w.serial + 100, registered_on=w.past_day(700))
        w.serial += 1
    else:
        msme = Msme.objects.order_by("?").first()
        msme_update(msme=msme, status=w.rng.choice([MsmeStatus.CLOSED, MsmeStatus.INACTIVE, MsmeStatus.ACTIVE]))


def msmes_import(w):
    header = "name,owner_name,owner_nik,nib,phone,address,kelurahan,business_category,scale,registered_on,status,qris_since,duplicate_of"
    n = w.rng.randint(10000, 99999)
    line = f"Usaha Impor {n},Pemilik {n},64710112039{n:05d},,,,64.71.01.1001,culinary,micro,{w.past_day(600)},active,,"
    run_import("msmes", data=f"{header}\n{line}\n".encode(), filename="m.csv", user=w.users["dkumkmp"])


def listing(w):
    """A listing added back-dated, delisted, or moved to another date."""
    existing = Listing.objects.order_by("?").first()
    if existing is not None and w.rng.random() < 0.5:
        delisted = max(existing.listed_on, w.past_day(100))
        listing_save(
            listing=existing, delisted_on=delisted if w.rng.random() < 0.6 else None, listed_on=existing.listed_on
        )
    else:
        listing_save(
            msme=Msme.objects.order_by("?").first(),
            product_name=w.next("P"),
            category=MarketplaceCategory.objects.get(),
            price=15000,
            listed_on=w.past_day(400),
            active=True,
        )


def listings_import(w):
    existing = Listing.objects.exclude(external_id=None).order_by("?").first()
    external = existing.external_id if existing is not None and w.rng.random() < 0.5 else w.next("SU-")
    msme = Msme.objects.order_by("?").first()
    header = "external_id,msme_id,product_name,category,price,listed_on,active,delisted_on"
    line = f"{external},{msme.pk},Kripik,makanan,12000,{w.past_day(300)},ya,"
    run_import("listings", data=f"{header}\n{line}\n".encode(), filename="l.csv", user=w.users["dkumkmp"])


def training(w):
    """A training moved, a participant selected, attending, adopting QRIS; or a new past training."""
    existing = Training.objects.order_by("?").first()
    choice = w.rng.random()
    if choice < 0.2:
        start = w.past_day(300)
        training_save(title=w.next("T"), starts_on=start, ends_on=start + timedelta(days=1), quota=2)
    elif choice < 0.35:
        start = w.past_day(300)
        training_save(training=existing, starts_on=start, ends_on=start + timedelta(days=1))
    else:
        participant = TrainingParticipant.objects.order_by("?").first()
        if participant is None:
            training_apply(training=existing, msme=Msme.objects.order_by("?").first())
        elif participant.status != ParticipantStatus.SELECTED:
            participant_select(participant=participant)
        else:
            adopted = participant.training.ends_on + timedelta(days=w.rng.randint(0, 40))
            participant_record(
                participant=participant, attended=True, qris_adopted_on=adopted if adopted <= w.today() else None
            )


def outlet(w):
    product = OutletProduct.objects.order_by("?").first()
    if w.rng.random() < 0.6:
        outlet_movement_record(product=product, kind=OutletMovementKind.SALE, quantity=1, on=w.past_day(300))
    else:
        month = w.past_day(300).replace(day=1)
        outlet_payout_record(
            msme=product.msme,
            month=month,
            amount=Decimal(1000),
            paid_on=min(month + timedelta(days=w.rng.randint(20, 50)), w.today()),
            method="transfer",
            reference=w.next("PO"),
        )


def _parking_rows(w, count):
    rows = []
    for _n in range(count):
        day = w.past_day(70)
        moment = at(day, w.rng.randint(6, 22))
        if moment > timezone.now() - timedelta(minutes=30):
            continue
        rows.append(
            (w.next("TX"), moment, w.rng.choice(["qris", "cash", "emoney"]), w.rng.choice(["paid", "paid", "failed"]))
        )
    return rows


def parking_upload(w):
    """The operator's upload of a log (the upload page's service)."""
    lines = [
        row(
            tid=tid,
            entry=f"{moment:%Y-%m-%dT%H:%M:%S}+08:00",
            exit_="",
            method=method,
            issuer="",
            status=status,
            reason="network" if status == "failed" else "",
        )
        for tid, moment, method, status in _parking_rows(w, 4)
    ]
    if lines:
        location = ParkingLocation.objects.get(code="SEPINGGAN")
        parking_transactions_import(
            location=location, data=csv_of(*lines, header=HEADER), filename="u.csv", user=w.users["operator_airport"]
        )


def parking_api(w):
    """The operator's system pushes transactions through the API."""
    items = [
        {
            "transaction_id": tid,
            "entry_time": timezone.localtime(moment).isoformat(),
            "vehicle_class": "car",
            "amount": 5000,
            "payment_method": method,
            "status": status,
            "failure_reason": "network" if status == "failed" else "",
        }
        for tid, moment, method, status in _parking_rows(w, 3)
    ]
    if items:
        w.client("operator_airport").post(
            reverse("cashless_api:transaction_push", args=[ParkingLocation.objects.get(code="SEPINGGAN").code]),
            {"transactions": items},
            content_type="application/json",
        )


def grdp_import(w):
    """A revised GRDP figure of Balikpapan for one of the years (BPS revises)."""
    year = w.rng.choice([2019, 2023])
    value = w.rng.randint(100_000, 9_000_000)
    header = "region_code,region_name,sector_code,year,price_basis,value"
    line = f"64.71,Kota Balikpapan,{w.rng.choice('ABCFG')},{year},ADHK,{value}"
    run_import("grdp", data=f"{header}\n{line}\n".encode(), filename="g.csv", user=w.users["bappeda"])


def target(w):
    """Bappeda sets a target on the indicator's page."""
    code = w.rng.choice(
        [
            "licensing.online_share",
            "msme.registered_stock",
            "industry_center.collection_rate",
            "cashless.parking_revenue",
        ]
    )
    year, value = w.rng.choice([2025, 2026]), w.rng.randint(1, 100)
    w.client("bappeda").post(
        reverse("analytics:indicator_target_set", args=[code]),
        {"target-year": year, "target-value": value, "target-note": ""},
    )
    assert IndicatorTarget.objects.get(indicator_code=code, year=year).value == value


WRITERS = (
    application_form,
    application_step,
    application_page_step,
    application_correction,
    permits_import,
    disruption,
    payment,
    cancel_bill,
    issue_bills,
    settlement_import,
    tenancy,
    house,
    msme_write,
    msme_merge_write,
    msmes_import,
    listing,
    listings_import,
    training,
    outlet,
    parking_upload,
    parking_api,
    grdp_import,
    target,
    holidays_import,
    holiday_admin,
    location_admin,
)


def run_writes(w, clock, count):
    done = []
    for _n in range(count):
        clock.advance(hours=w.rng.randint(1, 24 * 5))  # the writes are spread over a few weeks
        writer = w.rng.choice(WRITERS)
        marks = DirtyPeriod.objects.aggregate(last=Max("marked_at"))["last"]
        with contextlib.suppress(ValidationError):  # refused: nothing written
            writer(w)
        # Which writes changed something (they marked a period dirty): the failure message lists them.
        changed = DirtyPeriod.objects.aggregate(last=Max("marked_at"))["last"] != marks
        done.append(writer.__name__ + ("*" if changed else ""))
    return done


@pytest.mark.parametrize("seed", SEEDS)
def test_incremental_recompute_equals_full_recompute(world, clock, seed):
    world.rng = random.Random(seed)
    writes = run_writes(world, clock, WRITES)
    clock.advance(hours=world.rng.randint(1, 30))
    # The nightly run (settings.CELERY_BEAT_SCHEDULE): the summaries, overdue bills, then the incremental recompute.
    daily_summaries_nightly()
    levy_bills_mark_overdue()
    indicators_recompute()
    incremental = snapshots()
    call_command("recompute_indicators", "--full", stdout=io.StringIO())
    full = snapshots()
    differences = {
        key: {"incremental": incremental.get(key), "full": full.get(key)}
        for key in sorted(set(incremental) | set(full))
        if incremental.get(key) != full.get(key)
    }
    assert not differences, f"writes {writes}: {len(differences)} stale snapshots, e.g. {list(differences.items())[:3]}"


def test_every_app_is_written_by_the_guard():
    """The guard's writers cover every app's write paths (forms, services, importers, the API)."""
    modules = {writer.__name__ for writer in WRITERS}
    assert {"application_form", "permits_import", "settlement_import", "msmes_import", "listings_import"} <= modules
    assert {"parking_upload", "parking_api", "grdp_import", "target"} <= modules


def test_a_historical_import_makes_its_month_and_year_recompute(world, clock):
    """Issue 14: an export of decided applications of May 2025 imported in February 2026 changes May 2025 and the
    year 2025 (median, online share, returned share, service-level share), not May alone."""
    header = "registration_number,applicant_name,applicant_kind,nib,kbli_codes,permit_type,channel,kelurahan,"
    header += "submitted_at,status,decided_at,issued_at,oss_reference"
    lines = [
        f"OLD-{n},PT Lama,company,,,pbg,oss,,2025-05-0{n} 09:00,approved,2025-05-2{n} 14:00,," for n in range(1, 6)
    ]
    batch = run_import("permits", data="\n".join([header, *lines]).encode(), filename="p.csv", user=None)
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    before = snapshots()
    indicators_recompute()
    after = snapshots()
    for code in (
        "licensing.median_processing_days",
        "licensing.online_share",
        "licensing.within_service_level_share",
    ):
        assert after[(code, "2025-05")] != before.get((code, "2025-05")), code
        assert after[(code, "2025")] != before[(code, "2025")], code
    call_command("recompute_indicators", "--full", stdout=io.StringIO())
    assert snapshots() == after
