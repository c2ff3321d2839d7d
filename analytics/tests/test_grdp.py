"""GRDP import, the report command and the leading-sectors page, on the demo data and on bad files."""

import csv
import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from analytics.demo import DEMO_FILE
from analytics.models import GrdpValue
from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import

HEADER = "region_code,region_name,sector_code,year,price_basis,value\n"


@pytest.fixture
def demo(reference_data, role_users):
    batch = run_import("grdp", data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, user=role_users["bappeda"])
    assert batch.status == ImportStatus.COMMITTED, batch.errors[:3]
    return batch


def refused(data, user=None):
    before = GrdpValue.objects.count()
    batch = run_import("grdp", data=data.encode(), filename="grdp.csv", user=user)
    assert batch.status == ImportStatus.REFUSED
    assert GrdpValue.objects.count() == before
    return [(e["row"], e["column"], e["message"]) for e in batch.errors]


def test_demo_import_loads_both_regions_and_labels_the_source(demo):
    assert demo.rows_created == 68
    assert GrdpValue.objects.filter(region__code="64.71").count() == 34
    assert set(GrdpValue.objects.values_list("source", flat=True)) == {
        "Reconstructed from published tables, not official BPS data"
    }


@pytest.mark.django_db
def test_bad_rows_refuse_the_whole_file(reference_data):
    errors = refused(
        HEADER
        + "64.71,Kota Balikpapan,A,2023,ADHK,100\n"
        + "99.99,Nowhere,A,2023,ADHK,100\n"
        + "64.71,Kota Balikpapan,ZZ,2023,ADHK,100\n"
        + "64.71,Kota Balikpapan,B,2023,ADHK,-5\n"
        + "64.71,Kota Balikpapan,C,2023,ADHK,banyak\n"
        + "64.71,Kota Balikpapan,A,2023,ADHK,200\n"
    )
    columns = {(row, column) for row, column, _m in errors}
    assert {(3, "region_code"), (4, "sector_code"), (5, "value"), (6, "value")} <= columns
    assert any(row == 7 and "row 2" in message.lower().replace("baris", "row") for row, _c, message in errors)


@pytest.mark.django_db
def test_missing_sectors_are_accepted_with_a_warning_and_reimport_updates_with_history(reference_data, role_users):
    batch = run_import(
        "grdp",
        data=(HEADER + "64.71,Kota Balikpapan,A,2023,ADHK,100\n").encode(),
        filename="a.csv",
        user=role_users["bappeda"],
    )
    assert batch.status == ImportStatus.COMMITTED
    assert len(batch.warnings) == 1 and "17" in batch.warnings[0]["message"] and "RSTU" in batch.warnings[0]["message"]
    again = run_import(
        "grdp",
        data=(HEADER + "64.71,Kota Balikpapan,A,2023,ADHK,150.5\n").encode(),
        filename="a.csv",
        user=role_users["bappeda"],
    )
    assert (again.rows_created, again.rows_updated) == (0, 1)
    value = GrdpValue.objects.get()
    assert str(value.value) == "150.50"
    assert [str(h.value) for h in value.history.order_by("history_date")] == ["100.00", "150.50"]
    assert value.history.latest().history_user == role_users["bappeda"]


@pytest.mark.django_db
def test_xlsx_with_a_numeric_region_code(reference_data):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["region_code", "region_name", "sector_code", "year", "price_basis", "value"])
    sheet.append([64.71, "Kota Balikpapan", "C", 2023, "ADHK", 54425915.71])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = run_import("grdp", data=buffer.getvalue(), filename="grdp.xlsx", user=None)
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert GrdpValue.objects.get().region.code == "64.71"


def report(*args):
    out = io.StringIO()
    call_command("economics_report", *args, stdout=out)
    return out.getvalue()


