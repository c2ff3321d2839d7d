"""The core's notification rules (notifications.rules): periods of the reporting calendar ended and due (to the office
that reports them, listed by the overview's ``?show=due``), past their due day and not submitted, and waiting for
Bappeda's approval (the worklist's ``reporting.*`` items); scheduled task runs that failed (the administrators'
``system.task_runs_failing``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.rules import Rule, Subject, register

from .choices import Role
from .reporting_selectors import cells_needing


def _cell(found, rule):
    cell, _state = found
    part = f" ({cell.part.label})" if getattr(cell.part, "label", "") else ""
    return Subject(
        f"period:{cell.source.code}:{cell.part.key}:{cell.period}",
        f"{cell.source.name}{part} {cell.period}",
        rule.list_link(),
    )


register(
    Rule(
        code="reporting.due",
        label=_("Period due"),
        roles=(Role.DPMPTSP, Role.DKUMKMP, Role.PARKING_OPERATOR),
        records=lambda user: cells_needing(user, "due"),
        describe=_cell,
        link=lambda: reverse("reporting:overview") + "?show=due",
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
