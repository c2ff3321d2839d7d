"""The demo's reporting calendar and workflow (issue 15), called by seed_demo after the apps' demo data and before
the scorecard's recompute.

1. Reporting schedules (SourceSchedule) where the demo's data begin later than a source's declaration (licensing from
   this year, the levy from its first bills, the QRIS files from the first file), and for the sources whose demo data
   are older: the offices report through the calendar from the start of the demo's window (about two years), so
   that the years before the product went live are not expected of them.
2. A realistic workflow over that window, through smarteconomy.reporting (every step is in the history, stamped at
   the moment it happened): the offices submitted their ended periods, mostly before the due day and some late, and
   Bappeda approved them, which locks them. Except:
   - ``licensing.applications``: the last two ended months are not submitted (the browser journey has DPMPTSP submit
     the earlier one);
   - ``industry_center.houses``: the last ended month is submitted and waits for Bappeda's approval;
   - ``industry_center.levy``: the last ended month was returned with a reason;
   - ``msme.outlet``: the outlet stopped reporting after its last month of data: the months since are "tidak
     dilaporkan";
   - ``licensing.disruptions``: the third-last ended month was approved and then reopened with a reason;
   - a yearly source (BPS's GRDP) is submitted only for the years whose figures arrived.

Idempotent: a period that already has a workflow row is left as it is, and a schedule is written only when it
differs. It runs relative to today (the clock the tests set)."""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .choices import Role
from .models import ReportingPeriod, SourceSchedule
from .periods import Period
from .reporting import period_approve, period_reopen, period_return, period_submit
from .sources import all_sources, calendar_cells

WINDOW_MONTHS = 24
SCHEDULE_NOTE = "Demo: reports through the calendar from the first month of its demo data"
NOT_SUBMITTED = {"licensing.applications": 2}  # the last N ended months are not submitted
WAITING = "industry_center.houses"
RETURNED = "industry_center.levy"
RETURN_REASON = (
    "Tagihan retribusi bulan ini belum memuat tiga rumah produksi yang baru disewakan; mohon dilengkapi lalu "
    "disampaikan kembali."
)
REOPENED = "licensing.disruptions"
REOPEN_REASON = "Gangguan layanan OSS pada bulan ini ternyata belum tercatat seluruhnya; DPMPTSP melengkapinya."
STOPPED = "msme.outlet"


