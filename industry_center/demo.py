"""Demo data of the SIKS Somber small-industry centre: 94 production houses, 80 tenants (tofu, tempeh and chips
makers), the last 24 months of levy bills and payments (mostly QRIS, some cash, a few late with their arrears
bills), and this month's QRIS payments arriving through a bank settlement file, with a few rows left for a person
to match. The city's static QRIS is one of our own making (not a real merchant account). Fixed random seed;
bulk inserts (the whole seed takes a few seconds); idempotent."""

import random
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from smarteconomy.importing import run_import
from smarteconomy.sources import ensure_unlocked, stop_if_locked

from . import qris
from .choices import BillKind, BillStatus, Commodity, EquipmentLevel, PaymentChannel
from .models import Centre, LevyBill, Payment, ProductionHouse, Tenancy, Tenant
from .services import (
    HOUSES_SOURCE,
    LEVY_SOURCE,
    add_months,
    centre_save,
    levy_bills_issue_month,
    levy_bills_mark_overdue,
    month_start,
    months_late,
)

DEMO_NOTE = "Data demo (bukan data DKUMKMP)"
HOUSES = 94
TENANTS = 80
MONTHS = 24
SETTLEMENT_ROWS = 24  # this month's bills paid through the demo settlement file
T = qris.DataObject
# The city's static QRIS for the demo: a made-up Bankaltimtara account and NMID (not a real merchant).
DEMO_STATIC_QRIS = qris.build(
    [
        T("00", "01"),
        T("01", "11"),
        T(
            "26",
            children=(
                T("00", "ID.CO.BANKKALTIMTARA.WWW"),
                T("01", "9360012400000647101"),
                T("02", "000647101000094"),
                T("03", "UMI"),
            ),
        ),
        T("51", children=(T("00", "ID.CO.QRIS.WWW"), T("02", "ID1026471000094"), T("03", "UMI"))),
        T("52", "9399"),
        T("53", "360"),
        T("58", "ID"),
        T("59", "DKUMKMP KOTA BALIKPAPAN"),
        T("60", "BALIKPAPAN"),
        T("61", "76125"),
        T("62", children=(T("07", "SIKSSOMBER"),)),
    ]
)
BUSINESS = {
    Commodity.TEMPEH: ["Tempe", "Tempe Murni", "Tempe Daun", "Tempe Kedelai"],
    Commodity.TOFU: ["Tahu", "Tahu Putih", "Tahu Kuning", "Tahu Sumedang"],
    Commodity.CHIPS: ["Keripik Tempe", "Keripik Singkong", "Keripik Pisang"],
}
WORDS = [
    "Barokah",
    "Sari",
    "Makmur",
    "Sumber Rejeki",
    "Berkah",
    "Somber",
    "Jaya",
    "Lestari",
    "Mandiri",
    "Sejahtera",
    "Amanah",
    "Murni",
    "Mulia",
    "Sentosa",
    "Rahayu",
    "Abadi",
]
FIRST = [
    "Siti",
    "Budi",
    "Slamet",
    "Sri",
    "Agus",
    "Wahyuni",
    "Joko",
    "Sutrisno",
    "Endang",
    "Rahmat",
    "Yuli",
    "Hadi",
    "Suparmi",
    "Bambang",
    "Nur",
    "Tri",
    "Dwi",
    "Eko",
    "Ratna",
    "Sugeng",
]
LAST = [
    "Aminah",
    "Santoso",
    "Riyadi",
    "Wahyudi",
    "Lestari",
    "Purnomo",
    "Hidayat",
    "Susanti",
    "Prasetyo",
    "Rahayu",
    "Saputra",
    "Utami",
    "Kurniawan",
    "Wibowo",
]


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def seed(stdout):
    if Centre.objects.filter(code="SIKS").exists():
        stdout.write("Industry-centre demo data: already loaded.")
        return
    officer = get_user_model().objects.filter(username="dkumkmp").first()
    today = timezone.localdate()
    months = getattr(settings, "DEMO_INDUSTRY_MONTHS", MONTHS)  # the test settings shrink it
    first_month = add_months(month_start(today), -(months - 1))
    # The bulk inserts pass the services by: the lock of every month they write is checked first.
    with stop_if_locked("industry centre demo"):
        from .sources import SETTLEMENTS_SOURCE

        written = [add_months(first_month, n) for n in range(months)]
        ensure_unlocked(LEVY_SOURCE, written)
        ensure_unlocked(HOUSES_SOURCE, written)
        ensure_unlocked(SETTLEMENTS_SOURCE, [today])
    with transaction.atomic():
        centre = _seed_centre_and_houses(first_month, officer)
        bills_count, payments_count = _seed_bills_and_payments(centre, first_month, months, today, officer)
    settlement = _seed_settlement_file(centre, today, officer)
    stdout.write(
        f"Industry-centre demo data: {HOUSES} production houses, {TENANTS} tenants, {bills_count} levy bills from "
        f"{first_month:%m/%Y}, {payments_count} payments; this month's QRIS settlement file: {settlement}"
    )
    from smarteconomy.periods import mark_dirty

    # The bulk inserts bypass the services: mark their months for the scorecard recompute seed_demo runs next.
    months = [add_months(first_month, n) for n in range(months)]
    mark_dirty(LEVY_SOURCE, months)
    mark_dirty(HOUSES_SOURCE, months)
    _seed_targets({first_month.year, today.year})