def test_report_command_csv_and_json(demo):
    rows = list(csv.DictReader(io.StringIO(report("shiftshare", "--start", "2019", "--end", "2023"))))
    assert [r["sector_code"] for r in rows][:3] == ["A", "B", "C"] and rows[-1]["sector_code"] == "TOTAL"
    assert len(rows) == 18
    for row in rows:
        parts = sum(float(row[k]) for k in ("regional_share", "proportional_shift", "differential_shift"))
        assert parts == pytest.approx(float(row["delta"]), rel=1e-12, abs=1e-6)
    assert rows[0]["regional_share"] == "82262.68986785987"  # full precision, no rounding
    lq = list(csv.DictReader(io.StringIO(report("lq", "--start", "2019", "--end", "2023"))))
    assert list(lq[0].keys()) == [
        "sector_code",
        "sector_name",
        "lq_2019",
        "lq_2023",
        "lq_mean",
        "class",
        "status_2019",
        "status_2023",
    ]
    assert sum(r["class"] == "basis" for r in lq) == 12
    em = json.loads(
        report("shiftshare", "--start", "2019", "--end", "2023", "--method", "esteban-marquillas", "--format", "json")
    )
    assert {"competitive_effect", "allocation_effect"} <= set(em[0])
    klassen = list(csv.DictReader(io.StringIO(report("klassen", "--start", "2019", "--end", "2023"))))
    assert dict((r["sector_code"], r["quadrant"]) for r in klassen)["C"] == "maju dan tumbuh pesat"
    dlq = list(csv.DictReader(io.StringIO(report("dlq", "--start", "2019", "--end", "2023"))))
    assert list(dlq[0].keys()) == [
        "sector_code",
        "sector_name",
        "dlq",
        "slq_mean",
        "quadrant",
        "status_2019",
        "status_2023",
    ]


def test_report_command_refuses_missing_years_and_regions(demo):
    with pytest.raises(CommandError, match="2020, 2021, 2022"):
        report("shiftshare", "--start", "2019", "--end", "2023", "--method", "dynamic")
    with pytest.raises(CommandError, match="2018"):
        report("lq", "--start", "2018", "--end", "2023")
    with pytest.raises(CommandError, match="Unknown region"):
        report("lq", "--region", "64.99", "--start", "2019", "--end", "2023")
    with pytest.raises(CommandError, match="Tidak ada data PDRB"):  # in the active language (Indonesian)
        report("lq", "--start", "2019", "--end", "2023", "--price-basis", "ADHB")


def test_leading_sectors_page_shows_tables_charts_narrative_and_source(client, demo, role_users):
    client.force_login(role_users["bappeda"])
    response = client.get(reverse("analytics:leading_sectors"))
    html = response.content.decode()
    assert response.status_code == 200
    # The data-source banner reads in the page's language (the source is stored as the demo file has it).
    banner = html[html.index('data-testid="data-source"') :].split("</div>", 1)[0]
    assert "Direkonstruksi dari tabel yang dipublikasikan, bukan data resmi BPS" in banner
    assert "Reconstructed" not in banner
    assert "(shift-share klasik, 2019–2023)" in html  # the method's name, not its code "classic"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("analytics:leading_sectors")).content.decode()
    assert "Reconstructed from published tables, not official BPS data" in english
    assert "Direkonstruksi" not in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    assert "12 dari 17 sektor" in html
    for testid in ("chart-lq", "chart-shiftshare", "chart-klassen"):
        assert f'data-testid="{testid}"' in html
    tables = response.context["tables"]
    assert len(tables["lq"].rows) == 17 and len(tables["shiftshare"].rows) == 18
    assert "2,875" in html  # LQ mean of manufacturing, Indonesian decimal comma


def test_leading_sectors_exports_full_precision_in_the_chosen_order(client, demo, role_users):
    client.force_login(role_users["dkumkmp"])
    response = client.get(
        reverse("analytics:leading_sectors"), {"export": "lq", "format": "csv", "lq-sort": "-lq_mean"}
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][0] == "C"  # highest LQ first
    assert rows[1][4] == "2.8750567353835956"


