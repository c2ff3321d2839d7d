"""Writes of shared data. Services are keyword-only and run in a transaction."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from .exportjobs import export_jobs_abandon_stale, export_jobs_delete_old
from .models import ImportBatch

logger = logging.getLogger(__name__)


def record_upsert(*, model, lookup, values, by=None):
    """Create the row, or update it when a value differs. Returns "created", "updated" or "unchanged";
    an unchanged row is not saved again, so re-running an import writes no history noise. ``by`` is the
    user recorded in the history (outside a web request there is no other way to know)."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance._history_user = by
        instance.full_clean()
        instance.save()
        return "created"
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return "unchanged"
    for name in changed:
        setattr(instance, name, values[name])
    instance._history_user = by
    instance.full_clean()
    instance.save()
    return "updated"


@transaction.atomic
def housekeeping_run():
    """Nightly clean-up: expired sessions, stored import files and background exports older than their retention
    periods. Returns (rows affected, details)."""
    now = timezone.now()
    sessions_deleted, _ = Session.objects.filter(expire_date__lt=now).delete()

    cutoff = now - timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    files_deleted = 0
    for batch in ImportBatch.objects.filter(created_at__lt=cutoff).exclude(file="").only("id", "file"):
        batch.file.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(file="")
        files_deleted += 1

    export_jobs_abandon_stale()
    exports_deleted = export_jobs_delete_old()

    details = {
        "sessions_deleted": sessions_deleted,
        "import_files_deleted": files_deleted,
        "import_file_retention_days": settings.IMPORT_FILE_RETENTION_DAYS,
        "export_files_deleted": exports_deleted,
        "export_file_retention_days": settings.EXPORT_FILE_RETENTION_DAYS,
    }
    logger.info("housekeeping: %s", details)
    return sessions_deleted + files_deleted + exports_deleted, details