# Demo targets of Bappeda for the centre's indicators (marked as demo).
TARGETS = {
    "industry_center.occupancy": 90,
    "industry_center.collection_rate": 95,
    "industry_center.cashless_share": 80,
    "industry_center.arrears_amount": 2_000_000,
    "industry_center.arrears_tenants": 15,
    "industry_center.appropriate_technology_share": 30,
}


def _seed_targets(years):
    from django.contrib.auth import get_user_model

    from analytics.scorecard import indicator_target_set

    bappeda = get_user_model().objects.filter(username="bappeda").first()
    for year in sorted(years):
        for code, value in TARGETS.items():
            indicator_target_set(indicator_code=code, year=year, value=value, note="Demo target", by=bappeda)


def _seed_centre_and_houses(first_month, officer):
    rng = random.Random(2020)
    centre = centre_save(
        code="SIKS",
        name="Sentra Industri Kecil Somber (SIKS Somber)",
        address="Jl. Somber, Kel. Batu Ampar, Kec. Balikpapan Utara",
        static_qris=DEMO_STATIC_QRIS,
        by=officer,
    )
    start = _at(add_months(first_month, -1), 8)
    houses = []
    for n in range(1, HOUSES + 1):
        commodity = rng.choices(list(BUSINESS), weights=[50, 40, 10])[0]
        modern = rng.random() < 0.22
        houses.append(
            ProductionHouse(
                centre=centre,
                unit_code=f"RP-{n:03d}",
                commodity=commodity,
                equipment_level=EquipmentLevel.APPROPRIATE if modern else EquipmentLevel.TRADITIONAL,
                upgrade_notes=(
                    "Mesin penggiling kedelai bantuan DKUMKMP 2019" if modern else "Tungku kayu bakar dan drum perebus"
                ),
            )
        )
    houses = bulk_create_with_history(houses, ProductionHouse, default_user=officer, default_date=start)
    houses = list(ProductionHouse.objects.filter(centre=centre).order_by("unit_code"))
    # Upgrades during the two years (the study's obstacle: few can afford them).
    traditional = [house for house in houses if house.equipment_level == EquipmentLevel.TRADITIONAL]
    for index, house in enumerate(rng.sample(traditional, 9)):
        house.equipment_level = EquipmentLevel.APPROPRIATE
        house.upgrade_notes = "Hibah mesin teknologi tepat guna (demo): penggiling dan pemasak uap"
        house._history_date = min(_at(add_months(first_month, 2 + index * 2), 9), timezone.now())
        house._history_user = officer
        house.save()
    tenants = []
    for n in range(TENANTS):
        house = houses[n]
        label = rng.choice(BUSINESS[house.commodity])
        owner = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        tenants.append(
            Tenant(
                name=f"{rng.choice(['UD', 'UD', 'CV', 'Usaha'])} {label} {rng.choice(WORDS)}",
                owner_name=owner,
                nib=f"91{rng.randint(0, 10**11 - 1):011d}" if rng.random() < 0.6 else "",
                phone=f"08{rng.choice(['11', '12', '13', '21', '52'])}{rng.randint(10**7, 10**8 - 1)}",
                notes=f"Anggota Kopti Balikpapan. {DEMO_NOTE}",
            )
        )
    tenants = bulk_create_with_history(tenants, Tenant, default_user=officer, default_date=start)
    tenants = list(Tenant.objects.order_by("id"))[-TENANTS:]
    tenancies = []
    for n, (house, tenant) in enumerate(zip(houses[:TENANTS], tenants, strict=True)):
        levy = {Commodity.TOFU: 150_000, Commodity.TEMPEH: 125_000, Commodity.CHIPS: 100_000}[house.commodity]
        tenancies.append(
            Tenancy(
                tenant=tenant,
                house=house,
                start=add_months(first_month, -rng.randint(1, 60)) if n else first_month,
                monthly_levy=levy,
            )
        )
    bulk_create_with_history(tenancies, Tenancy, default_user=officer, default_date=start)
    return centre


