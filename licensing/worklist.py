"""DPMPTSP's worklist (smarteconomy.worklist): applications whose service level runs out or ran out, applications
waiting for the applicant, disruptions still open. Each count is the list's own filter (licensing.selectors)."""

from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role
from smarteconomy.worklist import WorkItem, register

from .models import PermitApplication, ServiceDisruption
from .selectors import (
    applications_due_soon,
    applications_overdue,
    applications_waiting_for_applicant,
    disruptions_open,
)

GROUP = _("Online licensing")
OFFICE = (Role.DPMPTSP,)


def _applications(user):
    return PermitApplication.objects.visible_to(user)


register(
    WorkItem(
        code="licensing.due_soon",
        label=_("Applications due within 2 working days"),
        roles=OFFICE,
        group=GROUP,
        records=lambda user: applications_due_soon(_applications(user)),
        url_name="licensing:application_list",
        query={"due": "2d"},
        permission="licensing.view_permitapplication",
        order=10,
    )
)
register(
    WorkItem(
        code="licensing.overdue",
        label=_("Applications past the service level"),
        roles=OFFICE,
        group=GROUP,
        records=lambda user: applications_overdue(_applications(user)),
        url_name="licensing:application_list",
        query={"overdue": "true"},
        permission="licensing.view_permitapplication",
        order=11,
    )
)
register(
    WorkItem(
        code="licensing.waiting_for_applicant",
        label=_("Returned and waiting for the applicant for more than 14 days"),
        roles=OFFICE,
        group=GROUP,
        records=lambda user: applications_waiting_for_applicant(_applications(user)),
        url_name="licensing:application_list",
        query={"waiting": "14d"},
        permission="licensing.view_permitapplication",
        order=12,
    )
)
register(
    WorkItem(
        code="licensing.disruptions_open",
        label=_("Service disruptions still open"),
        roles=OFFICE,
        group=GROUP,
        records=lambda user: disruptions_open(ServiceDisruption.objects.visible_to(user)),
        url_name="licensing:disruption_list",
        query={"ongoing": "true"},
        permission="licensing.view_servicedisruption",
        order=13,
    )
)
