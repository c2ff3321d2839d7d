"""Sending through the outbox against a real SMTP server (aiosmtpd, started by the test): exactly once when the task
runs twice and when a worker dies mid-send; the server down then up (sent later, none lost); a message that keeps
failing is visible to the administrators."""

from datetime import timedelta
from email import message_from_bytes

import pytest
from django.utils import timezone

from notifications import services, tasks
from notifications.choices import OutboxStatus
from notifications.models import Notification, OutboxMessage
from smarteconomy.choices import TaskStatus
from smarteconomy.models import TaskRun
from smarteconomy.worklist import get_item


def parsed(envelope):
    return message_from_bytes(envelope.original_content)


@pytest.fixture
def officer(make_user):
    return make_user("petugas", "dpmptsp", email="petugas@example.go.id", first_name="Sari")


def test_the_task_run_twice_sends_each_notification_once(smtp, officer, test_rules):
    test_rules["alpha"] = ["A-1", "A-2"]
    tasks.notifications_run.delay()
    tasks.notifications_run.delay()
    services.outbox_send()
    assert len(smtp.messages) == 2
    assert sorted(envelope.rcpt_tos[0] for envelope in smtp.messages) == ["petugas@example.go.id"] * 2
    assert Notification.objects.filter(recipient=officer).count() == 2
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    runs = TaskRun.objects.filter(task="notifications.run")
    assert [run.status for run in runs.order_by("pk")] == [TaskStatus.SUCCEEDED, TaskStatus.SUCCEEDED]
    # A new record the next run: only it is sent.
    test_rules["alpha"] = ["A-1", "A-2", "A-3"]
    tasks.notifications_run.delay()
    assert len(smtp.messages) == 3


def test_the_e_mail_is_in_indonesian_with_text_html_and_the_link(smtp, officer, test_rules):
    test_rules["alpha"] = ["A-1"]
    tasks.notifications_run.delay()
    (envelope,) = smtp.messages
    message = parsed(envelope)
    assert message["Subject"] == "[Smart Economy] Aturan alfa: Berkas A-1"
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith(">")
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }
    assert "Halo Sari," in parts["text/plain"]
    assert "https://se.example/licensing/?q=A-1" in parts["text/plain"]
    assert '<a href="https://se.example/licensing/?q=A-1">Berkas A-1</a>' in parts["text/html"]
    assert "Anda menerima" in parts["text/html"]


