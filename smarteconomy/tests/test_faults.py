"""Faults: a worker that dies while it holds a task's lock, two runs at once, and a database connection that
drops in the middle of an import. (scripts/fault_checks.py does the first two with real, killed processes.)"""

import contextlib
import logging
import os
import signal
import socket
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.utils import timezone, translation

from smarteconomy.choices import ImportStatus, TaskStatus
from smarteconomy.importing import get_importer, run_import
from smarteconomy.models import ImportBatch, TaskRun
from smarteconomy.tasking import _abandon_dead_runs_at_worker_start, _process_is_gone, abandon_dead_runs, run_logged
from smarteconomy.tests.sampleapp.models import Payment


def dead_pid():
    """The id of a process of this machine that has finished (and been reaped)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def running(task="demo.task", host=None, pid=None, started=None):
    return TaskRun.objects.create(
        task=task,
        status=TaskStatus.RUNNING,
        started_at=started or timezone.now(),
        details={"holder": {"host": host or socket.gethostname(), "pid": pid or dead_pid()}},
    )


@pytest.mark.django_db
def test_a_run_whose_worker_process_is_gone_is_abandoned_and_the_next_run_goes_ahead(caplog):
    killed = running()
    run = run_logged("demo.task", lambda: 1)
    killed.refresh_from_db()
    assert killed.status == TaskStatus.ABANDONED and killed.finished_at
    assert "stopped without finishing" in killed.error
    assert run.status == TaskStatus.SUCCEEDED
    assert any("abandoned" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_a_run_held_by_a_live_process_or_another_machine_keeps_its_lock():
    import os

    alive = running(pid=os.getpid())
    elsewhere = running(task="other.task", host="worker-2.example")
    assert run_logged("demo.task", lambda: 1).status == TaskStatus.SKIPPED
    assert run_logged("other.task", lambda: 1).status == TaskStatus.SKIPPED
    alive.refresh_from_db()
    elsewhere.refresh_from_db()
    assert alive.status == elsewhere.status == TaskStatus.RUNNING
    # ...until the other machine's run is older than TASK_LOCK_STALE_AFTER.
    TaskRun.objects.filter(pk=elsewhere.pk).update(started_at=timezone.now() - timedelta(days=1))
    assert run_logged("other.task", lambda: 1).status == TaskStatus.SUCCEEDED


@pytest.mark.django_db
def test_a_starting_worker_marks_the_runs_of_dead_processes_abandoned():
    killed = running(task="analytics.indicators_recompute")
    _abandon_dead_runs_at_worker_start(sender=None)
    killed.refresh_from_db()
    assert killed.status == TaskStatus.ABANDONED
    assert abandon_dead_runs() == 0  # nothing left to mark


@pytest.mark.django_db(transaction=True)
def test_two_runs_started_together_one_runs_one_is_skipped_and_logged(caplog):
    started, release = threading.Event(), threading.Event()
    outcome = {}

    def slow():
        started.set()
        assert release.wait(30)
        return 7

    def first():
        try:
            outcome["first"] = run_logged("demo.task", slow)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert started.wait(30)
    with caplog.at_level(logging.WARNING, logger="smarteconomy.tasking"):
        second = run_logged("demo.task", lambda: 1)
    release.set()
    thread.join(30)
    assert second.status == TaskStatus.SKIPPED
    assert "still in progress" in second.error
    assert any("skipped: another run is in progress" in r.getMessage() for r in caplog.records)
    assert outcome["first"].status == TaskStatus.SUCCEEDED and outcome["first"].rows_affected == 7
    assert TaskRun.objects.filter(task="demo.task").count() == 2


# --- The database connection drops in the middle of an import ------------------------------------------------------


@contextlib.contextmanager
def connection_lost():
    """This process's database connection is cut, as a network failure or a database restart would cut it.
    PostgreSQL: the server really terminates the session. SQLite (a file, no connection to lose; the test
    database is in memory and would vanish): every query fails as it would on a lost connection."""
    if connection.vendor == "postgresql":
        import psycopg

        pid = connection.connection.info.backend_pid
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("select pg_terminate_backend(%s)", [pid])
        yield
    else:

        def lost(execute, sql, params, many, context):
            raise OperationalError("server closed the connection unexpectedly")

        with connection.execute_wrapper(lost):
            yield


def payments_csv(count):
    lines = ["reference,paid_on,amount,channel,kelurahan,note"]
    lines += [f"INV-{n},2026-01-31,1000,qris,," for n in range(count)]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_in_the_middle_of_an_import_writes_nothing_and_the_retry_works(
    settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    importer = get_importer("sample-payments")

    def save_half_then_lose_the_connection(self, rows):
        half = len(rows) // 2
        Payment.objects.bulk_create(Payment(**values) for _n, values in rows[:half])
        assert Payment.objects.count() == half  # written inside the import's transaction
        with connection_lost():
            Payment.objects.bulk_create(Payment(**values) for _n, values in rows[half:])
        return len(rows), 0

    data = payments_csv(40)
    monkeypatch.setattr(importer, "save", save_half_then_lose_the_connection)
    with translation.override("en"):
        batch = run_import("sample-payments", data=data, filename="payments.csv", user=None)
    assert batch.status == ImportStatus.FAILED
    assert "nothing was written" in batch.message
    # The attempt is recorded on a fresh connection, and not one row of the file is in the database.
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.FAILED
    assert Payment.objects.count() == 0

    monkeypatch.undo()
    retry = run_import("sample-payments", data=data, filename="payments.csv", user=None)
    assert retry.status == ImportStatus.COMMITTED and retry.rows_created == 40
    assert Payment.objects.count() == 40
    assert sorted(Payment.objects.values_list("reference", flat=True)) == sorted(f"INV-{n}" for n in range(40))


def test_a_killed_worker_left_as_an_unreaped_zombie_counts_as_gone():
    """A pool process killed with its parent is reparented to init; until init reaps it (some container inits
    never do) it is a zombie that still answers signal 0. Its run must be abandoned all the same."""
    child = subprocess.Popen(["sleep", "60"])
    try:
        assert not _process_is_gone(child.pid)
        os.kill(child.pid, signal.SIGKILL)
        for _ in range(100):  # not reaped (no wait()): it becomes a zombie
            if Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                break
            time.sleep(0.02)
        os.kill(child.pid, 0)  # the zombie still answers signal 0 ...
        assert _process_is_gone(child.pid)  # ... and is gone all the same
    finally:
        child.kill()
        child.wait()
    assert _process_is_gone(child.pid)
