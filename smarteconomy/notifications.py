"""The core's notification rules (notifications.rules): to each office, the periods of the reporting calendar it may
submit and has not (due or late; the home page's notice counts the same ``cells_to_submit``); to Bappeda, periods past
their due day and not submitted and periods waiting for approval (the worklist's ``reporting.*`` items); to the
administrators, scheduled task runs that failed (``system.task_runs_failing``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.rules import Rule, Subject, register

from .choices import Role
from .periods import period_label
from .reporting_selectors import cells_to_submit


def _subject(cell, link):
    """A period of a source as a notification names it: "Gerai ekonomi kreatif Nov 2026", not the code 2026-11."""
    part = f" ({cell.part.label})" if getattr(cell.part, "label", "") else ""
    return Subject(
        f"period:{cell.source.code}:{cell.part.key}:{cell.period}",
        f"{cell.source.name}{part} {period_label(cell.period)}",
        link,
    )


def _cell(found, rule):
    cell, _state = found
    return _subject(cell, rule.list_link())


def _to_submit(cell, rule):
    return _subject(cell, reverse("reporting:source", kwargs={"code": cell.source.code}))


register(
    Rule(
        code="reporting.due",
        label=_("Period due or late"),
        roles=(Role.DPMPTSP, Role.DKUMKMP, Role.PARKING_OPERATOR),
        records=cells_to_submit,
        describe=_to_submit,
        link=lambda: reverse("reporting:overview"),
        default="digest",
        order=59,
    )
)
register(
    Rule(
        code="reporting.late",
        label=_("Period late"),
        worklist=("reporting.not_reported",),
        describe=_cell,
        # A period stays late for days: once a day in the morning's digest.
        default="digest",
        order=60,
    )
)
register(
    Rule(
        code="reporting.waiting_for_approval",
        label=_("Period waiting for approval"),
        worklist=("reporting.waiting_for_approval",),
        describe=_cell,
        default="digest",
        order=61,
    )
)
register(
    Rule(code="system.task_run_failed", label=_("Task run failed"), worklist=("system.task_runs_failing",), order=90)
)
