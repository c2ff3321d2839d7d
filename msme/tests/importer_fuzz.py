"""The msme importers (registry, Sobat UMKM catalogue), fuzzed by smarteconomy/tests/test_importer_fuzz.py: one
MSME already registered (a row may duplicate or merge into it), a marketplace category and one listing already
imported (a row with its product id updates it)."""

from datetime import date, timedelta

from hypothesis import strategies as st

from msme.models import Listing, MarketplaceCategory, Msme
from smarteconomy.testing_fuzz import FuzzCase

from .factories import NIK_MAN, NIK_WOMAN, make_msme

EXISTING_NAME = "Usaha Contoh 1"
# A structurally valid NIK: a Balikpapan kecamatan, a birth date DDMMYY (day + 40 for women), a serial from 0001.
new_niks = st.builds(
    lambda district, birth, woman, serial: f"6471{district:02d}{birth.day + 40 * woman:02d}{birth:%m%y}{serial:04d}",
    st.integers(1, 6),
    st.dates(date(1950, 1, 1), date(2005, 12, 31)),
    st.booleans(),
    st.integers(1, 9999),
)
# Mostly new people and numbers: a row with a registered NIK, name or phone is (rightly) refused as a duplicate.
niks = st.one_of(new_niks, new_niks, new_niks, st.sampled_from([NIK_MAN, NIK_WOMAN]))
new_phones = st.builds(lambda number: f"08{number}", st.integers(10**9, 10**10 - 1))
phones = st.one_of(new_phones, new_phones, st.sampled_from(["0812-3456-7891", "+6281234567892", "0542 123456", ""]))
new_names = st.builds(lambda uuid: f"Usaha {uuid.hex[:10]}", st.uuids())


def setup():
    msme = make_msme(1, name=EXISTING_NAME)
    category = MarketplaceCategory.objects.create(code="makanan-ringan", name="Makanan ringan")
    Listing.objects.create(
        external_id="SU-000001",
        msme=msme,
        product_name="Amplang",
        category=category,
        price=25000,
        listed_on=date(2023, 5, 2),
    )


def merge_targets():
    return st.sampled_from(
        ["", "", "new", "baru", *(str(pk) for pk in Msme.objects.values_list("pk", flat=True)), "99999"]
    )


def listing_dates(draw, values):
    """A clean row is delisted on or after it was listed, or not at all."""
    if values["delisted_on"]:
        values["delisted_on"] = values["listed_on"] + timedelta(days=draw(st.integers(0, 400)))


FUZZ = [
    FuzzCase(
        "msmes",
        setup=setup,
        cells={
            "name": st.one_of(new_names, new_names, new_names, st.sampled_from([EXISTING_NAME, "Amplang Ibu Sari"])),
            "owner_nik": niks,
            "phone": phones,
            "duplicate_of": merge_targets,
        },
    ),
    FuzzCase(
        "listings",
        setup=setup,
        cells={"external_id": st.sampled_from(["SU-000001", "SU-000002", "SU-000003", ""])},
        fix=listing_dates,
    ),
]