def test_dynamic_method_without_every_year_explains_itself(client, demo, role_users):
    client.force_login(role_users["bappeda"])
    response = client.get(reverse("analytics:leading_sectors"), {"method": "dynamic"})
    assert response.status_code == 200
    assert "2020, 2021, 2022" in response.content.decode()
    assert "shiftshare" not in response.context["tables"]
    assert len(response.context["tables"]["lq"].rows) == 17


def test_same_region_and_reference_is_a_form_error(client, demo, role_users):
    client.force_login(role_users["bappeda"])
    response = client.get(reverse("analytics:leading_sectors"), {"region": "64", "reference": "64"})
    assert response.status_code == 200 and "result" not in response.context
    assert response.context["form"].errors["reference"]


@pytest.mark.django_db
def test_page_without_data_invites_an_import(client, role_users):
    client.force_login(role_users["bappeda"])
    response = client.get(reverse("analytics:leading_sectors"))
    assert response.context["no_data"] is True


def test_a_cached_result_is_replaced_as_soon_as_the_data_changes(client, demo, role_users):
    client.force_login(role_users["bappeda"])
    first = client.get(reverse("analytics:leading_sectors")).content.decode()
    again = client.get(reverse("analytics:leading_sectors"))
    assert "tables" not in again.context  # served from the cache
    assert again.content.decode().count("chart-lq") == first.count("chart-lq")
    value = GrdpValue.objects.get(region__code="64.71", sector__code="C", year=2023)
    batch = run_import(
        "grdp",
        data=(HEADER + f"64.71,Kota Balikpapan,C,2023,ADHK,{value.value + 1000000}\n").encode(),
        filename="fix.csv",
        user=role_users["bappeda"],
    )
    # A file without a release label nor a source is a release of its own ("Tanpa label rilis"), the latest:
    # the demo release keeps its value, the results read the new one.
    assert batch.rows_created == 1, batch.errors
    assert GrdpValue.objects.filter(pk=value.pk, value=value.value).exists()
    fresh = client.get(reverse("analytics:leading_sectors"))
    assert "tables" in fresh.context  # recomputed
    assert fresh.context["result"].lq.loc["C", "lq_2023"] > 2.91  # was 2.9017 before the correction


def test_a_value_too_large_for_the_column_is_refused_with_its_row(reference_data):
    """Found by fuzzing: it was refused only while saving, without the row (and PostgreSQL's error as the message)."""
    errors = refused(HEADER + "64.71,,A,2023,ADHK," + "9" * 40 + "\n")
    assert [(row, column) for row, column, _message in errors] == [(2, "value")]
    assert "18" in errors[0][2]  # 20 digits of which 2 after the point


# --- issue 14: the leading-sectors page and command, as a new user finds them --------------------------------


def test_year_selects_list_each_year_once(client, demo, role_users):
    """The model's ordering made every (region, basis, sector) row of a year distinct: 2019 and 2023 34 times."""
    client.force_login(role_users["bappeda"])
    response = client.get(reverse("analytics:leading_sectors"))
    form = response.context["form"]
    assert form.fields["start"].choices == [(2019, "2019"), (2023, "2023")]
    assert form.fields["end"].choices == [(2019, "2019"), (2023, "2023")]
    html = response.content.decode()
    start_select = html[html.index('name="start"') :].split("</select>", 1)[0]
    assert start_select.count('value="2019"') == 1 and start_select.count('value="2023"') == 1


