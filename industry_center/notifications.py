"""DKUMKMP's notification rule for the industry centre (notifications.rules): levy bills past their due date, the
worklist's four aging items together."""

from django.utils.translation import gettext_lazy as _

from notifications.rules import Rule, register

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
