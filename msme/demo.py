"""Demo data of the msme app (fixed random seed, idempotent, bulk inserts so that it loads in seconds):

- record-level MSMEs whose kecamatan and registration years reproduce the source study's table 3 exactly, read
  as new registrations per year (48,161 in all), with synthetic Indonesian names and structurally valid NIKs;
- the 38 Sobat UMKM categories (demo names) and 1,596 listings;
- the digitalization training of 20-21 December 2023 with a ride-hailing partner, selected by priority score;
- a few SME Center outlet consignments, sales and payouts."""

import csv
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from smarteconomy.models import Kecamatan
from smarteconomy.periods import mark_dirty
from smarteconomy.sources import stop_if_locked

from .choices import BusinessCategory, MsmeStatus, OutletMovementKind, ParticipantStatus, PayoutMethod, Scale
from .duplicates import name_key
from .models import Listing, MarketplaceCategory, Msme, Training
from .services import (
    LISTINGS_SOURCE,
    OUTLET_SOURCE,
    REGISTRY_SOURCE,
    TRAININGS_SOURCE,
    outlet_movement_record,
    outlet_outstanding,
    outlet_payout_record,
    outlet_product_save,
    participant_record,
    training_apply_many,
    training_run_selection,
    training_save,
)

TABLE3 = Path(__file__).resolve().parent / "data" / "table3_msme_by_district.csv"
TOTAL_PRODUCTS = 1596
TRAINING_TITLE = "Pelatihan Digitalisasi UMKM (demo)"

CATEGORIES = [
    "Makanan Ringan", "Makanan Berat", "Minuman", "Kue dan Roti", "Sambal dan Bumbu", "Olahan Ikan", "Olahan Udang",
    "Amplang dan Kerupuk", "Madu dan Herbal", "Kopi dan Teh", "Buah dan Sayur", "Frozen Food", "Batik dan Tenun",
    "Pakaian Muslim", "Pakaian Anak", "Sepatu dan Sandal", "Tas dan Dompet", "Aksesoris", "Perhiasan Manik",
    "Kerajinan Rotan", "Kerajinan Kayu", "Souvenir Khas Balikpapan", "Dekorasi Rumah", "Tanaman Hias",
    "Kosmetik dan Perawatan", "Sabun dan Lilin", "Peralatan Dapur", "Perlengkapan Bayi", "Mainan Edukatif",
    "Buku dan Alat Tulis", "Sablon dan Percetakan", "Jasa Jahit", "Jasa Katering", "Jasa Laundry",
    "Jasa Servis Elektronik", "Perlengkapan Ibadah", "Produk Daur Ulang", "Lain-lain",
]  # fmt: skip
FIRST = [
    "Andi", "Siti", "Budi", "Rina", "Yusuf", "Dewi", "Agus", "Nurul", "Hendra", "Fitri", "Rahmat", "Lestari", "Ahmad",
    "Wahyuni", "Irfan", "Sri", "Fajar", "Ratna", "Hasan", "Maya", "Arif", "Indah", "Dedi", "Putri", "Bayu", "Aisyah",
    "Rudi", "Yanti", "Eko", "Nur", "Joko", "Kartini", "Syamsul", "Halimah", "Taufik", "Zainab", "Imam", "Rosita",
]  # fmt: skip
LAST = [
    "Saputra", "Wulandari", "Hidayat", "Pratama", "Rahmawati", "Setiawan", "Kusuma", "Nugroho", "Lestari", "Sari",
    "Hakim", "Siregar", "Daeng", "Mappasessu", "Syahrani", "Aji", "Pane", "Ramadhan", "Anggraini", "Gunawan",
]  # fmt: skip
BUSINESS = {
    BusinessCategory.CULINARY: ["Warung", "Kedai", "Dapur", "Amplang", "Keripik", "Kue", "Sambal", "Katering"],
    BusinessCategory.FASHION: ["Butik", "Konveksi", "Batik", "Jahit"],
    BusinessCategory.CRAFT: ["Kerajinan", "Anyaman", "Manik", "Ukir"],
    BusinessCategory.AGRIBUSINESS: ["Tani", "Tambak", "Kebun", "Ikan Asin"],
    BusinessCategory.TRADE: ["Toko", "Kios", "Grosir", "Warung Sembako"],
    BusinessCategory.SERVICES: ["Laundry", "Bengkel", "Salon", "Servis"],
    BusinessCategory.CREATIVE: ["Studio", "Sablon", "Desain", "Percetakan"],
    BusinessCategory.OTHER: ["Usaha", "Jasa"],
}
PLACES = [
    "Manggar", "Teluk", "Borneo", "Sepinggan", "Klandasan", "Gunung Sari", "Beruang Madu", "Mekar", "Sejahtera",
    "Berkah", "Makmur", "Mandiri", "Barokah", "Jaya", "Bersama", "Mulia", "Sentosa", "Indah", "Lestari", "Harapan",
]  # fmt: skip
CATEGORY_WEIGHTS = [40, 10, 8, 5, 20, 8, 6, 3]


