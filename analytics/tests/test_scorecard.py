"""The scorecard: registry discovery, aggregation rules, recompute (idempotent, incremental, locked, crash-safe),
incomplete data, targets, and the dashboard's constant query count."""

import io
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics import registry
from analytics.choices import SnapshotStatus
from analytics.demo import DEMO_FILE
from analytics.models import IndicatorBaseline, IndicatorSnapshot, IndicatorTarget
from analytics.scorecard import achievement_and_status, indicator_target_set, indicators_recompute
from smarteconomy.choices import ImportStatus, TaskStatus
from smarteconomy.importing import run_import
from smarteconomy.models import DirtyPeriod, TaskRun
from smarteconomy.tasking import run_logged

BASIS = "analytics.basis_sector_count"
COMPETITIVE = "analytics.competitive_sector_count"


@pytest.fixture
def grdp(reference_data, role_users):
    batch = run_import("grdp", data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, user=role_users["bappeda"])
    assert batch.status == ImportStatus.COMMITTED
    return batch


def rows():
    return sorted(
        IndicatorSnapshot.objects.values_list(
            "indicator_code",
            "period",
            "value",
            "target",
            "achievement",
            "status",
            "completeness",
            "computed_at",
            "task_run_id",
        )
    )


def test_indicators_are_discovered_from_each_apps_indicators_module():
    codes = {indicator.code for indicator in registry.all_indicators()}
    assert {BASIS, COMPETITIVE} <= codes
    with pytest.raises(registry.RegistryError, match="declared twice"):
        registry.register(registry.get_indicator(BASIS))


def test_stocks_and_rates_are_never_summed_across_periods():
    stock = registry.get_indicator(BASIS)
    with pytest.raises(registry.RegistryError, match="cannot be summed"):
        registry.sum_over_periods(stock, [12, 12])
    assert registry.aggregate(stock, [11, 12]) == 12  # the level at the end of the period
    flow = replace(stock, code="x.flow", kind="flow")
    assert registry.sum_over_periods(flow, [1, 2, 3]) == 6
    assert registry.aggregate(flow, [1, None]) is None  # an incomplete month makes the year incomplete
    rate = replace(stock, code="x.rate", kind="rate")
    with pytest.raises(registry.RegistryError, match="recompute"):
        registry.aggregate(rate, [50.0, 60.0])


def test_periods():
    assert str(registry.Period.parse("2024-05")) == "2024-05"
    assert registry.Period.parse("2023").start.isoformat() == "2023-01-01"
    with pytest.raises(registry.RegistryError):
        registry.Period.parse("2024-13")


def test_status_rules(settings):
    settings.SCORECARD_AT_RISK_FROM = 90
    assert achievement_and_status(value=12, target=12, complete=True, direction="higher") == (100, "on_track")
    assert achievement_and_status(value=9.5, target=10, complete=True, direction="higher")[1] == "at_risk"
    assert achievement_and_status(value=3, target=5, complete=True, direction="higher") == (60, "off_track")
    assert achievement_and_status(value=4, target=2, complete=True, direction="lower") == (50, "off_track")
    assert achievement_and_status(value=3, target=None, complete=True, direction="higher") == (None, "no_target")
    assert achievement_and_status(value=3, target=5, complete=False, direction="higher") == (None, "incomplete")


def test_recompute_computes_the_demo_values_and_is_idempotent(grdp, role_users):
    indicator_target_set(indicator_code=BASIS, year=2023, value=12, by=role_users["bappeda"])
    indicator_target_set(indicator_code=COMPETITIVE, year=2023, value=5, by=role_users["bappeda"])
    written, details = indicators_recompute(full=True)
    assert written == 3 and not details["failures"]
    snapshots = {(s.indicator_code, s.period): s for s in IndicatorSnapshot.objects.all()}
    assert snapshots[(BASIS, "2023")].value == 12 and snapshots[(BASIS, "2023")].status == "on_track"
    assert snapshots[(COMPETITIVE, "2023")].value == 3
    assert snapshots[(COMPETITIVE, "2023")].achievement == pytest.approx(60)
    assert snapshots[(COMPETITIVE, "2023")].status == "off_track"
    assert snapshots[(BASIS, "2019")].status == "no_target"
    before = rows()
    assert indicators_recompute(full=True)[0] == 0
    assert rows() == before  # identical rows, computed_at included


