"""The administrators' worklist (smarteconomy.worklist): scheduled task runs still failing, accounts locked after too
many failed logins, and the age of the last backup. Imported by the app's ready(), after the apps' worklist.py."""

from datetime import timedelta

from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import Role
from .reporting_selectors import cells_needing
from .selectors import accounts_locked, accounts_locked_query, last_backup, task_runs_failing
from .worklist import Fact, WorkItem, register

GROUP = gettext_lazy("System")
ADMIN = (Role.ADMIN,)
REPORTING = gettext_lazy("Official figures")
# The backup runs nightly (scripts/backup.sh): one older than this calls for a look.
BACKUP_MAX_AGE = timedelta(hours=26)


def backup_fact(user, now=None):
    found = last_backup()
    if found is None:
        return Fact(_("No backup found"), attention=True)
    _path, moment = found
    now = now or timezone.now()
    return Fact(_("%(age)s ago") % {"age": timesince(moment, now)}, attention=now - moment > BACKUP_MAX_AGE)


def _task_runs(user):
    from .models import TaskRun

    return task_runs_failing(TaskRun.objects.all())


register(
    WorkItem(
        code="system.task_runs_failing",
        label=gettext_lazy("Scheduled task runs failed and not repaired since"),
        roles=ADMIN,
        group=GROUP,
        records=_task_runs,
        url_name="tasks:run_list",
        query={"failing": "true"},
        permission="smarteconomy.view_taskrun",
        order=90,
    )
)
register(
    WorkItem(
        code="system.accounts_locked",
        label=gettext_lazy("Accounts locked after failed logins"),
        roles=ADMIN,
        group=GROUP,
        records=lambda user: accounts_locked(),
        url_name="admin:axes_accessattempt_changelist",
        query=accounts_locked_query,
        permission="axes.view_accessattempt",
        order=91,
    )
)
register(
    WorkItem(
        code="system.last_backup",
        label=gettext_lazy("Last backup"),
        roles=ADMIN,
        group=GROUP,
        fact=backup_fact,
        order=92,
    )
)


# Bappeda: the reporting calendar (smarteconomy.sources), listed by the reporting overview's ``?show=``.
register(
    WorkItem(
        code="reporting.waiting_for_approval",
        label=gettext_lazy("Periods waiting for approval"),
        roles=(Role.BAPPEDA,),
        group=REPORTING,
        records=lambda user: cells_needing(user, "waiting"),
        url_name="reporting:overview",
        query={"show": "waiting"},
        permission="smarteconomy.approve_reportingperiod",
        order=1,
    )
)
register(
    WorkItem(
        code="reporting.not_reported",
        label=gettext_lazy("Periods past their due day and not submitted"),
        roles=(Role.BAPPEDA,),
        group=REPORTING,
        records=lambda user: cells_needing(user, "late"),
        url_name="reporting:overview",
        query={"show": "late"},
        permission="smarteconomy.view_reportingperiod",
        order=2,
    )
)
