"""GRDP from BPS's table as published (issue 18, first part): the wide layout imports to exactly the values of the
long CSV, results are identical, and every malformed table is refused with its row and column."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook

from analytics.demo import DEMO_FILE
from analytics.models import GrdpValue, Region
from analytics.selectors import leading_sectors
from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import
from smarteconomy.models import Sector
from smarteconomy.testing_fuzz import _xlsx_value, check_outcome, table_counts

pytestmark = pytest.mark.django_db

SOURCE = "Reconstructed from published tables, not official BPS data"

# BPS's labels: with the letter, the name alone, the letter alone.
LABELS = {
    "A": "A. Pertanian, Kehutanan, dan Perikanan",
    "B": "B. Pertambangan dan Penggalian",
    "C": "Industri Pengolahan",
    "D": "D",
    "E": "E. Pengadaan Air, Pengelolaan Sampah, Limbah dan Daur Ulang",
    "MN": "M,N. Jasa Perusahaan",
    "RSTU": "R,S,T,U. Jasa lainnya",
}


def demo_values():
    """{(region, sector, year): Decimal} of the demo long CSV (ADHK, 2019 and 2023)."""
    with DEMO_FILE.open(encoding="utf-8") as handle:
        return {
            (row["region_code"], row["sector_code"], int(row["year"])): Decimal(row["value"])
            for row in csv.DictReader(handle)
        }


def indonesian(value):
    """1234567.89 as BPS prints it: 1.234.567,89."""
    whole, _point, fraction = f"{value:.2f}".partition(".")
    return f"{int(whole):,}".replace(",", ".") + "," + fraction


def bps_rows(region, values, *, unit="Juta Rupiah", divide=1, fmt=indonesian):
    """The table BPS publishes for one region: title rows, header with marks, categories (A with two
    sub-categories and one sub-sub-category), the total, notes. Values divided by ``divide`` (miliar: 1000)."""
    sectors = list(Sector.objects.order_by("order").values_list("code", flat=True))
    years = (2019, 2023)

    def cell(number):
        return fmt(number / divide) if fmt else float(number / divide)

    rows = [
        [f"Produk Domestik Regional Bruto {region} Atas Dasar Harga Konstan 2010 Menurut Lapangan Usaha ({unit})"],
        ["2019-2023"],
        [],
        ["Lapangan Usaha", "2019", "2023*"],
    ]
    for code in sectors:
        row_values = [values[(region, code, year)] for year in years]
        rows.append(
            [LABELS.get(code, f"{code}. {Sector.objects.get(code=code).name_id}")] + [cell(v) for v in row_values]
        )
        if code == "A":
            # Sub-categories: 1. = A - 2.; 2. is a third of A with its own sub-category a.
            second = [(v / 3).quantize(Decimal("0.01")) for v in row_values]
            first = [v - s for v, s in zip(row_values, second, strict=True)]
            rows.append(["1. Pertanian, Peternakan, Perburuan dan Jasa Pertanian"] + [cell(v) for v in first])
            rows.append(["a. Tanaman Pangan"] + [cell(v) for v in first])
            rows.append(["2. Kehutanan dan Penebangan Kayu"] + [cell(v) for v in second])
    totals = [sum(values[(region, code, year)] for code in sectors) for year in years]
    rows.append(["Produk Domestik Regional Bruto"] + [cell(v) for v in totals])
    rows.append([])
    rows.append(["Catatan: * Angka sementara"])
    rows.append(["Sumber: BPS"])
    return rows


def as_csv(rows, delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode()


def as_xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bps_import(data, filename="pdrb.csv", dry_run=False, **params):
    params = {"region": "64.71", "price_basis": "ADHK", "source": SOURCE} | params
    return run_import("grdp_bps", data=data, filename=filename, user=None, params=params, dry_run=dry_run)


def stored():
    return sorted(
        GrdpValue.objects.values_list("region__code", "sector__code", "year", "price_basis", "value", "unit", "source")
    )


def results():
    balikpapan, province = Region.objects.get(code="64.71"), Region.objects.get(code="64")
    result = leading_sectors(region=balikpapan, reference=province, start=2019, end=2023)
    return result.lq, result.shift_share


def test_the_published_tables_import_to_the_values_of_the_long_csv_and_the_same_results(reference_data):
    batch = run_import("grdp", data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, user=None)
    assert batch.status == ImportStatus.COMMITTED, batch.errors[:3]
    long_values, (long_lq, long_ss) = stored(), results()
    GrdpValue.objects.all().delete()

    values = demo_values()
    city = bps_import(as_csv(bps_rows("64.71", values)))  # juta rupiah, Indonesian numbers, in the title
    assert city.status == ImportStatus.COMMITTED, city.errors[:5]
    assert city.rows_created == 34
    # The province as an XLSX in miliar rupiah with typed numbers, the unit given rather than in the title.
    province = bps_import(
        as_xlsx(bps_rows("64", values, unit="ADHK", divide=1000, fmt=None)),
        filename="kaltim.xlsx",
        region="64",
        unit="miliar",
    )
    assert province.status == ImportStatus.COMMITTED, province.errors[:5]

    assert stored() == long_values
    lq, shift_share = results()
    assert lq.equals(long_lq)
    assert shift_share.equals(long_ss)
    # The marks are read and reported, not stored.
    assert any("2023*" in warning["message"] for warning in city.warnings)


def test_plain_numbers_marked_values_and_dashes(reference_data):
    rows = [
        ["PDRB Kota Balikpapan (miliar rupiah)"],
        ["Lapangan Usaha", 2022, "2023*)", "2024**"],
        ["A", "1234.5", "1300.25*", "-"],
        ["B", "10", "20**", ""],
        ["PDRB", "1244.5", "1320.25", "-"],
    ]
    batch = bps_import(as_csv(rows))
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert dict(GrdpValue.objects.filter(sector__code="A").values_list("year", "value")) == {
        2022: Decimal("1234500.00"),
        2023: Decimal("1300250.00"),
    }
    assert not GrdpValue.objects.filter(year=2024).exists()
    marks = " ".join(warning["message"] for warning in batch.warnings)
    assert "2023*" in marks and "2024**" in marks


def refused(data, filename="pdrb.csv", **params):
    before = GrdpValue.objects.count()
    batch = bps_import(data, filename, **params)
    assert batch.status == ImportStatus.REFUSED, batch.message
    assert GrdpValue.objects.count() == before
    return [(error["row"], error["column"], error["message"]) for error in batch.errors]


def small_table(title="PDRB Kota Balikpapan (Juta Rupiah)", header=("Lapangan Usaha", "2022", "2023*"), body=None):
    body = body or [
        ["A. Pertanian, Kehutanan, dan Perikanan", "100,00", "110,00"],
        ["1. Pertanian, Peternakan, Perburuan dan Jasa Pertanian", "60,00", "70,00"],
        ["2. Kehutanan dan Penebangan Kayu", "40,00", "40,00"],
        ["B. Pertambangan dan Penggalian", "1.000,50", "1.100,50"],
        ["Produk Domestik Regional Bruto", "1.100,50", "1.210,50"],
    ]
    return [[title], list(header), *body]


def test_the_small_table_is_accepted(reference_data):
    batch = bps_import(as_csv(small_table()))
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert GrdpValue.objects.count() == 4


def test_a_total_that_does_not_add_up_is_refused_with_its_row_and_year(reference_data):
    rows = small_table()
    rows[-1][2] = "1.215,50"
    errors = refused(as_csv(rows))
    assert [(row, column) for row, column, _message in errors] == [(7, "2023*")]
    assert "2023" in errors[0][2] and "1210" in errors[0][2].replace(".", "")


def test_sub_categories_that_do_not_add_up_are_refused(reference_data):
    rows = small_table()
    rows[3][1] = "61,00"  # 1. Pertanian in 2022
    errors = refused(as_csv(rows))
    assert [(row, column) for row, column, _message in errors] == [(3, "2022")]


def test_an_unknown_category_label_is_refused_with_its_row(reference_data):
    rows = small_table()
    rows.insert(5, ["Z. Pariwisata", "5,00", "5,00"])
    rows.insert(6, ["Industri Kreatif", "5,00", "5,00"])
    errors = refused(as_csv(rows))
    assert {(row, column) for row, column, _message in errors} >= {(6, "Lapangan Usaha"), (7, "Lapangan Usaha")}
    assert "Z. Pariwisata" in errors[0][2]


def test_a_duplicated_year_column_is_refused(reference_data):
    errors = refused(as_csv(small_table(header=("Lapangan Usaha", "2022", "2022*"))))
    assert errors[0][:2] == (2, "2022*")


def test_a_unit_neither_in_the_title_nor_given_is_refused(reference_data):
    errors = refused(as_csv(small_table(title="PDRB Kota Balikpapan ADHK")))
    assert [(row, column) for row, column, _message in errors] == [(2, "unit")]
    # Given, it imports; given against the title, it is refused at the title's row.
    assert bps_import(as_csv(small_table(title="PDRB ADHK")), unit="juta").status == ImportStatus.COMMITTED
    errors = refused(as_csv(small_table()), unit="miliar")
    assert errors[0][:2] == (1, "unit")


def test_bad_numbers_duplicates_and_parameters_are_all_reported(reference_data):
    rows = small_table()
    rows[4][1] = "banyak"  # row 5: 2. Kehutanan in 2022
    rows.insert(5, ["Pertambangan dan Penggalian", "1,00", "1,00"])  # row 6: B by its name; B. ... is row 7
    errors = refused(as_csv(rows))
    assert (5, "2022") in {(row, column) for row, column, _message in errors}
    assert any(row == 7 and "row 6" in message.replace("baris", "row") for row, _column, message in errors)
    errors = refused(as_csv(small_table()), region="99.99", price_basis="XYZ")
    assert {column for _row, column, _message in errors} == {"region", "price_basis"}
    assert refused(b"judul saja\nbukan tabel\n")[0][0] is None


def test_the_xlsx_table_reports_formulas_with_their_cell(reference_data):
    rows = small_table()
    rows[-1][1] = "=SUM(B3:B6)"
    errors = refused(as_xlsx(rows), filename="pdrb.xlsx")
    assert (7, "2022") in {(row, column) for row, column, _message in errors}


def test_the_command_takes_the_bps_layout(reference_data, tmp_path):
    path = tmp_path / "pdrb.csv"
    path.write_bytes(as_csv(small_table()))
    out = io.StringIO()
    call_command("import_grdp", str(path), "--layout", "bps", "--region", "64.71", "--price-basis", "ADHB", stdout=out)
    assert set(GrdpValue.objects.values_list("price_basis", flat=True)) == {"ADHB"}
    with pytest.raises(CommandError):
        call_command("import_grdp", str(path), "--layout", "bps", "--price-basis", "ADHB", stdout=io.StringIO())
    with pytest.raises(CommandError):  # the long layout stays the default, and refuses this file
        call_command("import_grdp", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def test_the_upload_page_asks_for_region_and_price_basis(reference_data, role_users, client):
    client.force_login(role_users["bappeda"])
    url = reverse("imports:upload", args=["grdp_bps"])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="region"' in page.content and b'name="price_basis"' in page.content
    assert client.get(reverse("imports:template", args=["grdp_bps"])).status_code == 404
    upload = io.BytesIO(as_csv(small_table()))
    upload.name = "pdrb.csv"
    missing = client.post(url, {"file": upload})
    assert missing.status_code == 400 and not GrdpValue.objects.exists()
    upload = io.BytesIO(as_csv(small_table()))
    upload.name = "pdrb.csv"
    done = client.post(url, {"file": upload, "region": "64.71", "price_basis": "ADHK"})
    assert done.status_code == 200, done.content.decode()[-2000:]
    assert GrdpValue.objects.count() == 4
    assert set(GrdpValue.objects.values_list("source", flat=True)) == {"PDRB Kota Balikpapan (Juta Rupiah)"}


# --- The wide layout fuzzed: any table is imported or refused with readable messages, never a partial write ---

CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "-",
            "–",
            "1.234,56",
            "1234.56",
            "12,5*",
            "7**",
            "0",
            "-3",
            "1.2.3",
            "9" * 30,
            "banyak",
            "9e9999",
            "1e-999",
        ]
    ),
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.text(max_size=12),
)
LABEL_POOL = [*LABELS.values(), "PDRB", "Produk Domestik Regional Bruto", "PDRB Tanpa Migas", "1. Sub", "a. Sub"]
LABEL_CELLS = st.one_of(st.sampled_from(LABEL_POOL + ["Z", "", "Sumber: BPS", "=A1"]), st.text(max_size=20))
HEADERS = st.one_of(
    st.sampled_from(["2019", "2020*", "2021**", "2022*)", "2023", 2024, 1800.0, "Tahun", ""]), st.text(max_size=6)
)


@st.composite
def wide_tables(draw):
    width = draw(st.integers(min_value=1, max_value=4))
    rows = [[draw(st.sampled_from(["PDRB (juta rupiah)", "PDRB (miliar rupiah)", "PDRB", ""]))]]
    rows.append(["Lapangan Usaha", *[draw(HEADERS) for _ in range(width)]])
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        rows.append(
            [draw(LABEL_CELLS), *[draw(CELLS) for _ in range(draw(st.integers(min_value=0, max_value=width + 1)))]]
        )
    return rows


def test_random_wide_tables_are_imported_or_refused_cleanly(reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

    @hypothesis_settings(max_examples=60, deadline=None)
    @given(rows=wide_tables(), fmt=st.sampled_from(["csv", "csv;", "xlsx"]), unit=st.sampled_from(["", "juta"]))
    def check(rows, fmt, unit):
        if fmt == "xlsx":
            data, name = as_xlsx([[_xlsx_value(cell) for cell in row] for row in rows]), "t.xlsx"
        else:
            data, name = as_csv([[str(cell) for cell in row] for row in rows], ";" if fmt == "csv;" else ","), "t.csv"
        with transaction.atomic():
            before = table_counts()
            batch = bps_import(data, name, dry_run=False, unit=unit)
            check_outcome(batch, before, table_counts(), dry_run=False)
            transaction.set_rollback(True)

    check()


def test_a_semicolon_table_whose_title_has_a_comma(reference_data):
    rows = small_table(title="PDRB Kota Balikpapan, 2022-2023 (Juta Rupiah)")
    rows[0] = [rows[0][0]]  # the title alone on its line: one comma, no semicolon
    batch = bps_import(as_csv(rows, delimiter=";"))
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert GrdpValue.objects.get(sector__code="B", year=2022).value == Decimal("1000.50")


def test_a_header_without_a_label_column_is_one_problem(reference_data):
    errors = refused(as_csv([["PDRB (juta rupiah)"], ["2022", "2023"], ["1,00", "2,00"]]))
    assert [(row, column) for row, column, _message in errors] == [(2, "2022")]


@pytest.mark.parametrize("cell", ["9e9999", "1e18", "1.000.000.000.000.000.000,00"])
def test_a_number_too_large_to_store_is_refused_with_its_cell(reference_data, cell):
    rows = small_table()
    rows[2][1] = cell  # the first category's 2022 value
    errors = refused(as_csv(rows))
    assert (3, "2022") in [(row, column) for row, column, _message in errors]
    assert any("Terlalu besar" in message for _row, _column, message in errors)
