"""The administrators' worklist item of the notifications (smarteconomy.worklist): e-mails given up on after every
retry, listed in the back office."""

from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role
from smarteconomy.worklist import WorkItem, register

from .choices import OutboxStatus
from .models import OutboxMessage

register(
    WorkItem(
        code="notifications.emails_failed",
        label=_("Notification e-mails that could not be sent"),
        roles=(Role.ADMIN,),
        group=_("System"),
        records=lambda user: OutboxMessage.objects.filter(status=OutboxStatus.FAILED),
        url_name="admin:notifications_outboxmessage_changelist",
        query={"status__exact": OutboxStatus.FAILED.value},
        permission="notifications.view_outboxmessage",
        order=95,
    )
)