def fast_insert(model, objects):
    """INSERT the rows with one executemany, and their "created" history rows with another: the demo's 48,161
    MSMEs load in seconds (Django's bulk_create spends most of its time compiling SQL for small SQLite batches).
    Returns the saved objects with their ids."""
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    table = model._meta.db_table
    quote = connection.ops.quote_name

    def converter(field):
        internal = field.get_internal_type()
        if internal == "DateField":
            return connection.ops.adapt_datefield_value
        if internal == "DateTimeField":
            return connection.ops.adapt_datetimefield_value
        if internal == "DecimalField":
            return lambda value: connection.ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
        return None

    now = timezone.now()
    for obj in objects:
        for field in fields:
            if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
                setattr(obj, field.attname, now)
    converters = [converter(f) for f in fields]

    def values(obj, fields, converters):
        row = []
        for field, convert in zip(fields, converters, strict=True):
            value = getattr(obj, field.attname)
            if isinstance(value, FieldFile):
                value = value.name or ""
            row.append(convert(value) if convert and value is not None else value)
        return row

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({quote('id')}) FROM {quote(table)}")
        before = cursor.fetchone()[0] or 0
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})",
            [values(obj, fields, converters) for obj in objects],
        )
    ids = list(model.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True))
    if len(ids) != len(objects):
        raise RuntimeError(f"{model.__name__}: {len(ids)} rows read back for {len(objects)} inserted")
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = "default"
    saved = objects
    history = model.history.model
    history_fields = [f for f in history._meta.local_concrete_fields if f.attname not in ("history_id",)]
    extra = {"history_date": now, "history_type": "+", "history_change_reason": None, "history_user_id": None}
    history_converters = [converter(f) for f in history_fields]
    with connection.cursor() as cursor:
        columns = ", ".join(quote(f.column) for f in history_fields)
        marks = ", ".join(["%s"] * len(history_fields))
        rows = []
        for obj in saved:
            for name, value in extra.items():
                setattr(obj, name, value)
            rows.append(values(obj, history_fields, history_converters))
        cursor.executemany(f"INSERT INTO {quote(history._meta.db_table)} ({columns}) VALUES ({marks})", rows)
    return saved


def _read_table3():
    with TABLE3.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        years = [int(y) for y in header[1:]]
        return {row[0]: dict(zip(years, map(int, row[1:]), strict=True)) for row in reader}


def _nik(rng, district, niks):
    while True:
        birth = date(1955, 1, 1) + timedelta(days=rng.randint(0, 17000))
        day = birth.day + (40 if rng.random() < 0.55 else 0)
        nik = f"6471{district}{day:02d}{birth:%m%y}{rng.randint(1, 4999):04d}"
        if nik not in niks:
            niks.add(nik)
            return nik


