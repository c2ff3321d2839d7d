"""Bappeda's public datasets on a small hand-made GRDP (two sectors, two years) and a published edition: the rows
equal the figures computed by hand and agree with indicator 1; the scorecard dataset reads published editions only."""

import pytest

from analytics import editions, indicators
from analytics.models import IndicatorSnapshot
from analytics.registry import Period
from analytics.scorecard import indicators_recompute
from smarteconomy.importing import run_import
from smarteconomy.tasking import run_logged
from smarteconomy.testing_datasets import assert_metadata_complete, dataset, rows_of

pytestmark = pytest.mark.django_db

HEADER = "region_code,region_name,sector_code,year,price_basis,value\n"
# Balikpapan q: 2021 A=100 B=300 (Q=400), 2022 A=120 B=330 (Q=450).
# Kalimantan Timur e: 2021 A=1000 B=1000 (E=2000), 2022 A=1100 B=1200 (E=2300).
GRDP = [
    ("64.71", "Kota Balikpapan", "A", 2021, 100),
    ("64.71", "Kota Balikpapan", "B", 2021, 300),
    ("64.71", "Kota Balikpapan", "A", 2022, 120),
    ("64.71", "Kota Balikpapan", "B", 2022, 330),
    ("64", "Provinsi Kalimantan Timur", "A", 2021, 1000),
    ("64", "Provinsi Kalimantan Timur", "B", 2021, 1000),
    ("64", "Provinsi Kalimantan Timur", "A", 2022, 1100),
    ("64", "Provinsi Kalimantan Timur", "B", 2022, 1200),
]
CODES = (
    "analytics-grdp-by-sector",
    "analytics-location-quotient",
    "analytics-shift-share",
    "analytics-scorecard-editions",
)


def import_grdp(user, lines):
    data = HEADER + "".join(
        f"{code},{name},{sector},{year},ADHK,{value}\n" for code, name, sector, year, value in lines
    )
    batch = run_import("grdp", data=data.encode(), filename="pdrb.csv", user=user)
    assert batch.status == "committed", batch.message


def recompute():
    run_logged("analytics.indicators_recompute", indicators_recompute, kwargs={"full": True}, pass_run=True)


@pytest.fixture
def grdp(reference_data, role_users):
    import_grdp(role_users["bappeda"], GRDP)
    return role_users


def test_grdp_by_sector_has_every_figure_with_its_codes(grdp):
    rows = rows_of(dataset("analytics-grdp-by-sector"))
    assert len(rows) == 8
    row = next(r for r in rows if r["region_code"] == "64.71" and r["sector_code"] == "B" and r["year"] == 2022)
    assert row["value"] == 330.0 and row["price_basis"] == "ADHK" and row["region_name"] == "Kota Balikpapan"
    assert row["sector_name_id"] and row["sector_name_en"] and row["unit"]


def test_location_quotient_equals_the_hand_computed_values_and_the_indicator(grdp):
    rows = rows_of(dataset("analytics-location-quotient"))
    lq = {(r["year"], r["sector_code"]): r["lq"] for r in rows}
    assert lq == {
        (2021, "A"): 0.5,  # (100/400) / (1000/2000)
        (2021, "B"): 1.5,  # (300/400) / (1000/2000)
        (2022, "A"): round(120 * 2300 / (450 * 1100), 4),  # 0.5576
        (2022, "B"): round(330 * 2300 / (450 * 1200), 4),  # 1.4056
    }
    assert {r["class"] for r in rows if r["sector_code"] == "B"} == {"basis"}
    assert {type(r["price_basis"]) for r in rows} == {str}  # plain text, not the enum, for CSV and JSON
    for year in (2021, 2022):
        basis = sum(1 for r in rows if r["year"] == year and r["lq"] > 1)
        assert basis == indicators.basis_sector_count(Period(year)).value == 1


def test_shift_share_equals_the_hand_computed_components_and_the_indicator(grdp):
    rows = rows_of(dataset("analytics-shift-share"))
    by_sector = {r["sector_code"]: r for r in rows}
    assert [(r["base_year"], r["end_year"]) for r in rows] == [(2021, 2022)] * 2
    # G = 2300/2000 − 1 = 0.15; g_A = 0.1, g_B = 0.2; r_A = 0.2, r_B = 0.1.
    a, b = by_sector["A"], by_sector["B"]
    assert (a["change"], a["regional_share"], a["proportional_shift"], a["differential_shift"]) == (20, 15, -5, 10)
    assert (b["change"], b["regional_share"], b["proportional_shift"], b["differential_shift"]) == (30, 45, 15, -30)
    competitive = sum(1 for r in rows if r["differential_shift"] > 0)
    assert competitive == indicators.competitive_sector_count(Period(2022)).value == 1


def test_the_scorecard_dataset_holds_published_editions_only_and_never_changes_with_a_recompute(grdp):
    recompute()
    assert IndicatorSnapshot.objects.filter(indicator_code="analytics.basis_sector_count", period="2022").exists()
    assert dataset("analytics-scorecard-editions").rows() == []  # live snapshots only: nothing public yet
    editions.publish("2022", "Evaluasi 2022", grdp["bappeda"])
    rows = rows_of(dataset("analytics-scorecard-editions"))
    basis = next(r for r in rows if r["indicator_code"] == "analytics.basis_sector_count")
    assert basis["edition"] == "Evaluasi 2022" and basis["edition_period"] == "2022" and basis["period"] == "2022"
    assert basis["value"] == 1 and basis["completeness"].count("/") == 1
    # New data and a recompute change the live scorecard, not the edition.
    import_grdp(grdp["bappeda"], [("64.71", "Kota Balikpapan", "A", 2022, 10)])
    recompute()
    assert IndicatorSnapshot.objects.get(indicator_code="analytics.basis_sector_count", period="2022").value == 1
    assert rows_of(dataset("analytics-scorecard-editions")) == rows


def test_metadata_is_complete(grdp):
    recompute()
    editions.publish("2022", "Evaluasi 2022", grdp["bappeda"])
    for code in CODES:
        data = dataset(code)
        assert data.producer == "bappeda"
        assert_metadata_complete(data)
    assert dataset("analytics-grdp-by-sector").period_covered() == ("2021", "2022")
    assert dataset("analytics-shift-share").period_covered() == ("2021", "2022")


def test_declarations_are_discovered_once():
    from opendata import registry

    registry.autodiscover()
    registry.autodiscover()
    assert set(CODES) <= {d.code for d in registry.all_datasets()}
    with pytest.raises(registry.DatasetError, match="declared twice"):
        registry.register(registry.get_dataset(CODES[0]))
