"""DPMPTSP's notification rules (notifications.rules): the worklist's applications whose service level runs out
within 2 working days, and those past it. And the weekly service-level digest (notifications.reports) for the head of
DPMPTSP: last week's decisions within and over the service level, and the queue now, each count linking to the
application list filtered the same way (the count is the list's own filter, run as the recipient sees the list)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.choices import Delivery
from notifications.reports import ReportContent, ReportLine, ScheduledReport, previous_week, register_report
from notifications.rules import Rule, register
from smarteconomy.choices import Role

register(Rule(code="licensing.due_soon", label=_("Service level due soon"), worklist=("licensing.due_soon",), order=10))
register(Rule(code="licensing.overdue", label=_("Service level overdue"), worklist=("licensing.overdue",), order=11))


def _service_level_weekly(user, period):
    from .filtersets import PermitApplicationFilterSet
    from .models import PermitApplication

    base = reverse("licensing:application_list")
    decided = {"decided_after": period.start.isoformat(), "decided_before": period.end.isoformat()}
    wanted = [
        (_("Decided last week within the service level"), {**decided, "service_level": "within"}),
        (_("Decided last week over the service level"), {**decided, "service_level": "over"}),
        (_("Open and past the service level now"), {"overdue": "true"}),
        (_("Due within the next 2 working days"), {"due": "2d"}),
    ]
    lines = []
    for label, query in wanted:
        # The list's own FilterSet on the records the recipient may see: the count is the list's length.
        filterset = PermitApplicationFilterSet(query, queryset=PermitApplication.objects.visible_to(user))
        lines.append(ReportLine(str(label), filterset.qs.count(), f"{base}?{urlencode(query)}"))
    return ReportContent(
        title=period.label,
        intro=_("The service level of the permit applications, last week and now."),
        lines=tuple(lines),
    )


register_report(
    ScheduledReport(
        code="licensing.service_level_weekly",
        label=_("Weekly service-level digest"),
        roles=(Role.DPMPTSP,),
        permission="licensing.view_permitapplication",
        period=previous_week,
        build=_service_level_weekly,
        schedule=_("Each Monday, 07:00 WITA"),
        # For the head of DPMPTSP, who switches it on (the product has no "head" role): off for the other officers.
        default=Delivery.OFF,
        order=12,
    )
)