def _seed_bills_and_payments(centre, first_month, months, today, officer):
    rng = random.Random(2024)
    for n in range(months):
        period = add_months(first_month, n)
        levy_bills_issue_month(period=period, today=period, by=officer)
    this_month = month_start(today)
    # Payments of the earlier months (this month's QRIS payments come through the settlement file).
    payments, late = [], []
    rrn = 250000000000
    month_bills = LevyBill.objects.filter(tenancy__house__centre=centre, period=this_month).order_by("number")
    via_settlement = set(month_bills.values_list("pk", flat=True)[:SETTLEMENT_ROWS])
    bills = list(LevyBill.objects.filter(tenancy__house__centre=centre).exclude(pk__in=via_settlement).order_by("id"))
    stubborn = {bill.tenancy_id for bill in rng.sample(bills, 4)}  # tenants in arrears for the last months
    for bill in bills:
        roll = rng.random()
        if bill.tenancy_id in stubborn and bill.period >= add_months(this_month, -3):
            continue  # unpaid: arrears
        if roll < 0.06:
            paid_day = bill.due_date + timedelta(days=rng.randint(3, 75))
            late.append(bill)
        else:
            paid_day = bill.period + timedelta(days=rng.randint(1, bill.due_date.day - 1))
        paid_at = _at(paid_day, rng.randint(7, 17), rng.randint(0, 59))
        if paid_at > timezone.now():
            continue  # not paid yet: the demo never records a payment later than now (the payment form refuses it)
        channel = PaymentChannel.QRIS if rng.random() < 0.86 else PaymentChannel.CASH
        if bill.period < add_months(this_month, -15) and channel == PaymentChannel.QRIS and rng.random() < 0.15:
            channel = PaymentChannel.CASH  # more cash in the first year
        rrn += rng.randint(1, 999)
        payments.append(
            Payment(
                bill=bill,
                channel=channel,
                amount=bill.amount,
                paid_at=paid_at,
                reference=str(rrn) if channel == PaymentChannel.QRIS else "",
                recorded_by=officer,
            )
        )
        bill.paid_amount, bill.paid_on, bill.status = bill.amount, paid_day, BillStatus.PAID
    bulk_create_with_history(payments, Payment, batch_size=500, default_user=officer)
    paid = [payment.bill for payment in payments]
    LevyBill.objects.bulk_update(paid, ["paid_amount", "paid_on", "status"], batch_size=500)
    levy_bills_mark_overdue(today=today)
    _seed_arrears(centre, [bill for bill in late if bill.status == BillStatus.PAID], today, officer, rng)
    return LevyBill.objects.count(), len(payments)


