"""The msme pages in the permission matrix (see smarteconomy/testing.py).

DKUMKMP keeps these records; Bappeda and the administrators read them (with NIK and phone masked); the other
offices have no view permission, so PermissionRequiredMixin refuses them (403) before any record is looked up."""

from datetime import date

from msme.models import Listing, MarketplaceCategory, Msme, OutletProduct, Training, TrainingParticipant
from msme.validators import normalize_phone
from smarteconomy.models import Kecamatan, Kelurahan
from smarteconomy.testing import FORBIDDEN, LOGIN, NOT_ALLOWED, OK, REDIRECT, Case

READ = {"*": FORBIDDEN, "anonymous": LOGIN, "dkumkmp": OK, "bappeda": OK, "admin": OK}
WRITE_FORM = {"*": FORBIDDEN, "anonymous": LOGIN, "dkumkmp": OK}
WRITE = {"*": FORBIDDEN, "anonymous": LOGIN, "dkumkmp": REDIRECT}
POST_ONLY = {"*": FORBIDDEN, "anonymous": LOGIN, "dkumkmp": NOT_ALLOWED}


def kelurahan():
    kecamatan, _ = Kecamatan.objects.get_or_create(code="64.71.01", defaults={"name": "Balikpapan Timur"})
    return Kelurahan.objects.get_or_create(code="64.71.01.1001", defaults={"name": "Manggar", "kecamatan": kecamatan})[
        0
    ]


def msme():
    return Msme.objects.create(
        name="Amplang Bu Sari",
        name_key="amplang bu sari",
        owner_name="Sari",
        owner_nik="6471054107850003",
        phone=normalize_phone("081234567890"),
        kelurahan=kelurahan(),
        business_category="culinary",
        registered_on=date(2022, 3, 1),
    )


def msme_kwargs(users):
    return {"pk": msme().pk}


def listing_kwargs(users):
    category = MarketplaceCategory.objects.get_or_create(code="makanan", defaults={"name": "Makanan"})[0]
    listing = Listing.objects.create(
        msme=msme(), product_name="Amplang", category=category, price=25000, listed_on=date(2023, 1, 2)
    )
    return {"pk": listing.pk}


def training():
    return Training.objects.create(
        title="Digitalisasi UMKM", partner="Grab", starts_on=date(2023, 12, 20), ends_on=date(2023, 12, 21), quota=2
    )


def training_kwargs(users):
    return {"pk": training().pk}


def participant_kwargs(users):
    t = training()
    p = TrainingParticipant.objects.create(training=t, msme=msme(), applied_at="2023-12-01T09:00+08:00")
    return {"pk": t.pk, "participant_pk": p.pk}


def product_kwargs(users):
    return {"pk": OutletProduct.objects.create(msme=msme(), name="Amplang 250 g", unit_price=30000).pk}


MATRIX = [
    Case("msme:msme_list", READ),
    Case("msme:msme_add", WRITE_FORM),
    Case("msme:msme_detail", READ, kwargs=msme_kwargs),
    Case("msme:msme_edit", WRITE_FORM, kwargs=msme_kwargs),
    Case("msme:report_by_district", READ),
    Case("msme:listing_list", READ),
    Case("msme:listing_add", WRITE_FORM),
    Case("msme:listing_detail", READ, kwargs=listing_kwargs),
    Case("msme:listing_edit", WRITE_FORM, kwargs=listing_kwargs),
    Case("msme:training_list", READ),
    Case("msme:training_add", WRITE_FORM),
    Case("msme:training_detail", READ, kwargs=training_kwargs),
    Case("msme:training_edit", WRITE_FORM, kwargs=training_kwargs),
    Case("msme:training_apply", WRITE, kwargs=training_kwargs, method="post", data={"msme": "0"}),
    Case("msme:training_apply", POST_ONLY, kwargs=training_kwargs, label="training_apply (GET)"),
    Case("msme:training_selection", WRITE, kwargs=training_kwargs, method="post"),
    Case("msme:training_selection", POST_ONLY, kwargs=training_kwargs, label="training_selection (GET)"),
    Case("msme:participant_action", WRITE, kwargs=participant_kwargs, method="post", data={"action": "select"}),
    Case("msme:participant_action", POST_ONLY, kwargs=participant_kwargs, label="participant_action (GET)"),
    Case("msme:outlet_product_list", READ),
    Case("msme:outlet_product_add", WRITE_FORM),
    Case("msme:outlet_product_detail", READ, kwargs=product_kwargs),
    Case(
        "msme:outlet_movement_add",
        WRITE,
        kwargs=product_kwargs,
        method="post",
        data={"kind": "intake", "quantity": "5", "on": "2024-01-05"},
    ),
    Case("msme:outlet_movement_add", POST_ONLY, kwargs=product_kwargs, label="outlet_movement_add (GET)"),
    Case("msme:outlet_payout_list", READ),
    Case("msme:outlet_payout_add", WRITE_FORM),
]
