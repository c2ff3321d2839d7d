"""Preferences per user and rule (immediately, daily digest, off), the digest's grouping, the rules reusing the
worklist's selectors, and ``manage.py notifications_run [--dry-run]``."""

import io
from datetime import datetime, timedelta
from email import message_from_bytes
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from licensing.tests.test_worklist import queue  # noqa: F401 (the fixture)
from notifications import services, tasks
from notifications.choices import Delivery
from notifications.models import Notification, OutboxMessage
from notifications.rules import all_rules, get_rule
from smarteconomy.worklist import get_item

WITA = ZoneInfo("Asia/Makassar")


def subjects(smtp):
    return sorted(message_from_bytes(envelope.original_content)["Subject"] for envelope in smtp.messages)


def body(envelope):
    message = message_from_bytes(envelope.original_content)
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }


@pytest.fixture
def officer(make_user):
    return make_user("petugas", "dpmptsp", email="petugas@example.go.id")


def test_off_tells_the_bell_but_sends_no_e_mail(smtp, officer, test_rules):
    services.preference_set(user=officer, rule_code="test.alpha", delivery=Delivery.OFF)
    test_rules["alpha"] = ["A-1"]
    test_rules["beta"] = ["B-1"]
    tasks.notifications_run.delay()
    assert subjects(smtp) == ["[Smart Economy] Aturan beta: Berkas B-1"]
    assert set(Notification.objects.values_list("rule", "delivery")) == {
        ("test.alpha", Delivery.OFF),
        ("test.beta", Delivery.IMMEDIATE),
    }
    tasks.notifications_digest.delay()
    assert len(smtp.messages) == 1  # nor in the digest


def test_the_digest_groups_a_day_of_notifications_by_rule_in_one_e_mail(smtp, officer, make_user, test_rules):
    other = make_user("petugas2", "dpmptsp", email="petugas2@example.go.id")
    for user in (officer, other):
        for code in ("test.alpha", "test.beta"):
            services.preference_set(user=user, rule_code=code, delivery=Delivery.DIGEST)
    test_rules["alpha"] = ["A-1", "A-2"]
    test_rules["beta"] = ["B-1"]
    tasks.notifications_run.delay()
    assert smtp.messages == []  # nothing immediately
    seven = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), datetime.min.time()), WITA)
    seven += timedelta(hours=7)
    tasks.notifications_digest.delay(now=seven)
    tasks.notifications_digest.delay(now=seven)  # the task run twice: still one digest each
    assert sorted(envelope.rcpt_tos[0] for envelope in smtp.messages) == [
        "petugas2@example.go.id",
        "petugas@example.go.id",
    ]
    assert all("3 notifikasi" in subject for subject in subjects(smtp))
    text = body(smtp.messages[0])["text/plain"]
    alpha, beta = text.index("Aturan alfa (2)"), text.index("Aturan beta (1)")
    assert alpha < text.index("Berkas A-1") < text.index("Berkas A-2") < beta < text.index("Berkas B-1")
    html = body(smtp.messages[0])["text/html"]
    assert "<h3>Aturan alfa (2)</h3>" in html and 'href="https://se.example/licensing/?q=B-1"' in html
    # A notification after the day's digest waits for the next one.
    test_rules["alpha"] = ["A-1", "A-2", "A-3"]
    services.notifications_run(now=seven + timedelta(hours=1))
    tasks.notifications_digest.delay(now=seven + timedelta(hours=2))
    assert len(smtp.messages) == 2
    tasks.notifications_digest.delay(now=seven + timedelta(days=1))
    assert len(smtp.messages) == 4
    assert (
        "Berkas A-3" in body(smtp.messages[-1])["text/plain"] or "Berkas A-3" in body(smtp.messages[-2])["text/plain"]
    )


