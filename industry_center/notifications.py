"""DKUMKMP's notification rule for the industry centre (notifications.rules): levy bills past their due date, the
worklist's four aging items together. And the monthly batch of arrears letters (notifications.reports): one page per
tenant in arrears with each bill's QRIS, as a PDF attached to an e-mail to the DKUMKMP officers."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.reports import ReportContent, ReportLine, ScheduledReport, month_of, register_report
from notifications.rules import Rule, register
from smarteconomy.choices import Role

from .worklist import AGING_LABELS

register(
    Rule(
        code="industry_center.bill_overdue",
        label=_("Levy bill overdue"),
        worklist=tuple(f"industry_center.bills_overdue_{aging}" for aging in AGING_LABELS),
        # A bill stays overdue for weeks: once a day in the morning's digest rather than an e-mail each day.
        default="digest",
        order=30,
    )
)


def _arrears_letters(user, period):
    from .letters import arrears_letters_pdf, tenants_in_arrears

    tenants = tenants_in_arrears(user, on=period.on)
    bills = sum(len(bills) for _tenant, bills in tenants)
    return ReportContent(
        title=period.label,
        intro=_("The arrears letters (surat teguran) to print, one page per tenant, are attached (PDF)."),
        lines=(
            ReportLine(str(_("Tenants in arrears")), len(tenants)),
            ReportLine(
                str(_("Bills past their due date")), bills, f"{reverse('industry_center:bill_list')}?overdue=true"
            ),
        ),
        attachment=(f"surat-teguran-{period.key}.pdf", arrears_letters_pdf(tenants, on=period.on), "application/pdf"),
    )


register_report(
    ScheduledReport(
        code="industry_center.arrears_letters",
        label=_("Monthly arrears letters"),
        roles=(Role.DKUMKMP,),
        permission="industry_center.view_levybill",
        period=month_of,
        build=_arrears_letters,
        schedule=_("The 5th of each month, 07:00 WITA"),
        order=31,
    )
)
