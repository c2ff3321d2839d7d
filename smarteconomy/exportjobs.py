"""Large exports as background tasks, downloaded from "My exports" when they are ready.

An export of more than EXPORT_INLINE_MAX_ROWS rows would hold a web worker for tens of seconds (four at once made
the server unavailable): it is written to a file by a Celery task instead. The task runs the list page's own view
as the user who asked, in their language, so the file has the same columns, filters, order and masking as the
streaming export would have; the view's ``export`` sees ``request.export_job`` and writes the file. Files are
stored as MEDIA_ROOT/exports/<random>.<ext>, served only to their owner, and deleted by the nightly housekeeping
after EXPORT_FILE_RETENTION_DAYS. The database allows one queued or running export per user.
"""

import logging
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, QueryDict
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_noop

from .choices import ExportJobStatus
from .exporting import csv_chunks, export_log_create, table_rows, write_xlsx
from .models import ExportJob, ExportLog

logger = logging.getLogger(__name__)

# How often (in rows) a running export records its progress.
PROGRESS_EVERY = 1000
# Rows read per query (below the 999 parameters of an "IN" that older SQLite versions allow).
JOB_CHUNK_SIZE = 900
SESSION_FLAG = "has_export_jobs"

# Stored untranslated (English) and translated when shown, in the reader's language.
QUEUE_DOWN = gettext_noop(
    "The task queue is unavailable right now, so the export could not be started. Try again in a few minutes."
)
STOPPED = gettext_noop("The export stopped without finishing. Please export again.")
NOT_ALLOWED = gettext_noop("You may no longer see these records, so the export was not made.")
FAILED = gettext_noop("The export failed. Please try again; if it fails again, tell the administrators.")


def export_job_start(request, *, name, fmt, title):
    """Queue a background export of what ``request`` (a list page with ``export=``) asks for, and redirect back to
    the list with a message. While the user has an export being prepared, a second one is refused with a message
    pointing to the first."""
    back = request.GET.copy()
    back.pop("export", None)
    back_url = f"{request.path}?{back.urlencode()}" if back else request.path
    export_jobs_abandon_stale(user=request.user)
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                user=request.user,
                list_name=request.resolver_match.view_name if request.resolver_match else "",
                title=str(title)[:200],
                path=request.path,
                query=back.urlencode(),
                language=translation.get_language() or settings.LANGUAGE_CODE,
                format=fmt,
                filename=f"{name}-{timezone.localdate().isoformat()}.{fmt}",
                status=ExportJobStatus.QUEUED,
            )
    except IntegrityError:
        running = ExportJob.objects.filter(user=request.user, status__in=ExportJob.ACTIVE).first()
        messages.warning(
            request,
            format_html(
                gettext(
                    "Your export “{title}” is still being prepared. One export at a time: when it is ready in "
                    '<a href="{url}">My exports</a>, you can start another.'
                ),
                title=running.title if running else "",
                url=running.get_absolute_url() if running else reverse("exports:job_list"),
            ),
        )
        return redirect(back_url)
    ExportJob.objects.filter(pk=job.pk).update(log=export_log_create(request, fmt))
    if hasattr(request, "session"):
        request.session[SESSION_FLAG] = True
    transaction.on_commit(lambda: _enqueue(job.pk))
    messages.info(
        request,
        format_html(
            gettext(
                "Your export is being prepared (more than {limit} rows). You can keep working: the file will be in "
                '<a href="{url}">My exports</a> when it is ready.'
            ),
            limit=number_format(settings.EXPORT_INLINE_MAX_ROWS, force_grouping=True),
            url=job.get_absolute_url(),
        ),
    )
    return redirect(back_url)


def _enqueue(job_id):
    from .tasking import enqueue
    from .tasks import export_job_run_task

    if not enqueue(export_job_run_task, job_id=job_id):
        _finish(job_id, status=ExportJobStatus.FAILED, error=QUEUE_DOWN)


def _finish(job_id, **fields):
    """End a job: the raw filters (a search may be a NIK) are not kept once the task no longer needs them."""
    now = timezone.now()
    return ExportJob.objects.filter(pk=job_id, status__in=ExportJob.ACTIVE).update(
        query="", finished_at=now, updated_at=now, **fields
    )


def export_jobs_abandon_stale(*, user=None):
    """Mark failed the queued or running exports without progress for EXPORT_JOB_STALE_AFTER (a worker that
    stopped, a lost message), so that they no longer block their user. Returns how many were marked."""
    now = timezone.now()
    jobs = ExportJob.objects.filter(status__in=ExportJob.ACTIVE, updated_at__lt=now - settings.EXPORT_JOB_STALE_AFTER)
    if user is not None:
        jobs = jobs.filter(user=user)
    return jobs.update(status=ExportJobStatus.FAILED, error=STOPPED, query="", finished_at=now, updated_at=now)


