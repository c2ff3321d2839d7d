#!/usr/bin/env python3
"""Fault checks with real processes; prints PASS or FAIL for each and exits non-zero if any failed.

1. worker-killed: a real Celery worker (prefork pool, as in production) is killed with SIGKILL in the middle of
   the nightly recompute. The killed run must not block the next one (it is marked abandoned), the next run
   completes, the snapshots equal those of a clean run, and no snapshot is duplicated.
2. two-at-once: two recompute processes started at the same moment: one runs, the other is skipped, and says so.

    .venv/bin/python scripts/fault_checks.py                  # a fresh SQLite database and the file-system broker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/se_fault REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python scripts/fault_checks.py               # an EMPTY (or this script's own) PostgreSQL database

The database is migrated and loaded with the demo data first. So that the recompute lasts long enough to be
interrupted, the processes this script starts wait SLOW_SECONDS per indicator period before computing each
indicator (the values are unchanged).
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SLOW_SECONDS = float(os.environ.get("FAULT_SLOW_SECONDS", "0.15"))
TASK = "analytics.indicators_recompute"


def slow_down_indicators():
    """Each indicator takes SLOW_SECONDS longer per period (in this process only). The wait is spent before each
    indicator's transaction, so that it holds no lock (on SQLite a long write transaction would make the other
    process wait for it instead of finding the task's lock taken)."""
    from analytics import scorecard

    original = scorecard.indicator_periods

    def indicator_periods(indicator, targets, **kwargs):
        periods = original(indicator, targets, **kwargs)
        time.sleep(SLOW_SECONDS * len(periods))
        return periods

    scorecard.indicator_periods = indicator_periods


# --- Child process modes ----------------------------------------------------------------------------------------


def as_worker():
    import django

    django.setup()
    slow_down_indicators()
    from smarteconomy.celery import app

    app.worker_main(
        [
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            "--without-mingle",
            "--without-gossip",
            "--hostname",
            f"fault-{os.getpid()}@%h",
        ]
    )


def as_recompute():
    import django

    django.setup()
    slow_down_indicators()
    from django.core.management import call_command

    call_command("recompute_indicators", "--full")


# --- The checks ----------------------------------------------------------------------------------------------------


def child(mode, env, **kwargs):
    return subprocess.Popen([sys.executable, __file__, mode], cwd=ROOT, env=env, start_new_session=True, **kwargs)


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def snapshot_values():
    from analytics.models import IndicatorSnapshot

    return sorted(
        IndicatorSnapshot.objects.values_list(
            "indicator_code", "period", "value", "target", "achievement", "status", "completeness"
        ),
        key=lambda row: (row[0], row[1]),
    )


def clean_run_values():
    """The snapshots a clean, uninterrupted full recompute writes from the same records."""
    from analytics.models import IndicatorSnapshot
    from analytics.scorecard import indicators_recompute

    IndicatorSnapshot.objects.all().delete()
    indicators_recompute(full=True)
    return snapshot_values()