def _seed_arrears(centre, late_bills, today, officer, rng):
    """The STRD of every bill paid late (its late interest, as levy_bill_issue_arrears computes it), most of them
    paid a few weeks later; in bulk, like the rest of the demo."""
    rate = Decimal(settings.LEVY_INTEREST_RATE_PER_MONTH) / 100
    arrears, by_month = [], {}
    for bill in sorted(late_bills, key=lambda b: (b.paid_on, b.pk)):
        interest = int((bill.amount * rate * months_late(bill.due_date, bill.paid_on)).quantize(1, ROUND_HALF_UP))
        month = month_start(bill.paid_on)
        by_month[month] = by_month.get(month, 0) + 1
        arrears.append(
            LevyBill(
                number=f"STRD-{centre.code}-{month:%Y%m}-{by_month[month]:04d}",
                kind=BillKind.ARREARS,
                tenancy_id=bill.tenancy_id,
                period=month,
                amount=interest,
                issued_on=bill.paid_on,
                due_date=bill.paid_on + timedelta(days=settings.LEVY_ARREARS_DUE_DAYS),
                arrears_of=bill,
            )
        )
    arrears = bulk_create_with_history(arrears, LevyBill, default_user=officer)
    payments, paid = [], []
    for strd in LevyBill.objects.filter(kind=BillKind.ARREARS, tenancy__house__centre=centre).order_by("id"):
        paid_day = strd.issued_on + timedelta(days=rng.randint(1, 40))
        if rng.random() < 0.8 and paid_day < today:
            channel = rng.choice([PaymentChannel.QRIS, PaymentChannel.CASH])
            payments.append(
                Payment(
                    bill=strd,
                    channel=channel,
                    amount=strd.amount,
                    paid_at=_at(paid_day, 10),
                    reference=f"STRD{strd.pk:08d}" if channel == PaymentChannel.QRIS else "",
                    recorded_by=officer,
                )
            )
            strd.paid_amount, strd.paid_on, strd.status = strd.amount, paid_day, BillStatus.PAID
            paid.append(strd)
    bulk_create_with_history(payments, Payment, default_user=officer)
    LevyBill.objects.bulk_update(paid, ["paid_amount", "paid_on", "status"], batch_size=500)
    levy_bills_mark_overdue(today=today)


def _seed_settlement_file(centre, today, officer):
    """This month's QRIS payments as the bank reports them: most carry the bill number; a few static-QRIS payments
    carry none (matched by amount and payer, or left ambiguous), one is a double payment, one is unknown."""
    rng = random.Random(2026)
    this_month = month_start(today)
    bills = list(
        LevyBill.objects.filter(period=this_month, tenancy__house__centre=centre)
        .select_related("tenancy__tenant")
        .order_by("number")
    )
    last = max(this_month, today - timedelta(days=1))
    days = [this_month + timedelta(days=n) for n in range((last - this_month).days + 1)]
    rows = ["transaction_time,amount,rrn,bill_number,merchant_id,payer"]
    merchant = centre.merchant_id
    rrn = 260000000000 + today.toordinal() * 1000
    now = timezone.localtime()
    midnight = _at(today, 0)
    for index, bill in enumerate(bills[:SETTLEMENT_ROWS]):
        at = _at(rng.choice(days), rng.randint(7, 17), rng.randint(0, 59))
        if at > now:  # on the 1st the month has only today: a time before now (the bank reports no future)
            at = midnight + (now - midnight) * rng.random()
        moment = f"{timezone.localtime(at):%Y-%m-%d %H:%M}"
        rrn += rng.randint(1, 999)
        number = bill.number if index % 6 else ""
        payer = bill.tenancy.tenant.owner_name.upper() if index % 12 else ""
        rows.append(f"{moment},{bill.amount},{rrn},{number},{merchant},{payer}")
        if index == 5:  # paid twice by mistake: the second waits for a person
            rows.append(f"{moment},{bill.amount},{rrn + 1},{bill.number},{merchant},{payer}")
            rrn += 1
    unknown = min(_at(days[-1], 12), midnight + (now - midnight) / 2)
    rows.append(f"{timezone.localtime(unknown):%Y-%m-%d %H:%M},75000,{rrn + 7},,{merchant},HAMBA ALLAH")  # no such bill
    batch = run_import(
        "qris_settlement",
        data=("\n".join(rows) + "\n").encode(),
        filename=f"settlement-qris-{today:%Y%m%d}.csv",
        user=officer,
        source="command",
    )
    return batch.message
