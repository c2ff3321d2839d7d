"""`make run`'s process script (scripts/run.sh) with real processes: the Celery worker and its beat keep their
schedule and log in DJANGO_VAR_DIR, as the settings do, so the nightly tasks run wherever the var folder is."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

REPO = Path(settings.BASE_DIR)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_run_script_starts_beat_with_its_files_in_the_var_dir(tmp_path):
    var_dir = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env["DJANGO_VAR_DIR"] = str(var_dir)  # a folder that does not exist yet, as on a fresh machine
    # As `make run` does before starting the processes.
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=env, check=True)
    proc = subprocess.Popen(
        ["bash", "scripts/run.sh", str(Path(sys.executable).parent), "127.0.0.1", str(_free_port())],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the test ends exactly what it started
    )
    log = var_dir / "log" / "celery.log"
    schedule = list((var_dir / "celery").glob("beat-schedule*")) if (var_dir / "celery").exists() else []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = log.read_text() if log.exists() else ""
            schedule = list((var_dir / "celery").glob("beat-schedule*")) if (var_dir / "celery").exists() else []
            if "beat: Starting" in text and schedule:
                break
            assert proc.poll() is None, f"scripts/run.sh ended early:\n{text}"
            time.sleep(0.3)
        time.sleep(2)  # a beat that cannot open its schedule crashes right after starting
        text = log.read_text() if log.exists() else "(no log in DJANGO_VAR_DIR/log/)"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert "beat: Starting" in text, text
    assert schedule, f"no beat schedule file under {var_dir / 'celery'}:\n{text}"
    assert "Traceback" not in text and "CRITICAL" not in text, text
