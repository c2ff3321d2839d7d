"""DKUMKMP's worklist for the MSME registry, the trainings and the SME Center outlet (smarteconomy.worklist). Each
count is the list's own filter (msme.selectors)."""

from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role
from smarteconomy.worklist import WorkItem, register

from .models import Msme, Training
from .selectors import msme_duplicate_candidates, msmes_with_outlet_payout_due, trainings_this_week

GROUP = _("MSMEs and creative economy")
OFFICE = (Role.DKUMKMP,)

register(
    WorkItem(
        code="msme.duplicates",
        label=_("Possible duplicate MSMEs to resolve"),
        roles=OFFICE,
        group=GROUP,
        records=lambda user: msme_duplicate_candidates(Msme.objects.visible_to(user)),
        url_name="msme:msme_list",
        query={"duplicates": "true"},
        permission="msme.view_msme",
        order=20,
    )
)
register(
    WorkItem(
        code="msme.trainings_this_week",
        label=_("Trainings this week"),
        roles=OFFICE,
        group=GROUP,
        records=lambda user: trainings_this_week(Training.objects.visible_to(user)),
        url_name="msme:training_list",
        query={"this_week": "true"},
        permission="msme.view_training",
        order=21,
    )
)
register(
    WorkItem(
        code="msme.outlet_payouts_due",
        label=_("MSMEs owed an outlet payout"),
        roles=OFFICE,
        group=GROUP,
        records=lambda user: msmes_with_outlet_payout_due(Msme.objects.visible_to(user)),
        url_name="msme:msme_list",
        query={"payout_due": "true"},
        permission="msme.view_msme",
        order=22,
    )
)
