"""Bappeda's notification rule of the scorecard (notifications.rules): an indicator that turned off track in its
last period, from the worklist's selector (analytics.selectors.indicators_turned_off_track); and Bappeda's scheduled
report (notifications.reports): the previous month's monitoring report as a PDF on the 5th."""

from django.utils.translation import gettext_lazy as _

from notifications.reports import ReportContent, ReportLine, ScheduledReport, previous_month, register_report
from notifications.rules import Rule, Subject, register
from smarteconomy.choices import Role

from . import registry


def _indicator(code, rule):
    try:
        name = str(registry.get_indicator(code).name)
    except (KeyError, AttributeError):
        name = code
    return Subject(f"indicator:{code}", name, rule.list_link())


register(
    Rule(
        code="analytics.turned_off_track",
        label=_("Indicator turned off track"),
        worklist=("analytics.turned_off_track",),
        describe=_indicator,
        order=50,
    )
)


# --- The monthly monitoring report (notifications.reports) ------------------------------------------------------


def _monitoring_report(user, period):
    """The previous month's monitoring report, the same PDF as the scorecard's download (analytics.reports), built
    for the recipient (what is withheld from them stays withheld) in their language."""
    from django.urls import reverse

    from .reports import build_report, render_pdf

    report = build_report(registry.Period(period.start.year, period.start.month), user=user)
    content = render_pdf(report)
    return ReportContent(
        title=period.label,
        intro=_("The monitoring report of %(period)s is attached (PDF).") % {"period": period.label},
        lines=(ReportLine(str(_("Scorecard")), len(report.rows), reverse("analytics:scorecard")),),
        attachment=(f"{report.filename}.pdf", content, "application/pdf"),
    )


register_report(
    ScheduledReport(
        code="analytics.monitoring_report",
        label=_("Monthly monitoring report"),
        roles=(Role.BAPPEDA,),
        permission="analytics.view_indicatorsnapshot",
        period=previous_month,
        build=_monitoring_report,
        schedule=_("The 5th of each month, 07:00 WITA"),
        order=50,
    )
)
