"""Scheduled tasks: every run writes a TaskRun row, and two runs of one task never overlap.

The lock is the TaskRun row itself: the database allows one "running" row per task (a partial unique
constraint), so it holds across processes and machines on SQLite and PostgreSQL alike. Each running row
names its holder (machine and process id, in ``details``). A running row whose holder process no longer
exists on this machine (a worker killed with SIGKILL, by the OOM killer or a power cut) is marked abandoned
as soon as another run of the task starts, or when a worker starts; a running row older than
TASK_LOCK_STALE_AFTER is taken as a crashed worker's wherever it ran.
"""

import functools
import logging
import os
import socket
import traceback
from pathlib import Path

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .choices import TaskStatus
from .logs import mask_personal_data
from .models import TaskRun

logger = logging.getLogger(__name__)


def _holder():
    return {"host": socket.gethostname(), "pid": os.getpid()}


def _process_is_gone(pid):
    """True when no process ``pid`` runs on this machine. A killed process whose parent died with it stays a
    zombie until init reaps it (some container inits never do): it answers signals but runs nothing, so it counts
    as gone (Linux: its state in /proc is Z or X)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError, TypeError, ValueError):
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # "pid (command) state ...": the command may hold spaces and parentheses, the state follows the last ")".
    return stat[stat.rfind(")") + 2 : stat.rfind(")") + 3] in ("Z", "X")


def abandon_dead_runs(task_name=None):
    """Mark abandoned the running rows whose worker is gone: older than TASK_LOCK_STALE_AFTER (any machine), or
    held by a process of this machine that no longer exists. Returns how many rows were marked."""
    now = timezone.now()
    running = TaskRun.objects.filter(status=TaskStatus.RUNNING)
    if task_name:
        running = running.filter(task=task_name)
    marked = running.filter(started_at__lt=now - settings.TASK_LOCK_STALE_AFTER).update(
        status=TaskStatus.ABANDONED, finished_at=now, error="No finish recorded; worker stopped."
    )
    host = socket.gethostname()
    for run in running.filter(started_at__gte=now - settings.TASK_LOCK_STALE_AFTER):
        holder = (run.details or {}).get("holder") or {}
        if holder.get("host") == host and holder.get("pid") and _process_is_gone(holder["pid"]):
            marked += TaskRun.objects.filter(pk=run.pk, status=TaskStatus.RUNNING).update(
                status=TaskStatus.ABANDONED,
                finished_at=now,
                error=f"The worker process {holder['pid']} on {host} stopped without finishing the run.",
            )
            logger.warning("task %s: run %s abandoned, its worker process %s is gone", run.task, run.pk, holder["pid"])
    return marked


@worker_ready.connect
def _abandon_dead_runs_at_worker_start(**kwargs):
    try:
        abandon_dead_runs()
    except Exception:  # the database may not be reachable yet; the next run checks again
        logger.exception("could not check for abandoned task runs")


def _acquire(task_name, celery_task_id):
    now = timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return TaskRun.objects.create(
                    task=task_name,
                    status=TaskStatus.RUNNING,
                    started_at=now,
                    celery_task_id=celery_task_id or "",
                    details={"holder": _holder()},
                )
        except IntegrityError:
            if not abandon_dead_runs(task_name):
                return None
    return None


def run_logged(task_name, func, *, celery_task_id="", args=(), kwargs=None, pass_run=False):
    """Run ``func`` under the task's lock and record the run. ``func`` returns the rows it affected,
    or (rows, details); with ``pass_run`` it also gets ``run=`` (the TaskRun being written). Returns the TaskRun."""
    run = _acquire(task_name, celery_task_id)
    if run is None:
        logger.warning("task %s skipped: another run is in progress", task_name)
        return TaskRun.objects.create(
            task=task_name,
            status=TaskStatus.SKIPPED,
            started_at=timezone.now(),
            finished_at=timezone.now(),
            celery_task_id=celery_task_id or "",
            error="Another run of this task was still in progress.",
        )
    try:
        extra = {"run": run} if pass_run else {}
        outcome = func(*args, **(kwargs or {}), **extra)
    except Exception as exc:
        run.status = TaskStatus.FAILED
        run.error = mask_personal_data("".join(traceback.format_exception_only(type(exc), exc)).strip())
        run.details = {"traceback": traceback.format_exc()[-4000:]}
        run.finished_at = timezone.now()
        run.save()
        logger.exception("task %s failed", task_name)
        raise
    rows, details = outcome if isinstance(outcome, tuple) else (outcome or 0, {})
    run.status = TaskStatus.SUCCEEDED
    run.rows_affected = rows
    run.details = details
    run.finished_at = timezone.now()
    run.save()
    return run


def scheduled_task(name, *, pass_run=False):
    """Decorator: a Celery task called ``name`` that runs the function under ``run_logged``."""

    def decorator(func):
        @shared_task(name=name, bind=True)
        @functools.wraps(func)
        def task(self, *args, **kwargs):
            run = run_logged(name, func, celery_task_id=self.request.id, args=args, kwargs=kwargs, pass_run=pass_run)
            return run.pk

        return task

    return decorator


def enqueue(task, **kwargs):
    """Queue ``task`` now if the broker answers; return False (and log) when it does not, instead of raising or
    hanging the request. Callers tell the user that the job was not queued; the nightly run catches up, since
    the work to do (dirty periods, stored files) is in the database, not in the message."""
    from kombu.exceptions import OperationalError

    from .celery import app

    if app.conf.task_always_eager:
        task.apply_async(kwargs=kwargs)
        return True
    try:
        with app.connection_for_write(connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            task.apply_async(kwargs=kwargs, connection=connection, retry=False)
    except (OperationalError, OSError) as exc:
        logger.error("task %s not queued: the broker is unavailable (%s)", task.name, exc)
        return False
    return True
