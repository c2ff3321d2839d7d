"""A real worker process killed (SIGKILL) in the middle of a conversation with a real SMTP server (aiosmtpd): the
message it had claimed is neither lost nor sent twice. The worker processes are ``manage.py shell`` runs of the beat
task's own code (``run_logged`` + notifications.tasks.send_due) on a database file of their own (the test database
lives in this process's memory, which another process cannot open)."""

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings

from .smtp import Recorder, free_port

SETUP = """
from django.contrib.auth import get_user_model
from notifications.models import OutboxMessage
user = get_user_model().objects.create_user("petugas", email="petugas@example.go.id")
OutboxMessage.objects.create(key="test.rule|test:A-1|1|2026-12-04", recipient=user, to=user.email,
                             subject="Berkas A-1", text="Berkas A-1", html="<p>Berkas A-1</p>")
"""

SEND = """
import datetime
from django.utils import timezone
from notifications.tasks import send_due
from smarteconomy.tasking import run_logged
later = timezone.now() + datetime.timedelta(minutes={minutes})
run = run_logged("notifications.outbox_send", send_due, kwargs={{"now": later}})
print("RUN", run.status, run.details)
"""


class HoldingRecorder(Recorder):
    """Holds the first conversation at RCPT (the worker is mid-send) until the test has killed the worker."""

    def __init__(self):
        super().__init__()
        self.holding = threading.Event()
        self.hold = True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.hold:
            self.holding.set()
            await asyncio.sleep(30)
        envelope.rcpt_tos.append(address)
        return "250 OK"


def manage(env, code, **kwargs):
    return subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def outbox(var_dir):
    with sqlite3.connect(Path(var_dir) / "db.sqlite3") as connection:
        return connection.execute("select status, attempts from notifications_outboxmessage").fetchall()


def test_a_worker_killed_mid_send_sends_the_message_exactly_once(tmp_path):
    handler = HoldingRecorder()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "smarteconomy.settings",
        "DJANGO_VAR_DIR": str(tmp_path),
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    try:
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=settings.BASE_DIR, env=env, capture_output=True
        )
        assert migrate.returncode == 0, migrate.stderr
        setup = manage(env, SETUP)
        assert setup.wait(60) == 0, setup.stdout.read()

        worker = manage(env, SEND.format(minutes=0))
        assert handler.holding.wait(60), worker.stdout.read() if worker.poll() is not None else "worker never connected"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        assert outbox(tmp_path) == [("sending", 1)]  # claimed by the dead worker
        handler.hold = False

        # The next run within the lease: the dead worker's claim is respected, nothing is sent.
        again = manage(env, SEND.format(minutes=1))
        output, _ = again.communicate(timeout=60)
        assert again.returncode == 0, output
        assert "'sent': 0" in output
        assert handler.messages == [] and outbox(tmp_path) == [("sending", 1)]

        # After the lease (10 minutes): sent, once; and a run after that sends nothing more.
        for minutes in (11, 12):
            after = manage(env, SEND.format(minutes=minutes))
            output, _ = after.communicate(timeout=60)
            assert after.returncode == 0, output
        deadline = time.monotonic() + 10
        while not handler.messages and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [envelope.rcpt_tos for envelope in handler.messages] == [["petugas@example.go.id"]]
        assert outbox(tmp_path) == [("sent", 2)]
    finally:
        controller.stop()