def test_a_price_basis_without_data_says_so_and_keeps_the_selects(client, demo, role_users):
    """ADHB without ADHB data emptied the year selects and showed Django's generic "valid choice" error."""
    client.force_login(role_users["bappeda"])
    response = client.get(reverse("analytics:leading_sectors"), {"price_basis": "ADHB"})
    assert response.status_code == 200 and "result" not in response.context
    form = response.context["form"]
    assert list(form.errors) == ["price_basis"]
    assert form.errors["price_basis"] == ["Belum ada data PDRB ADHB: pilih dasar harga lain, atau impor tabel BPS-nya."]
    assert form.fields["start"].choices == [(2019, "2019"), (2023, "2023")]
    html = response.content.decode()
    assert "Belum ada data PDRB ADHB" in html and "sah" not in str(form.errors)  # "Pilih pilihan yang sah"
    # Back to ADHK with the same years: the analysis is there again.
    again = client.get(reverse("analytics:leading_sectors"), {"price_basis": "ADHK", "start": 2019, "end": 2023})
    assert "result" in again.context


def test_one_year_gives_the_lq_and_the_growth_methods_say_they_need_two(client, demo, role_users):
    client.force_login(role_users["bappeda"])
    response = client.get(reverse("analytics:leading_sectors"), {"start": 2023, "end": 2023})
    assert response.status_code == 200 and not response.context["form"].errors
    assert len(response.context["tables"]["lq"].rows) == 17
    assert set(response.context["tables"]) == {"lq"}
    html = response.content.decode()
    for testid in ("shiftshare-error", "klassen-error"):
        assert "Pertumbuhan memerlukan dua tahun yang berbeda" in html.split(f'data-testid="{testid}"', 1)[1][:400]
    assert "12 dari 17 sektor" in html or "dari 17 sektor" in html
    refused = client.get(reverse("analytics:leading_sectors"), {"start": 2023, "end": 2019})
    assert refused.context["form"].errors["end"] == ["Tahun akhir tidak boleh sebelum tahun awal."]


@pytest.mark.django_db
def test_report_command_lq_for_one_year(reference_data, role_users):
    """`economics_report lq --start 2017 --end 2017` was refused; one year is the most common LQ request."""
    rows = "".join(
        f"{region},{name},{sector},2017,ADHK,{value}\n"
        for region, name, values in (
            ("64.71", "Kota Balikpapan", (10, 50, 40)),
            ("64", "Kalimantan Timur", (200, 300, 500)),
        )
        for sector, value in zip("ABC", values, strict=True)
    )
    batch = run_import("grdp", data=(HEADER + rows).encode(), filename="2017.csv", user=role_users["bappeda"])
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    lq = list(csv.DictReader(io.StringIO(report("lq", "--start", "2017", "--end", "2017"))))
    assert list(lq[0]) == ["sector_code", "sector_name", "lq_2017", "lq_mean", "class", "status_2017"]
    assert [(r["sector_code"], float(r["lq_2017"])) for r in lq] == [("A", 0.5), ("B", 50 / 30), ("C", 0.8)]
    for method in ("shiftshare", "klassen", "dlq"):
        with pytest.raises(
            CommandError, match="Pertumbuhan memerlukan dua tahun yang berbeda: perlebar rentang dari 2017"
        ):
            report(method, "--start", "2017", "--end", "2017")
    with pytest.raises(CommandError, match="tidak boleh sesudah"):
        report("lq", "--start", "2018", "--end", "2017")


def test_the_scorecard_note_is_stored_untranslated_and_read_in_each_language(demo):
    """The indicator's note (the GRDP's source, an economics error) is stored as a text, not as the language of
    the nightly run: the demo source read "Reconstructed from published tables, ..." on Indonesian pages."""
    from django.utils import translation

    from analytics.indicators import basis_sector_count, competitive_sector_count
    from analytics.registry import Period, render_text

    note = basis_sector_count(Period(2023)).note
    assert note["message"] == "%(source0)s"
    assert note["params"]["source0"]["message"] == "Reconstructed from published tables, not official BPS data"
    with translation.override("id"):
        assert render_text(note) == "Direkonstruksi dari tabel yang dipublikasikan, bukan data resmi BPS"
        assert render_text(competitive_sector_count(Period(2023)).note).startswith("2019–2023. Direkonstruksi")
    with translation.override("en"):
        assert render_text(note) == "Reconstructed from published tables, not official BPS data"