def test_the_digest_is_not_limited_to_unread_notifications(smtp, officer, test_rules, client):
    """Decided: a notification read in the bell before 07:00 still goes in the digest (the e-mail is the day's record
    of what the rules found; reading one on the page is not a reason to drop it), and the bell's page lists read and
    unread ones alike; only the top bar's number counts the unread."""
    services.preference_set(user=officer, rule_code="test.alpha", delivery=Delivery.DIGEST)
    test_rules["alpha"] = ["A-1", "A-2"]
    services.notifications_run()
    read = Notification.objects.get(object_key="test:A-1")
    services.notification_mark_read(user=officer, pks=[read.pk])
    tasks.notifications_digest.delay()
    (envelope,) = smtp.messages
    text = body(envelope)["text/plain"]
    assert "Berkas A-1" in text and "Berkas A-2" in text
    client.force_login(officer)
    page = client.get("/notifications/").content.decode()
    assert "Berkas A-1" in page and "Berkas A-2" in page


def test_a_record_is_told_once_a_day_and_again_the_next_day(smtp, officer, test_rules):
    test_rules["alpha"] = ["A-1"]
    services.notifications_run()
    services.notifications_run()
    tomorrow = timezone.now() + timedelta(days=1)
    services.notifications_run(now=tomorrow)
    services.outbox_send(now=tomorrow)
    assert Notification.objects.count() == 2
    assert OutboxMessage.objects.count() == 2
    assert len(smtp.messages) == 2


def test_the_default_delivery_of_each_rule(officer):
    assert get_rule("licensing.overdue").default == Delivery.IMMEDIATE
    assert get_rule("industry_center.bill_overdue").default == Delivery.DIGEST
    assert services.delivery_for(officer, get_rule("licensing.overdue")) == Delivery.IMMEDIATE
    services.preference_set(user=officer, rule_code="licensing.overdue", delivery=Delivery.DIGEST)
    assert services.delivery_for(officer, get_rule("licensing.overdue")) == Delivery.DIGEST


def test_every_rule_of_the_issue_is_declared():
    assert {rule.code for rule in all_rules()} >= {
        "licensing.due_soon",
        "licensing.overdue",
        "industry_center.bill_overdue",
        "cashless.upload_missing",
        "reporting.due",
        "reporting.late",
        "analytics.turned_off_track",
        "system.task_run_failed",
    }


def test_a_rule_names_exactly_the_worklist_records(smtp, role_users, queue):  # noqa: F811
    dpmptsp = role_users["dpmptsp"]
    dpmptsp.email = "dpmptsp@example.go.id"
    dpmptsp.save()
    services.notifications_run()
    for code in ("licensing.due_soon", "licensing.overdue"):
        told = set(Notification.objects.filter(recipient=dpmptsp, rule=code).values_list("title", flat=True))
        listed = set(get_item(code).records(dpmptsp).values_list("registration_number", flat=True))
        assert told == listed and told
    late = Notification.objects.get(rule="licensing.overdue")
    assert late.title == "REG-LATE" and late.link.startswith("/licensing/")
    # Recipients by role: nobody else is told about DPMPTSP's applications.
    assert set(Notification.objects.filter(rule__startswith="licensing.").values_list("recipient", flat=True)) == {
        dpmptsp.pk
    }


def test_the_command_dry_run_prints_and_writes_nothing(smtp, officer, test_rules):
    test_rules["alpha"] = ["A-1"]
    out = io.StringIO()
    call_command("notifications_run", "--dry-run", stdout=out)
    assert (
        "petugas <petugas@example.go.id> [immediate] test.alpha: Berkas A-1 (https://se.example/licensing/?q=A-1)"
        in (out.getvalue())
    )
    assert "1 notifikasi akan dibuat." in out.getvalue()
    assert not Notification.objects.exists() and smtp.messages == []
    out = io.StringIO()
    call_command("notifications_run", stdout=out)
    assert "1 notifikasi dibuat, 1 surel terkirim, 0 percobaan gagal." in out.getvalue()
    assert len(smtp.messages) == 1


def test_the_beat_schedule_runs_the_rules_the_digest_at_seven_wita_and_the_retries(settings):
    from celery.schedules import crontab

    from smarteconomy.celery import app

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["notifications-digest-daily"]["schedule"] == crontab(hour=7, minute=0)
    assert app.conf.timezone == "Asia/Makassar"
    for entry, task in (
        ("notifications-run", tasks.notifications_run),
        ("notifications-digest-daily", tasks.notifications_digest),
        ("notifications-outbox-send", tasks.outbox_send),
    ):
        assert schedule[entry]["task"] == task.name
        assert task.name in app.tasks