def check_worker_killed(env, log_dir):
    from analytics.models import IndicatorSnapshot
    from analytics.tasks import indicators_recompute_task
    from smarteconomy.choices import TaskStatus
    from smarteconomy.models import TaskRun

    clean = clean_run_values()
    total = len(clean)
    IndicatorSnapshot.objects.all().delete()
    TaskRun.objects.filter(task=TASK).delete()

    with open(log_dir / "worker-killed.log", "wb") as log:
        worker = child("--as-worker", env, stdout=log, stderr=subprocess.STDOUT)
        try:
            indicators_recompute_task.apply_async(kwargs={"full": True})
            run = wait_for(
                lambda: TaskRun.objects.filter(task=TASK, status=TaskStatus.RUNNING).first(), 90, "the run to start"
            )
            wait_for(lambda: IndicatorSnapshot.objects.count() >= 1, 90, "the first snapshots")
            os.killpg(worker.pid, signal.SIGKILL)  # the whole worker: main process and its pool
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    time.sleep(0.5)  # the pool child is reaped by init
    written_before_kill = IndicatorSnapshot.objects.count()
    run.refresh_from_db()
    print(f"  killed the worker with SIGKILL during run #{run.pk}: {written_before_kill} of {total} snapshots written")
    assert run.status == TaskStatus.RUNNING, run.status  # nobody recorded an end...
    assert 0 < written_before_kill < total, "the kill did not land in the middle of the recompute"

    # The next run: a new worker takes the next request (the nightly beat, or "recompute now").
    with open(log_dir / "worker-next.log", "wb") as log:
        worker = child("--as-worker", {**env, "FAULT_SLOW_SECONDS": "0"}, stdout=log, stderr=subprocess.STDOUT)
        try:
            indicators_recompute_task.apply_async(kwargs={"full": True})
            next_run = wait_for(
                lambda: TaskRun.objects.filter(task=TASK, status=TaskStatus.SUCCEEDED).first(), 120, "the next run"
            )
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
    run.refresh_from_db()
    print(f"  killed run #{run.pk}: {run.status} ({run.error})")
    print(f"  next run #{next_run.pk}: {next_run.status}, {next_run.rows_affected} snapshots written")
    assert run.status == TaskStatus.ABANDONED
    after = snapshot_values()
    keys = [(row[0], row[1]) for row in after]
    assert len(keys) == len(set(keys)), "duplicate snapshots"
    assert IndicatorSnapshot.objects.count() == total, (IndicatorSnapshot.objects.count(), total)
    assert after == clean, "the snapshots differ from a clean run's"
    print(f"  {total} snapshots, no duplicates, equal to a clean run's")


def check_two_at_once(env, log_dir):
    from smarteconomy.choices import TaskStatus
    from smarteconomy.models import TaskRun

    TaskRun.objects.filter(task=TASK).delete()
    logs = [open(log_dir / f"recompute-{n}.log", "w+b") for n in (1, 2)]  # noqa: SIM115
    processes = [child("--as-recompute", env, stdout=log, stderr=subprocess.STDOUT) for log in logs]
    codes = [process.wait(300) for process in processes]
    outputs = []
    for log in logs:
        log.seek(0)
        outputs.append(log.read().decode(errors="replace"))
        log.close()
    statuses = sorted(TaskRun.objects.filter(task=TASK).values_list("status", flat=True))
    print(f"  exit codes {codes}; runs: {statuses}")
    assert statuses == [TaskStatus.SKIPPED, TaskStatus.SUCCEEDED], statuses
    skipped = outputs[codes.index(1)] if 1 in codes else ""
    assert sorted(codes) == [0, 1], codes
    assert "skipped: another run is in progress" in skipped and "Skipped" in skipped, skipped
    print("  the skipped process logged: " + next(line for line in skipped.splitlines() if "skipped:" in line).strip())


def main():
    tmp = Path(tempfile.mkdtemp(prefix="se-faults-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="smarteconomy.settings", DJANGO_VAR_DIR=str(tmp), PYTHONUNBUFFERED="1")
    os.environ.update(env)
    print(
        f"database: {env.get('DATABASE_URL', 'SQLite in ' + str(tmp))}; broker: {env.get('REDIS_URL') or 'file system'}"
    )
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    import django

    django.setup()
    results = {}
    for name, check in (("worker-killed", check_worker_killed), ("two-at-once", check_two_at_once)):
        print(f"{name}:")
        started = time.monotonic()
        try:
            check(env, tmp)
        except AssertionError as exc:
            results[name] = False
            print(f"FAIL {name}: {exc}  (logs in {tmp})")
        else:
            results[name] = True
            print(f"PASS {name} ({time.monotonic() - started:.0f} s)")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--as-worker"]:
        as_worker()
    elif sys.argv[1:] == ["--as-recompute"]:
        as_recompute()
    else:
        sys.exit(main())
