"""Reads of the core that a list's filter and the administrators' worklist share: task runs still failing, accounts
locked by django-axes, the last backup."""

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .choices import TaskStatus

FAILED_STATUSES = (TaskStatus.FAILED, TaskStatus.ABANDONED)
BACKUP_PATTERN = "smarteconomy-*.dump"  # what scripts/backup.sh writes


def task_runs_failing(queryset):
    """The failed (or abandoned) runs of ``queryset`` not followed by a successful run of the same task: what still
    needs an administrator. A failure that a later run repaired drops out by itself."""
    from .models import TaskRun

    repaired = TaskRun.objects.filter(
        task=OuterRef("task"), status=TaskStatus.SUCCEEDED, started_at__gt=OuterRef("started_at")
    )
    return queryset.filter(status__in=FAILED_STATUSES).exclude(Exists(repaired))


def lockout_cutoff(now=None):
    """Attempts since this moment still lock (django-axes' cool-off)."""
    return (now or timezone.now()) - settings.AXES_COOLOFF_TIME


def accounts_locked(now=None):
    """django-axes' access attempts that lock a login now: at least AXES_FAILURE_LIMIT failures, the last within the
    cool-off time. The administrators' worklist links to the back office's list of attempts with these same two
    conditions (``accounts_locked_query``: axes' own "locked out" filter, which is the failure limit, and the
    attempt time)."""
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=lockout_cutoff(now)
    )


def accounts_locked_query(now=None):
    """The query string of the back office's list of access attempts that shows ``accounts_locked``."""
    return {"locked_out": "yes", "attempt_time__gte": lockout_cutoff(now).isoformat()}


def last_backup(directory=None):
    """(path, moment) of the newest database dump in BACKUP_DIR, or None when there is none."""
    directory = Path(directory or settings.BACKUP_DIR)
    if not directory.is_dir():
        return None
    dumps = [(path.stat().st_mtime, path) for path in directory.glob(BACKUP_PATTERN) if path.is_file()]
    if not dumps:
        return None
    mtime, path = max(dumps)
    return path, datetime.fromtimestamp(mtime, tz=timezone.get_current_timezone())
