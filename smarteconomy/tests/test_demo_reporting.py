"""The demo's reporting calendar (smarteconomy.demo_reporting, run by seed_demo): schedules matching the demo's data,
a realistic workflow with every state the issue's journeys need, and nothing changed by a second seed_demo."""

import io
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from analytics.models import IndicatorSnapshot
from analytics.registry import is_not_reported_input
from smarteconomy.choices import ReportingStatus
from smarteconomy.models import ReportingPeriod, SourceSchedule
from smarteconomy.sources import calendar_cells, get_source

S = ReportingStatus


def state(source, period, part=""):
    row = ReportingPeriod.objects.filter(source=source, part=part, period=period).first()
    return row.status if row else None


@pytest.fixture
def demo(db, monkeypatch):
    now = timezone.make_aware(datetime(2026, 12, 4, 10))  # Friday 4 December 2026, 10.00 WITA
    monkeypatch.setattr(timezone, "now", lambda: now)
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Reporting demo:" in out.getvalue()
    return now


def _fingerprint():
    return (
        sorted(ReportingPeriod.objects.values_list("source", "part", "period", "status", "submitted_at", "decided_at")),
        ReportingPeriod.history.count(),
        sorted(SourceSchedule.objects.values_list("source", "start", "end")),
    )


def test_the_demo_seeds_every_state_of_the_workflow_once(demo):
    # Schedules: the licensing office reports from the first month of its demo data, not from the declaration.
    assert SourceSchedule.objects.get(source="licensing.applications").start == date(2026, 1, 1)
    # DPMPTSP has not submitted October and November (the browser journey submits October); September is locked.
    assert state("licensing.applications", "2026-10") is None and state("licensing.applications", "2026-11") is None
    assert state("licensing.applications", "2026-09") == S.APPROVED
    # The houses' November waits for Bappeda; the levy's November was returned with a reason.
    assert state("industry_center.houses", "2026-11") == S.SUBMITTED
    returned = ReportingPeriod.objects.get(source="industry_center.levy", period="2026-11")
    assert returned.status == S.RETURNED and returned.reason and returned.decided_by.username == "bappeda"
    # One period approved and then reopened with a reason: both steps are in the history.
    reopened = ReportingPeriod.objects.get(source="licensing.disruptions", period="2026-09")
    assert reopened.status == S.REOPENED and reopened.reason
    steps = list(reopened.history.order_by("history_date").values_list("status", flat=True))
    assert steps == [S.SUBMITTED, S.APPROVED, S.REOPENED]
    # Most periods approved by Bappeda, mostly on time, some late; each parking location by its own operator.
    approved = ReportingPeriod.objects.filter(status=S.APPROVED)
    assert approved.count() > 100 and set(approved.values_list("decided_by__username", flat=True)) == {"bappeda"}
    cells = [c for c in calendar_cells() if c.submitted]
    late = [c for c in cells if not c.on_time]
    assert 0 < len(late) < len(cells) / 4
    parking = ReportingPeriod.objects.filter(source="cashless.parking").values_list("part", "submitted_by__username")
    assert set(parking) == {("BSB", "operator_mall"), ("SEPINGGAN", "operator_airport")}
    assert all(row.submitted_at <= demo for row in ReportingPeriod.objects.all())  # nothing in the future
    # The outlet stopped reporting: nothing submitted after its last month of data, "tidak dilaporkan" since.
    outlet = get_source("msme.outlet")
    last = max(outlet.received()[""])
    assert state("msme.outlet", last) == S.APPROVED
    not_reported = [c for c in calendar_cells([outlet]) if c.not_reported]
    assert not_reported and min(str(c.period) for c in not_reported) > last
    october = IndicatorSnapshot.objects.get(indicator_code="msme.outlet_sales", period="2026-10")
    assert october.status == "incomplete"
    assert any(is_not_reported_input(item) for item in october.completeness["inputs"])

    before = _fingerprint()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)  # the apps' demo loaders are not refused by the locked periods
    assert "0 periods submitted" in out.getvalue()
    assert _fingerprint() == before


def test_the_demo_runs_the_notification_rules_once_so_the_offices_bells_show_their_work(demo):
    from notifications.models import Notification
    from smarteconomy.management.commands.seed_demo import DEMO_USERS

    counts = {
        username: Notification.objects.filter(recipient__username=username).count() for username, *_ in DEMO_USERS
    }
    # What the demo's data calls for (due and late periods, overdue bills, applications past the service level); the
    # administrators and the parking operators have nothing to do in it (no failed task run, no upload missing).
    assert all(counts[username] > 0 for username in ("bappeda", "dpmptsp", "dkumkmp")), counts
    before = Notification.objects.count()
    call_command("seed_demo", stdout=io.StringIO())  # the same day: nobody is told twice
    assert Notification.objects.count() == before
