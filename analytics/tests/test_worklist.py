"""Bappeda's worklist on its home page: periods waiting for approval, periods past their due day and not submitted
(the reporting calendar) and indicators that turned off track (the scorecard); each count is the length of the list
it links to, and only Bappeda sees them."""

import re
from datetime import date

import pytest
from django.utils import timezone

from analytics.models import IndicatorSnapshot
from smarteconomy.reporting import period_approve, period_submit
from smarteconomy.reporting_selectors import cells_needing
from smarteconomy.testing_worklist import assert_count_is_list_length, home_worklist

CODES = ("reporting.waiting_for_approval", "reporting.not_reported", "analytics.turned_off_track")


def snapshot(code, pillar, period, status):
    year = int(period[:4])
    month = int(period[5:]) if len(period) == 7 else 1
    IndicatorSnapshot.objects.create(
        indicator_code=code,
        pillar=pillar,
        period=period,
        period_start=date(year, month, 1),
        value=10.0,
        target=12.0,
        achievement=83.0,
        status=status,
        completeness={"present": 2, "expected": 2, "inputs": [], "note": ""},
        computed_at=timezone.now(),
    )


@pytest.fixture
def bappeda_work(role_users):
    for period in ("2025-09", "2025-10", "2025-11"):
        period_submit(source="licensing.applications", period=period, by=role_users["dpmptsp"])
    period_approve(source="licensing.applications", period="2025-09", by=role_users["bappeda"])
    # Turned off track: on track in 2023, off track in 2024.
    snapshot("analytics.basis_sector_count", "leading_sectors", "2023", "on_track")
    snapshot("analytics.basis_sector_count", "leading_sectors", "2024", "off_track")
    # Off track twice in a row: it did not turn now.
    snapshot("analytics.competitive_sector_count", "leading_sectors", "2023", "off_track")
    snapshot("analytics.competitive_sector_count", "leading_sectors", "2024", "off_track")
    # Its only ended month is off track (the first period counts as turning); the month in progress carries no status.
    snapshot("licensing.online_share", "online_licensing", "2025-01", "off_track")
    today = timezone.localdate()
    snapshot("licensing.online_share", "online_licensing", f"{today:%Y-%m}", "incomplete")
    # Back on track: nothing to do.
    snapshot("cashless.failure_rate", "cashless", "2025-01", "off_track")
    snapshot("cashless.failure_rate", "cashless", "2025-02", "on_track")


def test_periods_waiting_for_approval(client, role_users, bappeda_work):
    client.force_login(role_users["bappeda"])
    assert_count_is_list_length(client, "reporting.waiting_for_approval", 2)


def test_periods_not_reported(client, role_users, bappeda_work):
    late = cells_needing(role_users["bappeda"], "late")
    assert late and not {("licensing.applications", p) for p in ("2025-09", "2025-10", "2025-11")} & {
        (cell.source.code, str(cell.period)) for cell, _state in late
    }
    client.force_login(role_users["bappeda"])
    assert_count_is_list_length(client, "reporting.not_reported", len(late))


def test_indicators_that_turned_off_track(client, role_users, bappeda_work):
    client.force_login(role_users["bappeda"])
    item = assert_count_is_list_length(client, "analytics.turned_off_track", 2)
    response = client.get(item["url"])
    shown = set(re.findall(r'data-testid="indicator-row" data-indicator="([^"]+)"', response.content.decode()))
    assert shown == {"analytics.basis_sector_count", "licensing.online_share"}


def test_an_unknown_list_on_the_reporting_page_is_a_bad_request(client, role_users):
    client.force_login(role_users["bappeda"])
    assert client.get("/reporting/", {"show": "everything"}).status_code == 400


@pytest.mark.parametrize("username", ["dpmptsp", "dkumkmp", "operator_airport", "admin"])
def test_other_roles_do_not_see_bappedas_items(client, role_users, bappeda_work, username):
    client.force_login(role_users[username])
    assert not set(CODES) & set(home_worklist(client))


def test_the_home_page_reads_the_reporting_calendar_once(role_users, bappeda_work, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smarteconomy import reporting_selectors, worklist

    bappeda = role_users["bappeda"]
    reads = []
    real = reporting_selectors.calendar_cells
    monkeypatch.setattr(reporting_selectors, "calendar_cells", lambda *a, **k: reads.append(1) or real(*a, **k))
    with CaptureQueriesContext(connection) as once:
        counts = {
            entry.item.code: entry.count for _group, entries in worklist.worklist_for(bappeda) for entry in entries
        }
    assert len(reads) == 1
    assert counts["reporting.waiting_for_approval"] == len(cells_needing(bappeda, "waiting")) == 2
    assert counts["reporting.not_reported"] == len(cells_needing(bappeda, "late"))
    # Outside the home page nothing is kept: each call reads again, and the calendar read costs queries that the
    # home page saves once.
    reads.clear()
    with CaptureQueriesContext(connection) as one_read:
        cells_needing(bappeda, "late")
    assert len(reads) == 1 and len(one_read) > 0
    monkeypatch.setattr(worklist, "shared_read", lambda key, compute: compute())
    monkeypatch.setattr(reporting_selectors, "shared_read", lambda key, compute: compute())
    with CaptureQueriesContext(connection) as twice:
        worklist.worklist_for(bappeda)
    assert len(twice) - len(once) == len(one_read)