def export_job_run(*, job_id):
    """The task body: render the job's list page as its user and write the file. A job that is no longer queued
    (already run by a redelivered message, or marked stopped) is left alone."""
    now = timezone.now()
    if not ExportJob.objects.filter(pk=job_id, status=ExportJobStatus.QUEUED).update(
        status=ExportJobStatus.RUNNING, updated_at=now
    ):
        return
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            written = _render_as_user(job)
        if not isinstance(written, int):
            raise RuntimeError(f"the view of {job.path} did not write the export")
    except (PermissionDenied, Http404):
        _finish(job.pk, status=ExportJobStatus.FAILED, error=NOT_ALLOWED)
    except Exception:
        logger.exception("export %s (%s) failed", job.pk, job.list_name)
        _finish(job.pk, status=ExportJobStatus.FAILED, error=FAILED)


def _render_as_user(job):
    """Call the list page's view with a request like the one the user made (their filters, their user, their
    language); its ``export`` writes the file (``export_job_write``) and returns the number of rows."""
    match = resolve(job.path)
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.path
    query = QueryDict(job.query, mutable=True)
    query["export"] = job.format
    request.GET = query
    request.META["QUERY_STRING"] = query.urlencode()
    request.user = job.user
    request.LANGUAGE_CODE = job.language
    request.resolver_match = match
    request.export_job = job
    return match.func(request, *match.args, **match.kwargs)


def export_job_write(job, table, queryset, *, limit=None):
    """Write the rows of ``queryset`` (ordered; at most ``limit``) as ``table`` exports them to the job's file,
    recording progress; returns the number of rows. Called by the list view's ``export`` inside the task."""
    pks = queryset.values_list("pk", flat=True)
    pks = list(pks[:limit] if limit else pks)
    ExportJob.objects.filter(pk=job.pk).update(rows_expected=len(pks), updated_at=timezone.now())
    rows = _with_progress(table_rows(table, _in_chunks(queryset, pks)), job.pk)
    name = f"exports/{uuid.uuid4().hex}.{job.format}"
    path = Path(default_storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written under another name and moved in place when complete: a half-written file is never served.
    partial = path.with_name(f"{path.stem}.part{path.suffix}")
    try:
        if job.format == "csv":
            counted = []
            with open(partial, "w", encoding="utf-8", newline="") as out:
                for chunk in csv_chunks(rows, on_done=counted.append):
                    out.write(chunk)
            count = counted[0]
        else:
            count = write_xlsx(rows, partial)
        partial.rename(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if job.log_id:
        ExportLog.objects.filter(pk=job.log_id).update(rows=count)
    if not _finish(job.pk, status=ExportJobStatus.SUCCEEDED, file=name, rows_written=count):
        path.unlink(missing_ok=True)  # marked stopped meanwhile: nobody will download it
    return count


def _in_chunks(queryset, pks):
    """The records of ``pks`` in that order, read JOB_CHUNK_SIZE at a time, each chunk by one complete query. No
    cursor stays open while the progress is written: on SQLite a connection reading an old snapshot may not write
    (the web server writes sessions meanwhile), and on PostgreSQL no transaction is held for minutes."""
    queryset = queryset.order_by()
    for start in range(0, len(pks), JOB_CHUNK_SIZE):
        chunk = pks[start : start + JOB_CHUNK_SIZE]
        found = {record.pk: record for record in queryset.filter(pk__in=chunk)}
        yield from (found[pk] for pk in chunk if pk in found)


def _progress(job_id, written):
    ExportJob.objects.filter(pk=job_id).update(rows_written=written, updated_at=timezone.now())


def _with_progress(rows, job_id):
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        return
    yield header
    for written, row in enumerate(rows):
        if written and written % PROGRESS_EVERY == 0:
            _progress(job_id, written)
        yield row


def export_jobs_delete_old():
    """Delete the exports older than EXPORT_FILE_RETENTION_DAYS, with their files (the ExportLog rows stay).
    Returns how many were deleted."""
    cutoff = timezone.now() - timedelta(days=settings.EXPORT_FILE_RETENTION_DAYS)
    deleted = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).exclude(status__in=ExportJob.ACTIVE).only("id", "file"):
        if job.file:
            job.file.delete(save=False)
        job.delete()
        deleted += 1
    return deleted


def flag_export_jobs_at_login(sender, request, user, **kwargs):
    """The user menu links to My exports for a user who has any: remembered in the session, so that no page asks
    the database."""
    if request is not None and hasattr(request, "session") and ExportJob.objects.filter(user=user).exists():
        request.session[SESSION_FLAG] = True