def test_a_year_with_a_target_but_no_data_is_incomplete_not_zero(grdp, role_users):
    indicator_target_set(indicator_code=BASIS, year=2024, value=13, by=role_users["bappeda"])
    indicators_recompute(full=True)
    snapshot = IndicatorSnapshot.objects.get(indicator_code=BASIS, period="2024")
    assert snapshot.status == SnapshotStatus.INCOMPLETE
    assert snapshot.value is None
    # The two sector inputs, and the reporting calendar's: BPS's 2024 figures were due on 30 September 2025.
    assert snapshot.completeness["present"] == 0 and snapshot.completeness["expected"] == 3
    assert snapshot.completeness["inputs"][-1]["detail"] == {
        "message": "not reported: %(periods)s",
        "params": {"periods": "2024"},
    }


def test_missing_sectors_make_the_year_incomplete(reference_data, role_users):
    header = "region_code,region_name,sector_code,year,price_basis,value\n"
    lines = [
        f"{code},x,{sector},2023,ADHK,{value}"
        for code, value in (("64.71", 10), ("64", 100))
        for sector in ("A", "B", "C")
    ]
    run_import("grdp", data=(header + "\n".join(lines) + "\n").encode(), filename="g.csv", user=role_users["bappeda"])
    indicators_recompute(full=True)
    snapshot = IndicatorSnapshot.objects.get(indicator_code=BASIS, period="2023")
    assert snapshot.status == "incomplete"
    assert [item["detail"] for item in snapshot.completeness["inputs"]] == ["3/17", "3/17"]


def test_incremental_recompute_only_touches_dirty_periods(grdp):
    indicators_recompute(full=True)
    assert not DirtyPeriod.objects.exists()
    IndicatorSnapshot.objects.filter(indicator_code=BASIS, period="2019").update(value=99)  # a stale value
    _written, details = indicators_recompute()
    assert details["indicators"][BASIS]["periods"] == 0  # nothing changed: 2019 is not looked at
    assert IndicatorSnapshot.objects.get(indicator_code=BASIS, period="2019").value == 99
    header = "region_code,region_name,sector_code,year,price_basis,value\n"
    run_import(
        "grdp", data=(header + "64.71,Kota Balikpapan,A,2019,ADHK,781357\n").encode(), filename="a.csv", user=None
    )
    assert DirtyPeriod.objects.filter(source="analytics.grdp", period="2019").exists()
    _written, details = indicators_recompute()
    assert details["indicators"][BASIS]["periods"] == 1
    assert IndicatorSnapshot.objects.get(indicator_code=BASIS, period="2019").value == 12
    assert not DirtyPeriod.objects.exists()


def test_a_target_change_is_picked_up_by_the_next_incremental_run(grdp, role_users):
    indicators_recompute(full=True)
    indicator_target_set(indicator_code=BASIS, year=2023, value=15, by=role_users["bappeda"])
    indicators_recompute()
    snapshot = IndicatorSnapshot.objects.get(indicator_code=BASIS, period="2023")
    assert snapshot.target == 15 and snapshot.status == "off_track"
    target = IndicatorTarget.objects.get(indicator_code=BASIS, year=2023)
    assert target.history.latest().history_user == role_users["bappeda"]


