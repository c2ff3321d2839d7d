"""The scheduled reports: e-mails sent on a calendar (the monthly monitoring report, the weekly service-level
digest, the monthly batch of arrears letters), not when a record needs attention. Each app declares its reports in
its own ``notifications.py`` (``register_report(ScheduledReport(...))``), next to its rules; this app imports nothing
else from the apps.

A report names the period it covers on a given day (``period(day)``: the previous month, last week, ...), and
``build(user, period)`` gives its content for one recipient: an introduction, counted lines with links, and an
attachment. One e-mail per report x recipient x period (the outbox key), so the beat task, the command and a retry
after a crash send it once. Recipients: the users of ``roles`` (and ``permission``) whose preference for the
report is not "off"; a report is never put in the daily digest."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.dates import MONTHS
from django.utils.formats import date_format

from smarteconomy.choices import Role
from smarteconomy.registries import Registry
from smarteconomy.roles import user_role

from .choices import Delivery


class ReportError(ValueError):
    pass


@dataclass(frozen=True)
class ReportPeriod:
    """The period a report covers: ``key`` is part of the outbox key (one e-mail per period), ``start``..``end``
    inclusive dates; ``on`` the day the report is run for (what "now" means in it, e.g. bills overdue on that day)."""

    key: str
    start: date
    end: date
    on: date

    @property
    def label(self):
        if self.key[5:6] == "W":
            return f"{date_format(self.start, 'j M Y')} – {date_format(self.end, 'j M Y')}"
        month = str(MONTHS[self.start.month])
        return f"{month[:1].upper()}{month[1:]} {self.start.year}"


def month_of(day, *, on=None):
    """``day``'s month."""
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return ReportPeriod(f"{first.year}-{first.month:02d}", first, last, on or day)


def previous_month(day):
    """The month before ``day``'s month."""
    return month_of(day.replace(day=1) - timedelta(days=1), on=day)


def previous_week(day):
    """The Monday-to-Sunday week before ``day``'s week."""
    monday = day - timedelta(days=day.weekday() + 7)
    year, week, _weekday = monday.isocalendar()
    return ReportPeriod(f"{year}-W{week:02d}", monday, monday + timedelta(days=6), day)


@dataclass(frozen=True)
class ReportLine:
    """A counted line of a report's e-mail, with the list that shows those records."""

    label: str
    count: int
    link: str = ""


@dataclass(frozen=True)
class ReportContent:
    """One recipient's report: ``title`` (the subject after the report's label), ``intro`` (a paragraph),
    ``lines`` (ReportLine), ``attachment`` (filename, bytes, MIME type) or None."""

    title: str
    intro: str = ""
    lines: tuple = ()
    attachment: tuple = None


@dataclass(frozen=True)
class ScheduledReport:
    """One scheduled report. ``schedule`` says when the beat sends it (shown on the notifications page; the times
    themselves are the beat entries in settings, which name the report's code)."""

    code: str
    label: object  # a lazy translation
    roles: tuple
    period: object  # callable(day) -> ReportPeriod
    build: object  # callable(user, ReportPeriod) -> ReportContent
    schedule: object = ""  # a lazy translation
    permission: str = ""
    default: str = Delivery.IMMEDIATE
    order: int = 100
    choices: tuple = field(default=(Delivery.IMMEDIATE, Delivery.OFF))

    def __post_init__(self):
        unknown = set(self.roles) - set(Role.values)
        if unknown:
            raise ReportError(f"{self.code}: unknown roles {sorted(unknown)}")
        if self.default not in self.choices:
            raise ReportError(f"{self.code}: the default {self.default!r} is not one of its choices")

    def is_for(self, user):
        if not user.is_active or user_role(user) not in self.roles:
            return False
        return not self.permission or user.has_perm(self.permission)


def _not_a_rule(report):
    from .rules import get_rule

    if get_rule(report.code) is not None:
        raise ReportError(f"Scheduled report {report.code} has the code of a notification rule.")


# Each app's notifications.py declares its reports, beside its rules (discovered with them).
REPORTS = Registry(
    "notifications",
    noun="Scheduled report",
    error=ReportError,
    order=lambda report: (report.order, report.code),
    check=_not_a_rule,
)
register_report = REPORTS.register
all_reports = REPORTS.all
get_report = REPORTS.find