def test_two_sends_of_one_outbox_send_it_once(smtp, officer, test_rules):
    test_rules["alpha"] = ["A-1"]
    services.notifications_run()
    tasks.outbox_send.delay()
    tasks.outbox_send.delay()
    services.outbox_send()
    assert len(smtp.messages) == 1


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: the code after it never runs (not even ``except Exception``)."""


def test_a_worker_killed_mid_send_leaves_the_message_to_the_next_worker_after_its_lease(
    smtp, officer, test_rules, monkeypatch, settings
):
    test_rules["alpha"] = ["A-1"]
    services.notifications_run()
    real_send = services._send_one

    def killed(message, connection):
        connection.open()  # the worker had connected to the server, then died before the message went out
        raise WorkerKilled

    monkeypatch.setattr(services, "_send_one", killed)
    with pytest.raises(WorkerKilled):
        services.outbox_send()
    monkeypatch.setattr(services, "_send_one", real_send)
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.SENDING and message.attempts == 1
    # Another worker (or the task run again) within the lease: the claimed message is not sent a second time.
    assert services.outbox_send() == (0, 0)
    assert services.outbox_send(now=timezone.now() + settings.NOTIFICATIONS_SEND_LEASE - timedelta(seconds=5)) == (0, 0)
    assert smtp.messages == []
    # Once the lease has run out the dead worker's message is claimed again and sent, once.
    later = timezone.now() + settings.NOTIFICATIONS_SEND_LEASE + timedelta(seconds=1)
    assert services.outbox_send(now=later) == (1, 0)
    assert services.outbox_send(now=later + timedelta(hours=1)) == (0, 0)
    assert len(smtp.messages) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 2


def test_the_server_down_then_up_sends_everything_later(smtp, officer, test_rules):
    test_rules["alpha"] = ["A-1", "A-2", "A-3"]
    smtp.stop()
    tasks.notifications_run.delay()
    assert OutboxMessage.objects.count() == 3
    first = OutboxMessage.objects.get(status=OutboxStatus.PENDING, attempts=1)
    assert "Connection refused" in first.last_error or "Errno" in first.last_error
    assert first.next_attempt_at > timezone.now()  # backoff: not before a minute
    # Still down a while later: one more try (the run stops at the first refusal), nothing marked sent or lost.
    services.outbox_send(now=timezone.now() + timedelta(minutes=2))
    assert sum(OutboxMessage.objects.values_list("attempts", flat=True)) == 2
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.PENDING}
    services.outbox_send(now=timezone.now() + timedelta(minutes=3))
    services.outbox_send(now=timezone.now() + timedelta(minutes=4))
    first.refresh_from_db()
    assert first.attempts == 2 and first.status == OutboxStatus.PENDING
    assert first.next_attempt_at > timezone.now() + timedelta(minutes=5, seconds=50)  # waits twice as long: 2 min
    # The server is back: the next runs send all three, none lost, none twice.
    smtp.start()
    services.outbox_send(now=timezone.now() + timedelta(minutes=10))
    assert sorted(parsed(envelope)["Subject"] for envelope in smtp.messages) == [
        f"[Smart Economy] Aturan alfa: Berkas A-{n}" for n in (1, 2, 3)
    ]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_the_backoff_doubles_up_to_six_hours(settings):
    assert [services.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert services.backoff(30) == timedelta(hours=6)


def test_a_message_that_keeps_failing_is_shown_to_the_administrators(
    smtp, officer, test_rules, settings, client, role_users
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    test_rules["alpha"] = ["A-1"]
    smtp.stop()
    services.notifications_run()
    at = timezone.now()
    for _try in range(3):
        services.outbox_send(now=at)
        at += timedelta(hours=7)
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.FAILED and message.attempts == 3
    assert services.outbox_send(now=at) == (0, 0)  # given up: no more tries
    # The administrators' worklist counts it and links to the back office's list of failed e-mails.
    admin = role_users["admin"]
    assert get_item("notifications.emails_failed").records(admin).count() == 1
    client.force_login(admin)
    page = client.get(get_item("notifications.emails_failed").url())
    assert page.status_code == 200
    assert "petugas@example.go.id" in page.content.decode()
    # Sent again by an administrator once the server is back.
    smtp.start()
    response = client.post(
        "/admin/notifications/outboxmessage/",
        {"action": "send_again", "_selected_action": [message.pk]},
    )
    assert response.status_code == 302
    services.outbox_send()
    assert len(smtp.messages) == 1


def test_the_e_mail_is_in_the_language_the_recipient_chose(smtp, officer, test_rules, client):
    client.force_login(officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    officer.refresh_from_db()
    assert officer.language == "en"
    test_rules["alpha"] = ["A-1"]
    tasks.notifications_run.delay()
    (envelope,) = smtp.messages
    text = next(part for part in parsed(envelope).walk() if part.get_content_type() == "text/plain")
    assert "Hello Sari," in text.get_payload(decode=True).decode()


def test_a_broken_rule_does_not_silence_the_others_and_fails_the_run(smtp, officer, test_rules, monkeypatch):
    from notifications import rules

    test_rules["beta"] = ["B-1"]

    def broken(user):
        raise ValueError("the selector broke")

    monkeypatch.setitem(
        rules.RULES.entries,
        "test.alpha",
        rules.RULES.entries["test.alpha"].__class__(
            code="test.alpha", label="Aturan alfa", roles=("dpmptsp",), records=broken
        ),
    )
    with pytest.raises(services.RuleFailed):
        tasks.notifications_run.delay()
    assert [parsed(envelope)["Subject"] for envelope in smtp.messages] == ["[Smart Economy] Aturan beta: Berkas B-1"]
    run = TaskRun.objects.get(task="notifications.run")
    assert run.status == TaskStatus.FAILED and "test.alpha" in run.error and "the selector broke" in run.error
