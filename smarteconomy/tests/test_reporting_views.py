"""The reporting pages (smarteconomy.reporting_views): the office x period grid with its states, summaries and
exports, who sees which sources, the drill-down of a source with its steps, history and refusals."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from cashless.models import OperatorMembership, ParkingLocation
from licensing.services import APPLICATIONS_SOURCE
from smarteconomy.choices import ReportingStatus
from smarteconomy.models import DirtyPeriod, ExportLog, ReportingPeriod
from smarteconomy.reporting import period_approve, period_submit
from smarteconomy.sources import calendar_source

OVERVIEW = reverse("reporting:overview")
SOURCE = reverse("reporting:source", kwargs={"code": APPLICATIONS_SOURCE})


def step_url(period, step, code=APPLICATIONS_SOURCE):
    return reverse("reporting:step", kwargs={"code": code, "period": period, "step": step})


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def login(client, role_users):
    def as_role(role):
        client.force_login(role_users[role])
        client.cookies["django_language"] = "en"
        return client

    return as_role


@pytest.fixture
def locations(role_users):
    airport = ParkingLocation.objects.create(
        code="SEPINGGAN", name="Bandara Sepinggan", operator_name="AP", reporting_since=date(2025, 1, 1)
    )
    mall = ParkingLocation.objects.create(
        code="BSB", name="Balikpapan Superblock", operator_name="BSB", reporting_since=date(2025, 6, 1)
    )
    OperatorMembership.objects.create(user=role_users["operator_airport"], location=airport)
    OperatorMembership.objects.create(user=role_users["operator_mall"], location=mall)
    return airport, mall


def grid_states(response, source=APPLICATIONS_SOURCE, part=""):
    """{period: state} of one row of the grid."""
    for _label, rows in [(o["label"], o["rows"]) for o in response.context["offices"]]:
        for row in rows:
            if row.source.code == source and row.part.key == part:
                return {str(slot[0].period): slot[1].key for slot in row.cells if slot}
    raise AssertionError(f"no row {source} {part}")


def test_bappeda_sees_every_office_and_the_states_of_2025(login, role_users):
    period_submit(source=APPLICATIONS_SOURCE, period="2025-10", by=role_users["dpmptsp"])
    period_approve(source=APPLICATIONS_SOURCE, period="2025-10", by=role_users["bappeda"])
    period_submit(source=APPLICATIONS_SOURCE, period="2025-11", by=role_users["dpmptsp"])
    response = login("bappeda").get(OVERVIEW, {"year": 2025})
    assert response.status_code == 200
    offices = [office["label"] for office in response.context["offices"]]
    assert len(offices) >= 3 and any("DPMPTSP" in label for label in offices)
    states = grid_states(response)
    assert states["2025-10"] == "approved"
    assert states["2025-11"] == "submitted_late"  # submitted today, long after 10 December 2025
    assert states["2025-09"] == "not_reported"
    # GRDP is yearly: its one cell is the year's.
    assert list(grid_states(response, "analytics.grdp")) == ["2025"]
    row_summary = next(
        row.summary for o in response.context["offices"] for row in o["rows"] if row.source.code == APPLICATIONS_SOURCE
    )
    assert (row_summary["expected"], row_summary["submitted"], row_summary["approved"]) == (12, 2, 1)
    assert row_summary["completeness_text"] == "16,7 %" and row_summary["timeliness_text"] == "0,0 %"
    html = response.content.decode()
    assert "✔" in html and "Approved, locked" in html and "Not reported" in html  # a sign and words, not colour
    assert response.context["summary"]["approved"] == 1
    assert f'href="{SOURCE}#p-2025-09"' in html  # each cell leads to its period on the source's page


def test_an_office_sees_only_its_own_sources_and_an_operator_only_its_location(login, locations):
    response = login("dpmptsp").get(OVERVIEW, {"year": 2025})
    codes = {row.source.code for o in response.context["offices"] for row in o["rows"]}
    assert codes == {"licensing.applications", "licensing.disruptions", "licensing.survey"}
    response = login("operator_airport").get(OVERVIEW, {"year": 2025})
    rows = [(row.source.code, row.part.key) for o in response.context["offices"] for row in o["rows"]]
    assert rows == [("cashless.parking", "SEPINGGAN")]
    assert "Balikpapan Superblock" not in response.content.decode()
    # Bappeda sees a row per location; the mall is not expected before June.
    response = login("bappeda").get(OVERVIEW, {"year": 2025})
    mall = grid_states(response, "cashless.parking", "BSB")
    assert mall["2025-06"] == "not_reported" and "2025-05" not in mall


def test_a_bad_year_or_export_format_is_a_clear_400(login):
    client = login("bappeda")
    response = client.get(OVERVIEW, {"year": "abc"})
    assert response.status_code == 400 and "Unknown year" in response.content.decode()
    assert client.get(OVERVIEW, {"year": "1999"}).status_code == 400
    response = client.get(OVERVIEW, {"export": "pdf"})
    assert response.status_code == 400 and "csv or xlsx" in response.content.decode()


def test_the_grid_exports_as_csv_and_xlsx_and_is_logged(login, role_users):
    period_submit(source=APPLICATIONS_SOURCE, period="2025-10", by=role_users["dpmptsp"])
    client = login("dpmptsp")
    response = client.get(OVERVIEW, {"year": 2025, "export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header = rows[0]
    assert header[:4] == ["Office", "Data source", "Code", "Part"] and "2025-10" in header
    applications = next(row for row in rows if row[2] == APPLICATIONS_SOURCE)
    assert applications[header.index("2025-10")] == "Submitted late"
    assert applications[header.index("2025-09")] == "Not reported"
    assert {row[2] for row in rows[1:-1]} == {
        "licensing.applications",
        "licensing.disruptions",
        "licensing.survey",
    }  # its own only
    assert rows[-1][0] == "Total" and rows[-1][header.index("Expected")] == "36"  # 3 sources × 12 months
    response = client.get(OVERVIEW, {"year": 2025, "export": "xlsx"})
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    assert ExportLog.objects.filter(list_name="reporting:overview").count() == 2


def test_the_drill_down_lists_every_period_with_its_actions(login, role_users):
    client = login("dpmptsp")
    response = client.get(SOURCE)
    assert response.status_code == 200
    rows = {str(row.cell.period): row for row in response.context["rows"]}
    assert rows["2023-01"].state.key == "not_reported" and rows["2025-10"].can_submit
    assert not rows["2025-10"].can_decide
    html = response.content.decode()
    assert 'data-testid="submit"' in html and 'data-testid="approve"' not in html

    response = client.post(step_url("2025-10", "submit"), follow=True)
    assert "is submitted" in response.content.decode()
    assert ReportingPeriod.objects.get(period="2025-10").status == ReportingStatus.SUBMITTED

    client = login("bappeda")
    response = client.get(SOURCE)
    row = next(r for r in response.context["rows"] if str(r.cell.period) == "2025-10")
    assert row.can_decide and not row.can_submit and not row.can_reopen
    response = client.post(step_url("2025-10", "return"), {"reason": "Lampiran NIB kurang"}, follow=True)
    assert "is returned" in response.content.decode()
    html = client.get(SOURCE).content.decode()
    assert "Lampiran NIB kurang" in html and "History (2 steps)" in html


def test_a_wrong_step_or_a_missing_reason_is_refused_with_a_message(login, role_users):
    client = login("bappeda")
    response = client.post(step_url("2025-10", "approve"), follow=True)
    assert "Approving is not possible" in response.content.decode()
    assert not ReportingPeriod.objects.exists()
    period_submit(source=APPLICATIONS_SOURCE, period="2025-10", by=role_users["dpmptsp"])
    response = client.post(step_url("2025-10", "return"), {"reason": "  "}, follow=True)
    assert "Give the reason" in response.content.decode()
    assert ReportingPeriod.objects.get().status == ReportingStatus.SUBMITTED
    response = client.post(step_url("2025-13", "approve"), follow=True)
    assert response.status_code == 200 and "2025-13" in response.content.decode()
    assert client.post(step_url("2025-10", "publish")).status_code == 404
    assert client.get(step_url("2025-10", "approve")).status_code == 405


def test_approve_return_and_reopen_make_the_period_dirty(login, role_users):
    period_submit(source=APPLICATIONS_SOURCE, period="2025-10", by=role_users["dpmptsp"])
    DirtyPeriod.objects.all().delete()
    login("bappeda").post(step_url("2025-10", "approve"))
    assert ReportingPeriod.objects.get().status == ReportingStatus.APPROVED
    assert list(DirtyPeriod.objects.values_list("source", "period")) == [
        (calendar_source(APPLICATIONS_SOURCE), "2025-10")
    ]
    DirtyPeriod.objects.all().delete()
    login("admin").post(step_url("2025-10", "reopen"), {"reason": "Koreksi NIB"})
    assert ReportingPeriod.objects.get().status == ReportingStatus.REOPENED
    assert list(DirtyPeriod.objects.values_list("source", "period")) == [
        (calendar_source(APPLICATIONS_SOURCE), "2025-10")
    ]


def test_offices_submit_only_their_own_sources_and_only_bappeda_or_admin_decide(login, role_users, locations):
    assert login("dkumkmp").post(step_url("2025-10", "submit")).status_code == 404
    assert login("bappeda").post(step_url("2025-10", "submit")).status_code == 403
    period_submit(source=APPLICATIONS_SOURCE, period="2025-10", by=role_users["dpmptsp"])
    assert login("dpmptsp").post(step_url("2025-10", "approve")).status_code == 403
    assert ReportingPeriod.objects.get().status == ReportingStatus.SUBMITTED
    # A parking operator submits its own location, not another's (which it does not see).
    parking = step_url("2025-10", "submit", code="cashless.parking")
    assert login("operator_mall").post(parking, {"part": "SEPINGGAN"}).status_code == 404
    assert login("operator_airport").post(parking, {"part": "SEPINGGAN"}).status_code == 302
    assert ReportingPeriod.objects.get(source="cashless.parking").part == "SEPINGGAN"
    assert login("operator_airport").post(parking).status_code == 404  # no location named


def test_the_parking_drill_down_lists_the_locations_a_user_sees(login, locations):
    url = reverse("reporting:source", kwargs={"code": "cashless.parking"})
    response = login("bappeda").get(url)
    assert [row["part"].key for row in response.context["part_rows"]] == ["BSB", "SEPINGGAN"]
    response = login("operator_airport").get(url)
    assert [row["part"].key for row in response.context["part_rows"]] == ["SEPINGGAN"]
    assert login("operator_airport").get(url, {"part": "BSB"}).status_code == 404
    response = login("operator_airport").get(url, {"part": "SEPINGGAN"})
    assert response.status_code == 200 and response.context["rows"][-1].cell.period.year == 2025
    assert login("dpmptsp").get(url).status_code == 404


def test_the_office_home_page_says_how_many_periods_to_submit(login, role_users):
    response = login("dpmptsp").get(reverse("home"))
    count = response.context["periods_to_submit"]
    assert count > 0 and f"{count} periods to submit" in response.content.decode()
    period_submit(source=APPLICATIONS_SOURCE, period="2025-10", by=role_users["dpmptsp"])
    assert login("dpmptsp").get(reverse("home")).context["periods_to_submit"] == count - 1


def test_the_menu_offers_the_reporting_page_to_every_role(login):
    for role in ("admin", "dpmptsp", "dkumkmp", "operator_airport"):
        assert f'href="{OVERVIEW}"' in login(role).get(reverse("password_change")).content.decode(), role


def test_the_grid_speaks_indonesian(client, role_users):
    client.force_login(role_users["bappeda"])
    html = client.get(OVERVIEW, {"year": 2025}).content.decode()
    assert "Pelaporan" in html and "Tidak dilaporkan" in html and "Ketepatan waktu" in html


def test_every_period_links_to_its_records_on_a_page_that_opens(login, locations):
    """Every source declares where its records of a period are (smarteconomy.sources.records_page): the drill-down
    links there, and the list opens, filtered to the period (a parking location's log to that location)."""
    from smarteconomy import sources
    from smarteconomy.periods import Period

    october = Period(2025, 10)
    html = login("dpmptsp").get(SOURCE).content.decode()
    assert 'href="/licensing/applications/?submitted_after=2025-10-01&amp;submitted_before=2025-10-31"' in html
    client = login("admin")
    for source in sources.all_sources():
        assert source.records_url is not None, source.code
        parts = source.all_parts() if source.parts else [sources.Part("", "")]
        for part in parts:
            url = source.records_url(Period(2025) if source.yearly else october, part.key)
            assert url, (source.code, part.key)
            if not source.yearly and "?" in url:
                assert "2025-10-01" in url and "2025-10-31" in url, url
            if part.key:
                location = ParkingLocation.objects.get(code=part.key)
                assert f"location={location.pk}" in url, url
            assert client.get(url).status_code == 200, (source.code, url)