def test_a_crash_in_one_indicator_keeps_its_previous_snapshots_and_the_others_go_on(grdp, monkeypatch):
    indicators_recompute(full=True)
    before = list(IndicatorSnapshot.objects.filter(indicator_code=BASIS).values_list("period", "value"))
    original = registry.get_indicator(BASIS)
    calls = []

    def crash_on_second_period(period):
        calls.append(period)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return replace(original).compute(period)

    monkeypatch.setitem(registry.INDICATORS.entries, BASIS, replace(original, compute=crash_on_second_period))
    IndicatorSnapshot.objects.filter(indicator_code=BASIS, period="2019").update(value=1)  # would be rewritten
    _written, details = indicators_recompute(full=True)
    assert "database went away" in details["failures"][BASIS]
    # The first period's rewrite was rolled back with the rest of the indicator's transaction.
    assert IndicatorSnapshot.objects.get(indicator_code=BASIS, period="2019").value == 1
    assert sorted(IndicatorSnapshot.objects.filter(indicator_code=BASIS).values_list("period", flat=True)) == [
        p for p, _v in sorted(before)
    ]
    assert COMPETITIVE in details["indicators"]


def test_the_command_and_the_task_share_the_run_log_and_the_lock(grdp):
    out = io.StringIO()
    call_command("recompute_indicators", "--full", stdout=out)
    run = TaskRun.objects.get(task="analytics.indicators_recompute")
    assert run.status == TaskStatus.SUCCEEDED and run.rows_affected == 3
    assert "3 snapshots written" in out.getvalue()
    assert IndicatorSnapshot.objects.filter(task_run=run).count() == 3
    TaskRun.objects.create(task="analytics.indicators_recompute", status=TaskStatus.RUNNING, started_at=timezone.now())
    with pytest.raises(CommandError, match="Skipped"):
        call_command("recompute_indicators", stdout=io.StringIO())
    assert TaskRun.objects.filter(task="analytics.indicators_recompute", status=TaskStatus.SKIPPED).count() == 1
    stale = run_logged("analytics.indicators_recompute", lambda run: 0, pass_run=True)
    assert stale.status == TaskStatus.SKIPPED
    TaskRun.objects.filter(status=TaskStatus.RUNNING).update(started_at=timezone.now() - timedelta(days=1))
    assert run_logged("analytics.indicators_recompute", indicators_recompute, pass_run=True).status == "succeeded"


def test_indicator_report_command(grdp):
    indicators_recompute(full=True)
    out = io.StringIO()
    call_command("indicator_report", "--period", "2023", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0] == "code,pillar,period,value,target,achievement,status,completeness,computed_at"
    assert lines[1].startswith("analytics.basis_sector_count,leading_sectors,2023,12.0,,,no_target,2/2,")
    with pytest.raises(CommandError, match="period"):
        call_command("indicator_report", "--period", "23", stdout=io.StringIO())


def test_the_recompute_button_queues_the_task_and_a_new_data_as_of_appears(
    client, grdp, role_users, django_capture_on_commit_callbacks
):
    client.force_login(role_users["bappeda"])
    assert 'data-testid="data-as-of"' in client.get(reverse("analytics:scorecard")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("analytics:recompute"))
    assert response.status_code == 302
    run = TaskRun.objects.get(task="analytics.indicators_recompute")
    assert run.status == "succeeded"
    page = client.get(reverse("analytics:scorecard"))
    assert page.context["run"] == run
    client.force_login(role_users["dkumkmp"])
    assert client.post(reverse("analytics:recompute")).status_code == 403


def test_the_dashboard_reads_snapshots_with_a_constant_number_of_queries(client, role_users, settings):
    settings.SCORECARD_CACHE_SECONDS = 0  # the rendering itself (its cache: test_scorecard_cache.py)

    def add_years(first, last):
        for year in range(first, last):
            for code in (BASIS, COMPETITIVE):
                IndicatorSnapshot.objects.create(
                    indicator_code=code,
                    pillar="leading_sectors",
                    period=str(year),
                    period_start=f"{year}-01-01",
                    value=year % 17,
                    status="no_target",
                    completeness={"present": 2, "expected": 2},
                    computed_at=timezone.now(),
                )

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("analytics:scorecard"))
        assert response.status_code == 200
        return len(queries.captured_queries)

    client.force_login(role_users["bappeda"])
    add_years(2000, 2002)
    client.get(reverse("analytics:scorecard"))
    few = count()
    add_years(2002, 2030)
    assert count() == few
    assert few <= 12