def seed(stdout):
    if Training.objects.filter(title=TRAINING_TITLE).exists():
        stdout.write("msme: demo data already loaded")
        return
    rng = random.Random(2023)
    # The bulk inserts mark their dates dirty inside the transaction: a locked period stops the loader, nothing kept.
    with stop_if_locked("msme demo"), transaction.atomic():
        officer = get_user_model().objects.filter(username="dkumkmp").first()
        msmes = _seed_registry(rng)
        categories = [
            MarketplaceCategory.objects.get_or_create(code=f"kat-{index:02d}", defaults={"name": name})[0]
            for index, name in enumerate(CATEGORIES, start=1)
        ]
        _seed_listings(rng, msmes, categories)
        _seed_training(rng, msmes, officer)
        _seed_outlet(rng, msmes, officer)
    stdout.write(
        f"msme: {len(msmes)} MSMEs (table 3 of the study), {TOTAL_PRODUCTS} Sobat UMKM listings in "
        f"{len(CATEGORIES)} categories, 1 training, outlet consignments"
    )


def _seed_registry(rng):
    table = _read_table3()
    by_name = {k.name: k for k in Kecamatan.objects.prefetch_related("kelurahan")}
    missing = set(table) - set(by_name)
    if missing:
        raise RuntimeError(f"msme demo: kecamatan not loaded: {sorted(missing)} (run load_reference)")
    # The test settings shrink the registry (the browser tests seed the demo for every test); the shape stays.
    scale = getattr(settings, "DEMO_MSME_SCALE", 1.0)
    niks, rows, dates = set(), [], set()
    categories = list(BUSINESS)
    for kecamatan_name, per_year in table.items():
        kecamatan = by_name[kecamatan_name]
        kelurahan = list(kecamatan.kelurahan.all())
        district = kecamatan.code[-2:]
        for year, count in per_year.items():
            count = max(1, round(count * scale))
            first = date(year, 1, 1)
            days = (date(year, 12, 31) - first).days
            for _n in range(count):
                category = rng.choices(categories, weights=CATEGORY_WEIGHTS)[0]
                owner = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                # The owner's full name: with the first name alone, a kelurahan's 1,400 MSMEs drew the same name so often
                # that the demo flagged 3,434 as possible duplicates (a real registry has some, not thousands).
                name = f"{rng.choice(BUSINESS[category])} {rng.choice(PLACES)} {owner}"
                registered = first + timedelta(days=rng.randint(0, days))
                roll = rng.random()
                rows.append(
                    Msme(
                        name=name,
                        name_key=name_key(name),
                        owner_name=owner,
                        owner_nik=_nik(rng, district, niks),
                        nib=f"91{rng.randint(0, 10**11 - 1):011d}" if rng.random() < 0.25 else "",
                        phone=f"08{rng.choice('1235')}{rng.randint(10**8, 10**9 - 1)}" if rng.random() < 0.8 else "",
                        address=f"Jl. {rng.choice(PLACES)} No. {rng.randint(1, 120)}",
                        kelurahan=rng.choice(kelurahan),
                        business_category=category,
                        scale=Scale.MICRO if roll < 0.9 else (Scale.SMALL if roll < 0.98 else Scale.MEDIUM),
                        registered_on=registered,
                        status=MsmeStatus.ACTIVE if rng.random() < 0.93 else MsmeStatus.INACTIVE,
                        qris_since=(registered + timedelta(days=rng.randint(30, 900))) if rng.random() < 0.3 else None,
                    )
                )
                dates.add(registered)
    created = fast_insert(Msme, rows)
    mark_dirty(REGISTRY_SOURCE, dates)
    return created


def _seed_listings(rng, msmes, categories):
    sellers = rng.sample([m for m in msmes if m.status == MsmeStatus.ACTIVE], 720)
    listings, dates = [], set()
    for index in range(TOTAL_PRODUCTS):
        msme = sellers[index] if index < len(sellers) else rng.choice(sellers)
        listed = date(2023, 1, 2) + timedelta(days=rng.randint(0, 540))
        delisted = listed + timedelta(days=rng.randint(30, 200)) if rng.random() < 0.08 else None
        if delisted and delisted > date(2025, 6, 30):
            delisted = None
        # Every category has at least one product (the study counts 38 categories).
        category = categories[index] if index < len(categories) else rng.choice(categories)
        listings.append(
            Listing(
                msme=msme,
                external_id=f"SU-{index + 1:05d}",
                product_name=f"{category.name} {msme.name.split()[-1]} #{index % 7 + 1}",
                category=category,
                price=Decimal(rng.randint(5, 150) * 1000),
                active=delisted is None,
                listed_on=listed,
                delisted_on=delisted,
            )
        )
        dates.add(listed)
    fast_insert(Listing, listings)
    mark_dirty(LISTINGS_SOURCE, dates)


