import time
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.utils import timezone

from smarteconomy.celery import app
from smarteconomy.choices import ImportStatus, Role, TaskStatus
from smarteconomy.models import ImportBatch, TaskRun
from smarteconomy.tasking import run_logged
from smarteconomy.tasks import housekeeping


def make_batch(days_old, name):
    batch = ImportBatch(importer="wilayah", office=Role.ADMIN, original_name=name, status=ImportStatus.COMMITTED)
    batch.file.save(name, ContentFile(b"kode_kemendagri\n"), save=False)
    batch.save()
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    batch.refresh_from_db()
    return batch


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_housekeeping_removes_expired_sessions_and_old_import_files_and_logs_the_run(media):
    live = SessionStore()
    live.create()
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - timedelta(days=1))
    old = make_batch(settings.IMPORT_FILE_RETENTION_DAYS + 1, "old.csv")
    recent = make_batch(1, "recent.csv")
    old_path, recent_path = old.file.path, recent.file.path

    run_id = housekeeping.delay().get()

    run = TaskRun.objects.get(pk=run_id)
    assert run.status == TaskStatus.SUCCEEDED
    assert run.task == "smarteconomy.housekeeping_run"
    assert run.rows_affected == 2
    assert run.details["sessions_deleted"] == 1
    assert run.details["import_files_deleted"] == 1
    assert run.finished_at >= run.started_at
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.file.name == "" and not __import__("os").path.exists(old_path)
    assert recent.file.name and __import__("os").path.exists(recent_path)
    # The batch itself stays: the log of the import is kept, only the uploaded file goes.
    assert ImportBatch.objects.count() == 2


@pytest.mark.django_db
def test_housekeeping_twice_is_harmless(media):
    first = TaskRun.objects.get(pk=housekeeping.delay().get())
    second = TaskRun.objects.get(pk=housekeeping.delay().get())
    assert first.status == second.status == TaskStatus.SUCCEEDED
    assert second.rows_affected == 0


@pytest.mark.django_db
def test_a_task_does_not_overlap_with_its_running_self():
    TaskRun.objects.create(task="demo.task", status=TaskStatus.RUNNING, started_at=timezone.now())
    calls = []
    run = run_logged("demo.task", lambda: calls.append(1) or 1)
    assert run.status == TaskStatus.SKIPPED
    assert calls == []
    assert TaskRun.objects.filter(task="demo.task", status=TaskStatus.RUNNING).count() == 1


@pytest.mark.django_db
def test_a_stale_running_row_is_marked_abandoned_and_the_task_runs(settings):
    stale = TaskRun.objects.create(
        task="demo.task",
        status=TaskStatus.RUNNING,
        started_at=timezone.now() - settings.TASK_LOCK_STALE_AFTER - timedelta(minutes=1),
    )
    run = run_logged("demo.task", lambda: (3, {"ok": True}))
    stale.refresh_from_db()
    assert stale.status == TaskStatus.ABANDONED
    assert run.status == TaskStatus.SUCCEEDED and run.rows_affected == 3 and run.details == {"ok": True}


@pytest.mark.django_db
def test_a_failing_task_records_the_error_and_releases_the_lock():
    def boom():
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        run_logged("demo.task", boom)
    run = TaskRun.objects.get(task="demo.task")
    assert run.status == TaskStatus.FAILED
    assert "disk full" in run.error
    assert run_logged("demo.task", lambda: 0).status == TaskStatus.SUCCEEDED


def test_the_one_beat_schedule_runs_housekeeping_at_one_wita():
    entry = settings.CELERY_BEAT_SCHEDULE["housekeeping-nightly"]
    assert entry["task"] == housekeeping.name
    assert entry["schedule"] == crontab(hour=1, minute=0)
    assert app.conf.timezone == "Asia/Makassar"
    assert housekeeping.name in app.tasks


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_takes_the_task_from_the_broker_and_writes_the_run_log(media):
    """Not eager: the message goes through the configured broker (Redis with REDIS_URL, the file-system
    broker otherwise) to a real Celery worker, which writes the TaskRun row."""
    from celery.contrib.testing.worker import start_worker

    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30):
            result = housekeeping.delay()
            deadline = time.monotonic() + 60
            run = None
            while time.monotonic() < deadline:
                run = TaskRun.objects.filter(celery_task_id=result.id).exclude(status=TaskStatus.RUNNING).first()
                if run:
                    break
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
    assert run is not None, "the worker did not record a run within 60 s"
    assert run.status == TaskStatus.SUCCEEDED
    expected_broker = "redis" if settings.REDIS_URL else "filesystem"
    assert app.connection_for_write().transport.driver_type == expected_broker