def test_a_month_in_progress_is_shown_beside_the_last_ended_month_which_carries_the_status(client, role_users):
    code = "licensing.online_share"  # a monthly indicator
    today = timezone.localdate()
    this_month = registry.Period(today.year, today.month)
    last_month = registry.Period(today.year - (today.month == 1), (today.month - 2) % 12 + 1)

    def snapshot(period, value, status):
        IndicatorSnapshot.objects.create(
            indicator_code=code,
            pillar="online_licensing",
            period=str(period),
            period_start=period.start,
            value=value,
            target=80,
            status=status,
            completeness={"present": 1, "expected": 1},
            computed_at=timezone.now(),
        )

    snapshot(last_month, 91.0, "on_track")
    snapshot(registry.Period(today.year), 12.0, "incomplete")  # the year so far: never in the monthly trend
    snapshot(this_month, 50.0, "incomplete")  # this month so far
    client.force_login(role_users["bappeda"])
    response = client.get(reverse("analytics:scorecard"))
    row = next(r for p in response.context["pillars"] for r in p["rows"] if r["indicator"].code == code)
    assert row["latest"].period == str(last_month) and row["status_label"] == SnapshotStatus.ON_TRACK.label
    assert row["running"].period == str(this_month)
    assert response.context["counts"]["on_track"] == 1 and response.context["counts"]["incomplete"] == 0
    html = response.content.decode()
    assert f"50,0% pada {this_month.label()} sejauh ini" in html  # "Des 2026", not the code "2026-12"
    chart = str(client.get(reverse("analytics:indicator_detail", args=[code])).context["chart"])
    assert f">{last_month}<" in chart and f">{today.year}<" not in chart  # the months only, no year among them


def test_indicator_page_shows_definition_trend_targets_and_records(client, grdp, role_users):
    indicator_target_set(indicator_code=BASIS, year=2023, value=12, by=role_users["bappeda"])
    indicators_recompute(full=True)
    client.force_login(role_users["dkumkmp"])
    html = client.get(reverse("analytics:indicator_detail", args=[BASIS])).content.decode()
    assert 'data-testid="chart-indicator"' in html and 'data-testid="definition"' in html
    assert "/analytics/grdp/?year=2023" in html
    assert 'data-testid="target-form"' not in html  # only Bappeda sets targets
    client.force_login(role_users["bappeda"])
    response = client.post(
        reverse("analytics:indicator_target_set", args=[BASIS]), {"target-year": 2024, "target-value": "13"}
    )
    assert response.status_code == 302
    assert IndicatorTarget.objects.filter(indicator_code=BASIS, year=2024, value=13).exists()
    bad = client.post(
        reverse("analytics:indicator_target_set", args=[BASIS]),
        {"target-year": "soon", "target-value": "x"},
        follow=True,
    )
    assert IndicatorTarget.objects.count() == 2
    assert "Not saved" in bad.content.decode() or "Tidak disimpan" in bad.content.decode()
    assert client.get(reverse("analytics:indicator_detail", args=["no.such"])).status_code == 404


def test_the_completeness_page_lists_missing_inputs_by_office(client, grdp, role_users):
    indicator_target_set(indicator_code=BASIS, year=2024, value=13, by=role_users["bappeda"])
    indicators_recompute(full=True)
    client.force_login(role_users["dpmptsp"])
    response = client.get(reverse("analytics:completeness"))
    offices = response.context["offices"]
    # Both regions' GRDP for 2024, and the calendar's: BPS's 2024 figures, past due, were not reported.
    assert len(offices) == 1 and offices[0]["missing"] == 3
    html = response.content.decode()
    assert "PDRB 64.71 2024 (ADHK)" in html and "0/17" in html