def _seed_training(rng, msmes, officer):
    training = training_save(
        by=officer,
        title=TRAINING_TITLE,
        partner="Mitra ride-hailing (demo)",
        starts_on=date(2023, 12, 20),
        ends_on=date(2023, 12, 21),
        topics="Foto produk, berjualan di Sobat UMKM dan marketplace, pembayaran QRIS, pemasaran media sosial",
        location="Balikpapan (demo)",
        quota=100,
        budget=Decimal("75000000"),
        realized_cost=Decimal("71250000"),
    )
    applicants = rng.sample([m for m in msmes if m.status == MsmeStatus.ACTIVE], 140)
    applied = timezone.make_aware(datetime(2023, 12, 1, 9))
    training_apply_many(
        training=training,
        applications=[(msme, applied + timedelta(minutes=7 * index)) for index, msme in enumerate(applicants)],
        by=officer,
    )
    training_run_selection(training=training, by=officer)
    for participant in training.participants.filter(status=ParticipantStatus.SELECTED):
        if rng.random() < 0.9:
            participant_record(participant=participant, attended=True, by=officer)
            if participant.msme.qris_since is None and rng.random() < 0.45:
                participant_record(
                    participant=participant,
                    qris_adopted_on=date(2023, 12, 21) + timedelta(days=rng.randint(1, 40)),
                    by=officer,
                )
    mark_dirty(TRAININGS_SOURCE, [date(2023, 12, 1)])


def _seed_outlet(rng, msmes, officer):
    owners = rng.sample([m for m in msmes if m.business_category == BusinessCategory.CULINARY], 6)
    products = []
    for msme in owners:
        for item in rng.sample(["Amplang", "Kerupuk Ikan", "Kue Bingka", "Sambal Raja", "Kopi Bubuk"], 1):
            products.append(
                outlet_product_save(
                    by=officer,
                    msme=msme,
                    name=f"{item} {msme.name.split()[-1]} (demo)",
                    unit_price=Decimal(rng.randint(15, 60) * 1000),
                    commission_percent=Decimal("10"),
                )
            )
    for month in range(1, 7):
        for product in products:
            day = date(2025, month, 2)
            outlet_movement_record(product=product, kind=OutletMovementKind.INTAKE, quantity=40, on=day, by=officer)
            outlet_movement_record(
                product=product,
                kind=OutletMovementKind.SALE,
                quantity=rng.randint(10, 35),
                on=day + timedelta(days=rng.randint(3, 25)),
                by=officer,
            )
            if rng.random() < 0.2:
                outlet_movement_record(
                    product=product, kind=OutletMovementKind.RETURN, quantity=3, on=day + timedelta(days=26), by=officer
                )
        if month < 6:  # June's sales are not paid yet: outstanding balances
            for msme in owners:
                outstanding = outlet_outstanding(msme)
                if outstanding > 0:
                    paid_on = date(2025, month + 1, rng.choice([5, 8, 10, 10, 14]))
                    outlet_payout_record(
                        msme=msme,
                        month=date(2025, month, 1),
                        amount=outstanding,
                        paid_on=paid_on,
                        method=rng.choice([PayoutMethod.QRIS, PayoutMethod.TRANSFER]),
                        reference=f"DEMO-PAY-2025{month:02d}-{msme.pk}",
                        by=officer,
                    )
    mark_dirty(OUTLET_SOURCE, [date(2025, m, 1) for m in range(1, 8)])
