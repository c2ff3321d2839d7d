"""The MSME and catalogue imports: duplicates, bad rows and all-or-nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from msme.models import Listing, MarketplaceCategory, Msme
from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import

from .factories import NIK_WOMAN, kelurahan, make_msme

pytestmark = pytest.mark.django_db

HEADER = "name,owner_name,owner_nik,nib,phone,address,kelurahan,business_category,scale,registered_on,status,qris_since,duplicate_of"
GOOD = [
    "Amplang Ibu Sari,Sari,6471054107850003,9120001234567,0812 3456 7890,Jl. Manggar 5,64.71.01.1001,culinary,micro,2021-03-04,,,",
    "Bengkel Motor Jaya,Budi,6471011203900001,,,,64.71.02.1001,services,small,15/06/2022,active,2023-01-02,",
]


def csv(*rows, header=HEADER):
    return ("\n".join([header, *rows]) + "\n").encode()


@pytest.fixture
def officer(role_users, reference_data):
    return role_users["dkumkmp"]


def test_good_file_imports_every_row(officer):
    batch = run_import("msmes", data=csv(*GOOD), filename="umkm.csv", user=officer)
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert batch.rows_created == 2
    sari = Msme.objects.get(name="Amplang Ibu Sari")
    assert sari.phone == "081234567890" and sari.kelurahan.code == "64.71.01.1001"
    assert sari.name_key == "amplang ibu sari" and sari.history.count() == 1
    assert sari.history.first().history_user == officer
    assert Msme.objects.get(name="Bengkel Motor Jaya").scale == "small"


def test_dry_run_writes_nothing(officer):
    batch = run_import("msmes", data=csv(*GOOD), filename="umkm.csv", user=officer, dry_run=True)
    assert batch.status == ImportStatus.VALIDATED and Msme.objects.count() == 0


def test_every_bad_row_is_reported_and_nothing_is_written(officer):
    rows = [
        GOOD[0],
        "Toko A,Ani,647105410785000,,,,64.71.01.1001,culinary,micro,2021-03-04,,,",  # 15-digit NIK
        "Toko B,Ani,6471059907850003,,,,64.71.01.1001,culinary,micro,2021-03-04,,,",  # day 99
        "Toko C,Ani,6471054107850004,12345,,,64.71.01.1001,culinary,micro,2021-03-04,,,",  # short NIB
        "Toko D,Ani,6471054107850005,,,,64.71.99.9999,culinary,micro,2021-03-04,,,",  # unknown kelurahan
        "Toko E,Ani,6471054107850006,,,,64.71.01.1001,culinary,micro,2021-02-30,,,",  # bad date
    ]
    batch = run_import("msmes", data=csv(*rows), filename="umkm.csv", user=officer)
    assert batch.status == ImportStatus.REFUSED
    found = {(e["row"], e["column"]) for e in batch.errors}
    assert found == {(3, "owner_nik"), (4, "owner_nik"), (5, "nib"), (6, "kelurahan"), (7, "registered_on")}
    assert "Unknown kelurahan code" in next(e["message"] for e in batch.errors if e["column"] == "kelurahan")
    assert Msme.objects.count() == 0


def test_possible_duplicates_are_refused_until_the_row_says_new_or_merge(officer):
    existing = make_msme(1, name="Amplang Ibu Sari", owner_nik=NIK_WOMAN, kelurahan=kelurahan("64.71.01.1001"))
    within = "Bengkel Motor Jaya,Budi,6471011203900001,,,,64.71.02.1001,services,small,2022-06-15,,,"
    batch = run_import("msmes", data=csv(*GOOD, within), filename="umkm.csv", user=officer)
    assert batch.status == ImportStatus.REFUSED
    messages = {e["row"]: e["message"] for e in batch.errors}
    assert set(messages) == {2, 4}
    assert f"#{existing.pk} Amplang Ibu Sari" in messages[2] and "NIK" in messages[2]
    assert "row 3" in messages[4]
    assert "6471054107850003" not in batch.message + " ".join(messages.values())  # no NIK in the report

    rows = [GOOD[0] + str(existing.pk), GOOD[1], within + "new"]
    batch = run_import("msmes", data=csv(*rows), filename="umkm.csv", user=officer)
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert (batch.rows_created, batch.rows_updated) == (2, 1)
    existing.refresh_from_db()
    assert existing.nib == "9120001234567" and existing.address == "Jl. Manggar 5"


def test_merge_into_an_unknown_id_is_refused(officer):
    batch = run_import("msmes", data=csv(GOOD[0] + "999999"), filename="u.csv", user=officer)
    assert batch.status == ImportStatus.REFUSED and batch.errors[0]["column"] == "duplicate_of"


def test_command_imports_and_dry_runs(officer, tmp_path):
    path = tmp_path / "umkm.csv"
    path.write_bytes(csv(*GOOD))
    out = io.StringIO()
    call_command("import_msmes", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert Msme.objects.count() == 0
    call_command("import_msmes", str(path), stdout=out, stderr=io.StringIO())
    assert Msme.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv(GOOD[0].replace("6471054107850003", "123")))
    with pytest.raises(CommandError):
        call_command("import_msmes", str(bad), stdout=io.StringIO(), stderr=io.StringIO())


LISTING_HEADER = "external_id,msme_id,product_name,category,price,listed_on,active,delisted_on"


def test_catalogue_import_refuses_an_unknown_msme_and_writes_nothing(officer):
    msme = make_msme(1)
    MarketplaceCategory.objects.create(code="makanan", name="Makanan")
    rows = [f"SU-1,{msme.pk},Amplang 250 g,makanan,25000,2023-05-02,ya,", "SU-2,999999,Kopi,makanan,30000,2023-05-02,,"]
    batch = run_import("listings", data=csv(*rows, header=LISTING_HEADER), filename="c.csv", user=officer)
    assert batch.status == ImportStatus.REFUSED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "msme_id")]
    assert "Unknown MSME code" in batch.errors[0]["message"]
    assert Listing.objects.count() == 0

    rows = [rows[0], f"SU-2,{msme.pk},Kopi,makanan,30000,2023-05-02,,2023-08-01"]
    batch = run_import("listings", data=csv(*rows, header=LISTING_HEADER), filename="c.csv", user=officer)
    assert batch.status == ImportStatus.COMMITTED and batch.rows_created == 2
    assert Listing.objects.get(external_id="SU-2").active is False
    rows[0] = rows[0].replace("25000", "27500")
    batch = run_import("listings", data=csv(*rows, header=LISTING_HEADER), filename="c.csv", user=officer)
    assert (batch.rows_created, batch.rows_updated) == (0, 1)
    assert Listing.objects.get(external_id="SU-1").price == 27500


def test_a_nul_character_in_a_text_cell_is_refused_not_a_server_error(officer):
    """Found by fuzzing: on PostgreSQL the registry's COPY failed on it with an unhandled psycopg error."""
    row = GOOD[0].replace(",Sari,", ",Sa\x00ri,", 1)
    batch = run_import("msmes", data=csv(row), filename="umkm.csv", user=officer)
    assert batch.status == ImportStatus.REFUSED
    assert batch.errors[0]["row"] == 2 and batch.errors[0]["column"] == "owner_name"
    assert Msme.objects.count() == 0 and Msme.history.count() == 0


def test_a_price_too_large_for_the_column_is_refused_with_its_row(officer):
    """Found by fuzzing: SQLite stored a 40-digit price in a 16-digit column, PostgreSQL refused the whole file."""
    msme = make_msme(1)
    MarketplaceCategory.objects.create(code="makanan", name="Makanan")
    row = f"SU-1,{msme.pk},Amplang,makanan,{'9' * 40},2023-05-02,ya,"
    batch = run_import("listings", data=csv(row, header=LISTING_HEADER), filename="c.csv", user=officer)
    assert batch.status == ImportStatus.REFUSED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "price")]
    assert Listing.objects.count() == 0 and Listing.history.count() == 0


@pytest.mark.parametrize("target", ["9" * 30, "١٢"])
def test_a_merge_target_that_cannot_be_an_id_is_refused_with_its_row(officer, target):
    """Found by fuzzing: a 30-digit id crashed the lookup of the merge targets (too large for the database)."""
    batch = run_import("msmes", data=csv(GOOD[0] + target), filename="umkm.csv", user=officer)
    assert batch.status == ImportStatus.REFUSED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "duplicate_of")]
