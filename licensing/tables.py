"""Tables of the licensing pages."""

from functools import cached_property

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from smarteconomy.tables import DateTimeColumn, StatusBadgeColumn

from .choices import PermitStatus
from .models import PermitApplication, PermitType, ServiceDisruption
from .selectors import holiday_dates, working_days_left

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


def clock_style(days_left, paused=False):
    """Bootstrap colour of a deadline clock: red when overdue or at most one working day left, amber at two;
    grey while the clock is paused (the application is with the applicant for correction)."""
    if days_left is None:
        return None
    if paused and days_left >= 0:
        return "secondary"
    if days_left <= 1:
        return "danger"
    if days_left <= 2:
        return "warning"
    return "success"


def render_clock(days_left, paused=False):
    if days_left is None:
        return "–"
    style = clock_style(days_left, paused)
    if days_left < 0:
        text = _("%(n)s working days overdue") % {"n": -days_left}
    elif paused:
        text = _("paused, %(n)s working days left") % {"n": days_left}
    else:
        text = _("%(n)s working days left") % {"n": days_left}
    return format_html('<span class="badge text-bg-{} text-wrap" data-testid="deadline-clock">{}</span>', style, text)


class PermitStatusColumn(StatusBadgeColumn):
    STYLES = {
        "submitted": "secondary",
        "verification": "primary",
        "returned": "warning",
        "resubmitted": "info",
        "approved": "success",
        "issued": "success",
        "rejected": "danger",
    }


class DeadlineClockColumn(tables.Column):
    """Working days left before the service level runs out; "–" once decided. The holidays come from the
    table (fetched once per page or export, not per row)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("Deadline clock"))
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        super().__init__(**kwargs)

    def render(self, record, table):
        return render_clock(table.days_left(record), paused=record.status == PermitStatus.RETURNED)

    def value(self, record, table):
        return table.days_left(record)


class PermitApplicationTable(tables.Table):
    registration_number = tables.Column(linkify=True)
    submitted_at = DateTimeColumn(short=True)
    status = PermitStatusColumn()
    deadline = DeadlineClockColumn(accessor="pk")

    class Meta:
        model = PermitApplication
        fields = (
            "registration_number",
            "applicant_name",
            "permit_type",
            "channel",
            "kelurahan",
            "submitted_at",
            "status",
            "deadline",
        )
        attrs = TABLE_ATTRS

    @cached_property
    def holidays(self):
        return holiday_dates()

    def days_left(self, application):
        return working_days_left(application, self.holidays)


class ServiceDisruptionTable(tables.Table):
    id = tables.Column(linkify=True, verbose_name="#")
    started_at = DateTimeColumn(short=True)
    ended_at = DateTimeColumn(short=True)
    duration = tables.Column(verbose_name=_("Duration"), orderable=False, empty_values=())

    class Meta:
        model = ServiceDisruption
        fields = ("id", "system", "started_at", "ended_at", "duration", "impact", "responsible_unit")
        attrs = TABLE_ATTRS

    def render_duration(self, record):
        duration = record.duration
        if duration is None:
            return _("ongoing")
        minutes = int(duration.total_seconds() // 60)
        return _("%(h)s h %(m)s min") % {"h": minutes // 60, "m": minutes % 60}

    def value_duration(self, record):
        duration = record.duration
        return int(duration.total_seconds() // 60) if duration is not None else None


class PermitTypeTable(tables.Table):
    class Meta:
        model = PermitType
        fields = ("code", "name", "service_level_days", "risk_level", "legal_basis", "active")
        attrs = TABLE_ATTRS
