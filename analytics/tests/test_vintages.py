"""GRDP releases (issue 18, vintages): two releases side by side, the latest by default and any on request, the
statuses of preliminary years in the results, the sectors whose LQ class changed; the province comparison page;
the Kemendagri codes; the migration that gave the values already stored a release."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from analytics.demo import DEMO_FILE
from analytics.models import GrdpRelease, GrdpValue, Region
from analytics.selectors import grdp_values
from analytics.tests.test_grdp_bps import as_csv, demo_values, indonesian
from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import
from smarteconomy.models import Sector

pytestmark = pytest.mark.django_db

OLD = "PDRB Kaltim 2023, rilis Juli 2024"
NEW = "PDRB Kota Balikpapan 2024, rilis Juli 2025"


def bps_table(values, *, revised=None):
    """Balikpapan's BPS table of 2019 and 2023*, ``revised`` {(sector, year): value} over the demo values."""
    values = {**values, **(revised or {})}
    sectors = list(Sector.objects.order_by("order").values_list("code", flat=True))
    rows = [["PDRB Kota Balikpapan ADHK 2010 (Juta Rupiah)"], ["Lapangan Usaha", "2019", "2023*"]]
    for code in sectors:
        rows.append([code] + [indonesian(values[(code, year)]) for year in (2019, 2023)])
    rows.append(["PDRB"] + [indonesian(sum(values[(code, year)] for code in sectors)) for year in (2019, 2023)])
    return as_csv(rows)