def test_values_from_the_demo_data_carry_its_source_label(client, grdp, role_users):
    indicators_recompute(full=True)
    snapshot = IndicatorSnapshot.objects.get(indicator_code=BASIS, period="2023")
    # Stored untranslated, shown in the reader's language.
    assert snapshot.completeness["note"]["params"]["source0"]["message"].endswith("not official BPS data")
    client.force_login(role_users["bappeda"])
    assert "bukan data resmi BPS" in client.get(reverse("analytics:scorecard")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "not official BPS data" in client.get(reverse("analytics:scorecard")).content.decode()


def test_the_records_link_and_the_run_link_are_shown_only_to_who_may_open_them(client, grdp, role_users, monkeypatch):
    # An indicator whose records are DPMPTSP's permit list, which DKUMKMP may not open (it was a link to a 403).
    indicator = replace(registry.get_indicator(BASIS), records_url=registry.records_page("licensing:application_list"))
    monkeypatch.setitem(registry.INDICATORS.entries, BASIS, indicator)
    indicators_recompute(full=True)
    permits = reverse("licensing:application_list")
    client.force_login(role_users["dpmptsp"])
    page = client.get(reverse("analytics:indicator_detail", args=[BASIS]))
    assert page.context["records_url"] == permits and client.get(permits).status_code == 200
    client.force_login(role_users["dkumkmp"])
    page = client.get(reverse("analytics:indicator_detail", args=[BASIS]))
    assert page.context["records_url"] is None and f'href="{permits}"' not in page.content.decode()
    assert client.get(permits).status_code == 403  # where the link led
    assert "/tasks/" not in client.get(reverse("analytics:scorecard")).content.decode()
    client.force_login(role_users["admin"])
    assert "/tasks/" in client.get(reverse("analytics:scorecard")).content.decode()


def test_targets_and_baselines_are_typed_the_indonesian_way(client, role_users):
    """A target typed 2,5 was saved as 25 (the browser's number input dropped the comma) and 25.000 as 25 (the
    server read the dot as a decimal point): it is 2,5, and it is shown as 2,5 afterwards; an ambiguous 2.5 is
    refused with a message saying how to write it, and nothing is saved."""
    client.force_login(role_users["bappeda"])
    code = "msme.integration_rate"  # a percentage
    url = reverse("analytics:indicator_target_set", args=[code])
    page = client.get(reverse("analytics:indicator_detail", args=[code])).content.decode()
    assert 'name="target-value" inputmode="decimal"' in page and 'type="number"' not in page
    assert '<span class="input-group-text">%</span>' in page  # the unit beside the input
    response = client.post(url, {"target-year": "2027", "target-value": "2,5"}, follow=True)
    assert IndicatorTarget.objects.get(indicator_code=code, year=2027).value == Decimal("2.5")
    assert '<td class="num">2,5</td>' in response.content.decode()
    client.post(url, {"target-year": "2028", "target-value": "25.000"})
    assert IndicatorTarget.objects.get(indicator_code=code, year=2028).value == 25000
    assert (
        '<td class="num">25.000</td>' in client.get(reverse("analytics:indicator_detail", args=[code])).content.decode()
    )
    response = client.post(url, {"target-year": "2029", "target-value": "2.5"}, follow=True)
    html = response.content.decode()
    assert "Tidak disimpan" in html and "tulis desimal dengan koma (2,5)" in html
    assert not IndicatorTarget.objects.filter(year=2029).exists()
    client.post(
        reverse("analytics:indicator_baseline_set", args=[code]),
        {"baseline-year": "2024", "baseline-value": "1.234,5", "baseline-source": "Survei"},
    )
    assert IndicatorBaseline.objects.get(indicator_code=code).value == Decimal("1234.5")
