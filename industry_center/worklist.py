"""DKUMKMP's worklist for the industry centre (smarteconomy.worklist): levy bills past their due date by age, and QRIS
settlement rows a person must look at. Each count is the list's own filter (industry_center.selectors)."""

from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role
from smarteconomy.worklist import WorkItem, register

from .models import LevyBill, SettlementRow
from .selectors import bills_overdue, settlements_needing_attention

GROUP = _("Small-industry centre")
OFFICE = (Role.DKUMKMP,)

AGING_LABELS = {
    "0-30": _("Levy bills overdue 0-30 days"),
    "31-60": _("Levy bills overdue 31-60 days"),
    "61-90": _("Levy bills overdue 61-90 days"),
    "90+": _("Levy bills overdue more than 90 days"),
}


def _overdue(aging):
    return lambda user: bills_overdue(LevyBill.objects.visible_to(user), aging=aging)


for order, (aging, label) in enumerate(AGING_LABELS.items(), start=30):
    register(
        WorkItem(
            code=f"industry_center.bills_overdue_{aging}",
            label=label,
            roles=OFFICE,
            group=GROUP,
            records=_overdue(aging),
            url_name="industry_center:bill_list",
            query={"aging": aging},
            permission="industry_center.view_levybill",
            order=order,
        )
    )

register(
    WorkItem(
        code="industry_center.settlements_open",
        label=_("QRIS settlements unmatched, ambiguous or to review"),
        roles=OFFICE,
        group=GROUP,
        records=lambda user: settlements_needing_attention(SettlementRow.objects.visible_to(user)),
        url_name="industry_center:settlement_list",
        query={"needs_attention": "true"},
        permission="industry_center.view_settlementrow",
        order=40,
    )
)