def write_file(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.fixture
def two_releases(reference_data, role_users, tmp_path):
    return make_two_releases(tmp_path)


def make_two_releases(tmp_path):
    """Release 1: the demo long CSV (both regions, final). Release 2: Balikpapan's BPS table with 2023 marked
    preliminary and sector P revised up by half in 2023 (its mean LQ goes from 0,886 to above 1)."""
    call_command(
        "import_grdp",
        str(DEMO_FILE),
        "--vintage",
        OLD,
        "--release-date",
        "2024-07-01",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    balikpapan = {(s, y): v for (r, s, y), v in demo_values().items() if r == "64.71"}
    revised = {("P", 2023): (balikpapan[("P", 2023)] * Decimal("1.5")).quantize(Decimal("0.01"))}
    path = write_file(tmp_path, "pdrb_balikpapan_2025.csv", bps_table(balikpapan, revised=revised))
    call_command(
        "import_grdp",
        path,
        "--layout",
        "bps",
        "--region",
        "64.71",
        "--price-basis",
        "ADHK",
        "--vintage",
        NEW,
        "--release-date",
        "2025-07-15",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    return revised


def report(*args):
    out = io.StringIO()
    call_command("economics_report", *args, stdout=out)
    return out.getvalue()


def lq_json(*extra):
    rows = json.loads(report("lq", "--start", "2019", "--end", "2023", "--format", "json", *extra))
    return {row["sector_code"]: row for row in rows}


def test_two_releases_are_kept_side_by_side_and_the_latest_is_read_by_default(two_releases):
    old, new = GrdpRelease.objects.get(label=OLD), GrdpRelease.objects.get(label=NEW)
    assert (old.released_on.isoformat(), new.released_on.isoformat()) == ("2024-07-01", "2025-07-15")
    assert old.values.count() == 68 and new.values.count() == 34  # nothing of release 1 was replaced
    p_2023 = GrdpValue.objects.filter(region__code="64.71", sector__code="P", year=2023)
    assert sorted((v.release.label, v.value, v.status) for v in p_2023) == sorted(
        [
            (OLD, demo_values()[("64.71", "P", 2023)], "final"),
            (NEW, two_releases[("P", 2023)], "preliminary"),
        ]
    )
    # The results read 68 values: Balikpapan's from release 2, the province's (not in release 2) from release 1.
    current = grdp_values()
    assert current.count() == 68
    assert set(current.filter(region__code="64.71").values_list("release__label", flat=True)) == {NEW}
    assert set(current.filter(region__code="64").values_list("release__label", flat=True)) == {OLD}
    # As release 1 left them: its own 68 values.
    assert set(grdp_values(old).values_list("release__label", flat=True)) == {OLD}

    latest, older = lq_json(), lq_json("--vintage", OLD)
    assert latest["P"]["class"] == "basis" and latest["P"]["lq_mean"] > 1
    assert older["P"]["class"] == "non-basis" and round(older["P"]["lq_mean"], 4) == 0.8863
    assert older["C"]["lq_2023"] == pytest.approx(2.901691275748114, rel=1e-12)
    assert lq_json("--vintage", NEW) == latest


def test_statuses_per_year_in_the_csv_and_json_results(two_releases):
    latest = lq_json()
    assert {(row["status_2019"], row["status_2023"]) for row in latest.values()} == {("final", "preliminary")}
    assert {(row["status_2019"], row["status_2023"]) for row in lq_json("--vintage", OLD).values()} == {
        ("final", "final")
    }
    rows = list(csv.DictReader(io.StringIO(report("shiftshare", "--start", "2019", "--end", "2023"))))
    assert rows[0]["status_2019"] == "final" and rows[0]["status_2023"] == "preliminary"
    assert rows[-1]["sector_code"] == "TOTAL" and rows[-1]["status_2023"] == "preliminary"
    klassen = json.loads(report("klassen", "--start", "2019", "--end", "2023", "--format", "json"))
    assert all(row["status_2023"] == "preliminary" for row in klassen)


def test_the_comparison_lists_the_sectors_that_changed_class(two_releases):
    rows = list(
        csv.DictReader(io.StringIO(report("classchanges", "--start", "2019", "--end", "2023", "--vintage", OLD)))
    )
    changed = [(row["sector_code"], row["class_old"], row["class_new"]) for row in rows if row["changed"] == "True"]
    assert changed == [("P", "non-basis", "basis")]
    assert len(rows) == 17
    # Both releases named: the same.
    again = json.loads(
        report(
            "classchanges", "--start", "2019", "--end", "2023", "--vintage", OLD, "--against", NEW, "--format", "json"
        )
    )
    assert [row["sector_code"] for row in again if row["changed"]] == ["P"]


def test_an_unknown_release_is_a_clear_error(two_releases):
    with pytest.raises(CommandError, match="Unknown GRDP release 'PDRB 1999'"):
        report("lq", "--start", "2019", "--end", "2023", "--vintage", "PDRB 1999")
    with pytest.raises(CommandError, match="classchanges compares two releases"):
        report("classchanges", "--start", "2019", "--end", "2023")


def test_a_reimport_into_the_same_release_replaces_its_values_only(two_releases, tmp_path):
    balikpapan = {(s, y): v for (r, s, y), v in demo_values().items() if r == "64.71"}
    revised = {("P", 2023): Decimal("1.00") + two_releases[("P", 2023)]}
    batch = run_import(
        "grdp_bps",
        data=bps_table(balikpapan, revised=revised),
        filename="again.csv",
        user=None,
        params={"region": "64.71", "price_basis": "ADHK", "vintage": NEW},
    )
    assert batch.status == ImportStatus.COMMITTED and batch.rows_updated == 1, batch.errors
    assert GrdpValue.objects.count() == 102
    assert GrdpRelease.objects.get(label=NEW).values.get(sector__code="P", year=2023).value == revised[("P", 2023)]


@pytest.mark.parametrize(
    ("params", "column", "message"),
    [
        ({"vintage": "x" * 201}, "vintage", "200 characters"),
        ({"vintage": "R", "release_date": "31-07-2025"}, "release_date", "YYYY-MM-DD"),
        ({"vintage": OLD, "release_date": "2025-01-01"}, "release_date", "2024-07-01"),
    ],
)
def test_a_bad_release_is_refused_and_nothing_is_written(two_releases, params, column, message):
    before = (GrdpValue.objects.count(), GrdpRelease.objects.count())
    with translation.override("en"):
        batch = run_import("grdp", data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, user=None, params=params)
    assert batch.status == ImportStatus.REFUSED
    assert [(e["column"], message in e["message"]) for e in batch.errors] == [(column, True)]
    assert (GrdpValue.objects.count(), GrdpRelease.objects.count()) == before


def test_the_upload_page_takes_the_release(reference_data, client, role_users):
    client.force_login(role_users["bappeda"])
    upload = reverse("imports:upload", kwargs={"importer": "grdp"})
    page = client.get(upload).content.decode()
    assert 'name="vintage"' in page and 'name="release_date"' in page
    with DEMO_FILE.open("rb") as handle:
        response = client.post(
            upload, {"file": handle, "vintage": "Demo rilis 1", "release_date": "2024-07-01", "commit": "1"}
        )
    assert response.status_code in (200, 302)
    release = GrdpRelease.objects.get(label="Demo rilis 1")
    assert release.released_on.isoformat() == "2024-07-01" and release.values.count() == 68
    bps = client.get(reverse("imports:upload", kwargs={"importer": "grdp_bps"})).content.decode()
    assert 'name="vintage"' in bps and 'name="region"' in bps


# --- the leading-sectors page: ?vintage= and ?compare= ----------------------------------------------------------


def test_the_page_reads_the_latest_release_marks_preliminary_years_and_takes_any_release(
    two_releases, client, role_users
):
    client.force_login(role_users["bappeda"])
    url = reverse("analytics:leading_sectors")
    latest = client.get(url, {"start": 2019, "end": 2023})
    assert latest.status_code == 200
    assert latest.context["result"].lq.loc["P", "class"] == "basis"
    page = latest.content.decode()
    assert "LQ 2023*" in page and 'data-testid="preliminary-years"' in page
    older = client.get(url, {"start": 2019, "end": 2023, "vintage": OLD})
    assert older.context["result"].lq.loc["P", "class"] == "non-basis"
    assert OLD in older.content.decode() and "LQ 2023*" not in older.content.decode()
    compared = client.get(url, {"start": 2019, "end": 2023, "compare": OLD})
    changes = compared.context["class_changes"]
    assert [row["code"] for row in changes] == ["P"]
    assert 'data-testid="class-changes"' in compared.content.decode()
    # The status of every year in the export.
    export = client.get(url, {"start": 2019, "end": 2023, "export": "lq", "format": "csv"})
    lines = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    header = next(csv.reader(lines[:1]))
    assert "Status 2023" in header or "Status 2023" in ",".join(header), header


def test_an_unknown_release_on_the_page_is_a_message_not_an_error(two_releases, client, role_users):
    client.force_login(role_users["bappeda"])
    with translation.override("en"):
        response = client.get(reverse("analytics:leading_sectors"), {"vintage": "PDRB 1999"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "result" not in response.context
    assert "PDRB 1999" in " ".join(response.context["form"].errors["vintage"])
    comparison = client.get(reverse("analytics:province_comparison"), {"vintage": "PDRB 1999"})
    assert comparison.status_code == 200 and comparison.context["form"].errors["vintage"]


# --- the province comparison page --------------------------------------------------------------------------------


def test_the_comparison_page_with_no_data_one_region_and_two(reference_data, client, role_users):
    url = reverse("analytics:province_comparison")
    client.force_login(role_users["dkumkmp"])
    empty = client.get(url)
    assert empty.status_code == 200 and 'data-testid="no-data"' in empty.content.decode()
    # Only the province: no region to compare, every one listed without data.
    province_only = "".join(DEMO_FILE.read_text(encoding="utf-8").splitlines(keepends=True)[i] for i in [0])
    province_only += "".join(
        line for line in DEMO_FILE.read_text(encoding="utf-8").splitlines(keepends=True) if line.startswith("64,")
    )
    batch = run_import("grdp", data=province_only.encode(), filename="kaltim.csv", user=None)
    assert batch.status == ImportStatus.COMMITTED, batch.errors[:3]
    one = client.get(url)
    assert one.status_code == 200
    assert one.context["result"].regions == [] and len(one.context["result"].without_data) == 10
    assert 'data-testid="no-regions"' in one.content.decode()
    # With Balikpapan: its LQ column, its neighbours without data.
    run_import("grdp", data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, user=None)
    two = client.get(url)
    result = two.context["result"]
    assert [region.code for region in result.regions] == ["64.71"] and result.year == 2023
    assert result.lq["64.71"]["C"] == pytest.approx(2.901691275748114, rel=1e-12)
    page = two.content.decode()
    assert ">2,90<" in page  # the number is in the cell (Indonesian decimal comma)
    assert "bukan data resmi BPS" in page  # the demo's source says what it is
    neighbours = {region.code: total for region, total, _share, _basis in two.context["neighbours"]}
    assert list(neighbours) == ["64.71", "64.72", "64.03", "64.09", "64.74"]
    assert neighbours["64.71"] > 0 and all(neighbours[code] is None for code in ("64.72", "64.03", "64.09", "64.74"))
    assert page.count("belum ada data") >= 4 + 9  # four neighbours and nine regions without data
    older_year = client.get(url, {"year": 2019})
    assert older_year.context["result"].year == 2019


def test_the_comparison_page_reads_a_release_and_marks_preliminary_regions(two_releases, client, role_users):
    client.force_login(role_users["bappeda"])
    url = reverse("analytics:province_comparison")
    latest = client.get(url)
    assert latest.context["result"].statuses["64.71"] == "preliminary"
    assert latest.context["columns"][0][1] == "*"
    assert 'data-testid="preliminary"' in latest.content.decode()
    older = client.get(url, {"vintage": OLD})
    assert older.context["result"].statuses["64.71"] == "final"
    assert older.context["result"].lq["64.71"]["P"] < 1 < latest.context["result"].lq["64.71"]["P"]


def test_bappeda_reads_the_comparison_page_without_a_control_that_changes_data(two_releases, client, role_users):
    client.force_login(role_users["bappeda"])
    page = client.get(reverse("analytics:province_comparison")).content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert 'data-testid="comparison-form"' in main and 'method="post"' not in main.lower()  # it reads, with GET
    assert 'data-testid="lq-heat"' in page


# --- the Kemendagri codes of Kalimantan Timur ---------------------------------------------------------------------

# Permendagri No. 72 Tahun 2019 (kode dan data wilayah administrasi pemerintahan), as updated by Kepmendagri
# No. 100.1.1-6117 Tahun 2022: the province 64 and its seven kabupaten and three kota.
KALTIM = {
    "64": "Provinsi Kalimantan Timur",
    "64.01": "Kabupaten Paser",
    "64.02": "Kabupaten Kutai Barat",
    "64.03": "Kabupaten Kutai Kartanegara",
    "64.04": "Kabupaten Kutai Timur",
    "64.05": "Kabupaten Berau",
    "64.09": "Kabupaten Penajam Paser Utara",
    "64.11": "Kabupaten Mahakam Ulu",
    "64.71": "Kota Balikpapan",
    "64.72": "Kota Samarinda",
    "64.74": "Kota Bontang",
}


def test_the_region_codes_are_those_of_the_kemendagri_list(reference_data):
    assert dict(Region.objects.values_list("code", "name")) == KALTIM
    levels = dict(Region.objects.values_list("code", "level"))
    assert levels["64"] == "province"
    assert {code for code, level in levels.items() if level == "city"} == {"64.71", "64.72", "64.74"}
    assert sum(level == "regency" for level in levels.values()) == 7


# --- the migration ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_the_stored_values_a_release_and_keeps_them():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("analytics", "0005_editions_and_snapshot_history")], [("analytics", "0006_grdp_releases")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_apps = executor.loader.project_state(before).apps
        sector = old_apps.get_model("smarteconomy", "Sector").objects.create(
            code="Z", order=99, name_id="Uji", name_en="Test"
        )
        Region = old_apps.get_model("analytics", "Region")  # noqa: N806 (a historical model)
        city = Region.objects.create(code="64.71", name="Kota Balikpapan", level="city")
        province = Region.objects.create(code="64", name="Provinsi Kalimantan Timur", level="province")
        Value = old_apps.get_model("analytics", "GrdpValue")  # noqa: N806
        Value.objects.create(region=city, sector=sector, year=2023, price_basis="ADHK", value=10, source="BPS 2024")
        Value.objects.create(region=province, sector=sector, year=2023, price_basis="ADHK", value=99, source="")
        Value.objects.create(region=city, sector=sector, year=2022, price_basis="ADHB", value=7, source="BPS 2024")

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new_apps = executor.loader.project_state(after).apps
        values = new_apps.get_model("analytics", "GrdpValue").objects.order_by("region__code", "year")
        assert [(v.region.code, v.year, v.value, v.release.label, v.status) for v in values] == [
            ("64", 2023, Decimal("99.00"), "Tanpa label rilis", "final"),
            ("64.71", 2022, Decimal("7.00"), "BPS 2024", "final"),
            ("64.71", 2023, Decimal("10.00"), "BPS 2024", "final"),
        ]
        assert new_apps.get_model("analytics", "GrdpRelease").objects.count() == 2

        # Backwards: one value per key again, the latest release's.
        Release = new_apps.get_model("analytics", "GrdpRelease")  # noqa: N806
        newer = Release.objects.create(label="BPS 2025", released_on="2099-01-01")
        new_apps.get_model("analytics", "GrdpValue").objects.create(
            region_id=values[2].region_id,
            sector_id=values[2].sector_id,
            year=2023,
            price_basis="ADHK",
            value=11,
            source="BPS 2025",
            release=newer,
        )
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        old_apps = executor.loader.project_state(before).apps
        back = old_apps.get_model("analytics", "GrdpValue").objects.order_by("region__code", "year")
        assert [(v.region.code, v.year, v.value) for v in back] == [
            ("64", 2023, Decimal("99.00")),
            ("64.71", 2022, Decimal("7.00")),
            ("64.71", 2023, Decimal("11.00")),
        ]
    finally:  # back to the latest migrations, for the tests after this one
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_grdp_list_names_the_demo_release_in_indonesian(reference_data, client, role_users):
    """The crawl's one-language check found the release filter showing the demo's label untranslated."""
    run_import("grdp", data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, user=None)
    client.force_login(role_users["admin"])
    page = client.get(reverse("analytics:grdp_list")).content.decode()
    assert "bukan data resmi BPS" in page and "Reconstructed from published tables" not in page