def _month_before(month, n=1):
    index = month.year * 12 + month.month - 1 - n
    return Period(index // 12, index % 12 + 1)


@contextmanager
def _clock(moment):
    """The workflow's steps happened in the past: their rows and their history say when."""
    with mock.patch.object(timezone, "now", lambda: moment):
        yield


def _at(day, hour, now):
    """A moment (WITA) on ``day`` at ``hour``, never later than just before ``now``."""
    moment = timezone.make_aware(datetime.combine(day, time(hour)))
    return min(moment, now - timedelta(minutes=30))


def _first_received(source):
    """The first day of the first period with data of a source without parts, or None."""
    received = source.received().get("", set())
    if not received:
        return None
    first = Period.parse(min(received))
    return first.start


def _schedules(window_start):
    """Write the schedules the demo's data need (see the module's docstring); returns how many changed."""
    changed = 0
    for source in all_sources():
        if source.parts is not None:  # each part (a parking location) has its own dates
            continue
        floor = date(window_start.year, 1, 1) if source.yearly else window_start
        start = max(day for day in (source.start, _first_received(source), floor) if day is not None)
        current = SourceSchedule.objects.filter(source=source.code).first()
        if start == source.start and current is None:
            continue
        if current is not None and (current.start, current.end) == (start, source.end):
            continue
        schedule = current or SourceSchedule(source=source.code)
        schedule.start, schedule.end, schedule.note = start, source.end, SCHEDULE_NOTE
        schedule.save()
        changed += 1
    return changed


def _submitter(source, part, users):
    """A user of the responsible office (the operator of a parking location), or the administrator."""
    from cashless.models import OperatorMembership

    if part:
        membership = OperatorMembership.objects.filter(location__code=part).select_related("user").first()
        return membership.user if membership else users.get(Role.ADMIN)
    return users.get(source.office) or users.get(Role.ADMIN)


def _plan(cell, last_ended, last_data):
    """What happens to a cell of the window: None (not submitted) or the steps, in order."""
    code, period = cell.source.code, cell.period
    if code in NOT_SUBMITTED and period.sort_key > _month_before(last_ended, NOT_SUBMITTED[code]).sort_key:
        return None
    if code == STOPPED and (last_data is None or period.sort_key > last_data.sort_key):
        return None
    if cell.source.yearly and not cell.has_data:
        return None  # BPS has not released that year's figures
    if code == WAITING and period == last_ended:
        return ("submit",)
    if code == RETURNED and period == last_ended:
        return ("submit", "return")
    if code == REOPENED and period == _month_before(last_ended, 2):
        return ("submit", "approve", "reopen")
    return ("submit", "approve")


def seed(stdout):
    today = timezone.localdate()
    now = timezone.now()
    current = Period.month_of(today)
    last_ended = _month_before(current)
    window_start = _month_before(current, WINDOW_MONTHS).start
    User = get_user_model()
    users = {}
    for user in User.objects.filter(groups__name__in=Role.values).prefetch_related("groups").order_by("username"):
        for group in user.groups.all():
            users.setdefault(group.name, user)
    bappeda = User.objects.filter(username="bappeda").first() or users.get(Role.BAPPEDA)
    if bappeda is None:
        stdout.write("Reporting demo: no Bappeda user, no workflow seeded.")
        return
    counts = {"submit": 0, "approve": 0, "return": 0, "reopen": 0}
    with transaction.atomic():
        schedules = _schedules(window_start)
        done = set(ReportingPeriod.objects.values_list("source", "part", "period"))
        stopped = next((s for s in all_sources() if s.code == STOPPED), None)
        received = stopped.received().get("", set()) if stopped else set()
        last_data = Period.parse(max(received)) if received else None
        for index, cell in enumerate(calendar_cells()):
            if not cell.expected or cell.period.end <= window_start or cell.period.start >= current.start:
                continue
            if (cell.source.code, cell.part.key, str(cell.period)) in done:
                continue
            steps = _plan(cell, last_ended, last_data)
            if not steps:
                continue
            source, part, period = cell.source.code, cell.part.key, str(cell.period)
            late = index % 7 == 3  # about one in seven submitted after the due day
            submitted = _at(cell.due + timedelta(days=4 if late else -3), 9 + index % 6, now)
            ended = cell.period.moments()[1]
            if submitted < ended:  # the first minutes of a month: its last month just ended
                submitted = ended + timedelta(minutes=1)
                if submitted >= now - timedelta(minutes=10):
                    continue
            submitter = _submitter(cell.source, part, users)
            with _clock(submitted):
                period_submit(source=source, period=period, part=part, by=submitter)
            counts["submit"] += 1
            decided = max(_at(submitted.date() + timedelta(days=2), 14, now), submitted + timedelta(minutes=1))
            decided = min(decided, now - timedelta(minutes=10))
            if "approve" in steps:
                with _clock(decided):
                    period_approve(source=source, period=period, part=part, by=bappeda)
                counts["approve"] += 1
            if "return" in steps:
                with _clock(decided):
                    period_return(source=source, period=period, part=part, by=bappeda, reason=RETURN_REASON)
                counts["return"] += 1
            if "reopen" in steps:
                with _clock(min(decided + timedelta(days=5), now - timedelta(minutes=5))):
                    period_reopen(source=source, period=period, part=part, by=bappeda, reason=REOPEN_REASON)
                counts["reopen"] += 1
    stdout.write(
        f"Reporting demo: {schedules} schedules set; {counts['submit']} periods submitted, {counts['approve']} "
        f"approved (locked), {counts['return']} returned, {counts['reopen']} reopened."
    )
