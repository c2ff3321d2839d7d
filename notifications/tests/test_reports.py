"""The scheduled reports (notifications.reports) sent through the outbox to a real SMTP server (aiosmtpd): the monthly
monitoring report's PDF, the arrears letters (one page per tenant), the weekly service-level digest whose counts are
its links' lists, exactly once per report x recipient x period, the server down then up, the beat's times, the
command's dry run."""

import io
import re
from datetime import date, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pypdf
import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from notifications import services, tasks
from notifications.choices import OutboxStatus
from notifications.models import Notification, OutboxMessage
from notifications.reports import get_report, previous_month, previous_week
from smarteconomy.testing_worklist import listed_rows


def parsed(envelope):
    return message_from_bytes(envelope.original_content)


def parts(message):
    return {
        part.get_content_type(): part.get_payload(decode=True) for part in message.walk() if not part.is_multipart()
    }


def pdf_text(content):
    reader = pypdf.PdfReader(io.BytesIO(content))
    return reader, [page.extract_text() for page in reader.pages]


@pytest.fixture
def bappeda(make_user):
    return make_user("perencana", "bappeda", email="perencana@example.go.id", first_name="Dewi")


def test_the_periods_each_report_covers():
    friday = date(2026, 12, 4)
    assert previous_month(date(2026, 1, 5)).key == "2025-12"
    week = previous_week(friday)
    assert (week.key, week.start, week.end) == ("2026-W48", date(2026, 11, 23), date(2026, 11, 29))
    assert previous_week(date(2026, 11, 30)).key == "2026-W48"  # the Monday the beat sends it


def test_the_monthly_report_reaches_bappeda_as_a_pdf_of_the_previous_month(smtp, bappeda, make_user):
    make_user("petugas", "dpmptsp", email="petugas@example.go.id")
    tasks.notifications_reports.delay(codes=["analytics.monitoring_report"], day=date(2025, 11, 5))
    (envelope,) = smtp.messages
    assert envelope.rcpt_tos == ["perencana@example.go.id"]
    message = parsed(envelope)
    assert message["Subject"] == "[Smart Economy] Laporan pemantauan bulanan: Oktober 2025"
    (attachment,) = [part for part in message.walk() if part.get_filename()]
    assert attachment.get_filename() == "laporan-smart-economy-2025-10.pdf"
    assert attachment.get_content_type() == "application/pdf"
    _reader, pages = pdf_text(attachment.get_payload(decode=True))
    assert "Laporan bulanan, Oktober 2025" in pages[0]
    assert "Halo Dewi," in parts(message)["text/plain"].decode()
    # Not a notification of the bell, not in a digest.
    assert Notification.objects.count() == 0


def test_the_report_is_sent_once_when_the_task_runs_twice(smtp, bappeda):
    day = date(2025, 11, 5)
    tasks.notifications_reports.delay(codes=["analytics.monitoring_report"], day=day)
    tasks.notifications_reports.delay(codes=["analytics.monitoring_report"], day=day)
    services.outbox_send()
    assert len(smtp.messages) == 1
    message = OutboxMessage.objects.get()
    assert message.key == f"report|analytics.monitoring_report|{bappeda.pk}|2025-10"
    # The next month is another period: sent once more.
    tasks.notifications_reports.delay(codes=["analytics.monitoring_report"], day=date(2025, 12, 5))
    assert len(smtp.messages) == 2


def test_the_server_down_then_up_sends_the_stored_attachment_later(smtp, bappeda):
    smtp.stop()
    tasks.notifications_reports.delay(codes=["analytics.monitoring_report"], day=date(2025, 11, 5))
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert message.next_attempt_at > timezone.now()
    stored = bytes(message.attachment)
    assert stored.startswith(b"%PDF")
    # A later run (a restarted worker) neither builds nor queues it again, and sends the stored bytes once the
    # server is back.
    tasks.notifications_reports.delay(codes=["analytics.monitoring_report"], day=date(2025, 11, 6))
    assert OutboxMessage.objects.count() == 1
    smtp.start()
    services.outbox_send(now=timezone.now() + timedelta(minutes=5))
    (envelope,) = smtp.messages
    (attachment,) = [part for part in parsed(envelope).walk() if part.get_filename()]
    assert attachment.get_payload(decode=True) == stored
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_a_report_switched_off_is_not_sent_and_the_digest_is_not_a_choice(smtp, bappeda):
    with pytest.raises(ValueError):
        services.preference_set(user=bappeda, rule_code="analytics.monitoring_report", delivery="digest")
    services.preference_set(user=bappeda, rule_code="analytics.monitoring_report", delivery="off")
    tasks.notifications_reports.delay(codes=["analytics.monitoring_report"], day=date(2025, 11, 5))
    assert smtp.messages == [] and OutboxMessage.objects.count() == 0


def test_the_report_is_in_the_recipients_language(smtp, bappeda):
    bappeda.language = "en"
    bappeda.save(update_fields=["language"])
    tasks.notifications_reports.delay(codes=["analytics.monitoring_report"], day=date(2025, 11, 5))
    message = parsed(smtp.messages[0])
    assert message["Subject"] == "[Smart Economy] Monthly monitoring report: October 2025"
    (attachment,) = [part for part in message.walk() if part.get_filename()]
    assert "Monthly report, October 2025" in pdf_text(attachment.get_payload(decode=True))[1][0]


# --- The arrears letters -----------------------------------------------------------------------------------------


@pytest.fixture
def arrears(db):
    from industry_center.services import levy_bills_issue_month, payment_record
    from industry_center.tests.factories import at, make_centre, make_tenancy

    centre = make_centre()
    make_tenancy(centre, "RP-01", "UD Tempe Barokah")
    make_tenancy(centre, "RP-02", "CV Tahu Sumedang", owner_name="Budi Santoso")
    paid = make_tenancy(centre, "RP-03", "UD Keripik Lancar", owner_name="Rina")
    for month in (3, 4):
        levy_bills_issue_month(period=date(2025, month, 1), today=date(2025, month, 1))
    for bill in paid.bills.all():
        payment_record(bill=bill, channel="cash", amount=bill.amount, paid_at=at(2025, bill.period.month, 10))
    return centre


def test_the_arrears_letters_have_one_page_per_tenant_in_arrears_with_its_qris(smtp, arrears, make_user, bappeda):
    officer = make_user("sentra", "dkumkmp", email="sentra@example.go.id")
    tasks.notifications_reports.delay(codes=["industry_center.arrears_letters"], day=date(2025, 5, 5))
    (envelope,) = smtp.messages  # to DKUMKMP only
    assert envelope.rcpt_tos == [officer.email]
    message = parsed(envelope)
    assert message["Subject"] == "[Smart Economy] Surat teguran bulanan: Mei 2025"
    text = parts(message)["text/plain"].decode()
    assert "Penyewa yang menunggak: 2" in text
    assert "Tagihan lewat jatuh tempo: 4" in text
    (attachment,) = [part for part in message.walk() if part.get_filename()]
    assert attachment.get_filename() == "surat-teguran-2025-05.pdf"
    reader, pages = pdf_text(attachment.get_payload(decode=True))
    assert len(pages) == 2
    assert "CV Tahu Sumedang" in pages[0] and "UD Tempe Barokah" in pages[1]
    assert all("SURAT TEGURAN" in page for page in pages)
    assert not any("UD Keripik Lancar" in page for page in pages)
    # Each page carries the QRIS of each of the tenant's two bills (drawn as vector squares: many rectangles).
    assert all(page.count("SKRD-SIKS-") == 4 for page in pages)  # each bill in the table and under its QR
    for page in reader.pages:
        content = page.get_contents().get_data()
        assert content.count(b" re") > 400


def test_the_letters_follow_the_bills_the_list_shows(arrears, client, role_users):
    from industry_center.letters import tenants_in_arrears

    user = role_users["dkumkmp"]
    tenants = tenants_in_arrears(user, on=timezone.localdate())
    client.force_login(user)
    assert sum(len(bills) for _tenant, bills in tenants) == listed_rows(
        client, f"{reverse('industry_center:bill_list')}?overdue=true"
    )


# --- The weekly service-level digest -----------------------------------------------------------------------------


@pytest.fixture
def applications(db):
    from licensing.models import PermitType
    from licensing.services import permit_application_create, permit_application_transition

    week = previous_week(timezone.localdate())
    short = PermitType.objects.create(code="short", name="Izin singkat", service_level_days=1, risk_level="rendah")
    long = PermitType.objects.create(code="long", name="Izin panjang", service_level_days=60, risk_level="rendah")

    def moment(day, hour=9):
        return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, hour))

    def make(number, permit_type, submitted, decided=None):
        application = permit_application_create(
            registration_number=number,
            applicant_name="CV Maju Jaya",
            applicant_kind="company",
            nib="1234567890123",
            permit_type=permit_type,
            channel="spontan",
            submitted_at=moment(submitted),
        )
        if decided is not None:
            permit_application_transition(application=application, to_status="verification", at=moment(submitted, 10))
            permit_application_transition(application=application, to_status="approved", at=moment(decided, 11))
        return application

    monday = week.start
    make("REG-IN", short, monday, monday + timedelta(days=1))  # 1 working day of 1: within
    make("REG-IN-2", long, monday - timedelta(days=20), monday + timedelta(days=3))
    make("REG-OVER", short, monday - timedelta(days=14), monday + timedelta(days=2))  # 10 working days of 1: over
    make("REG-THIS-WEEK", short, monday, week.end + timedelta(days=1))  # decided this week: not last week's
    make("REG-LATE", short, monday - timedelta(days=30))  # open, long past its one working day
    make("REG-DUE", short, timezone.localdate())  # open, due within 2 working days
    return week


def test_the_weekly_digest_goes_to_the_dpmptsp_head_and_its_counts_are_its_lists(smtp, applications, make_user, client):
    head = make_user("kepala", "dpmptsp", email="kepala@example.go.id", first_name="Andi")
    make_user("petugas", "dpmptsp", email="petugas@example.go.id")  # an officer: not switched on, not sent
    services.preference_set(user=head, rule_code="licensing.service_level_weekly", delivery="immediate")
    tasks.notifications_reports.delay(codes=["licensing.service_level_weekly"])
    (envelope,) = smtp.messages
    assert envelope.rcpt_tos == ["kepala@example.go.id"]
    message = parsed(envelope)
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject.startswith("[Smart Economy] Ringkasan mingguan standar waktu layanan: ")
    html = parts(message)["text/html"].decode()
    text = parts(message)["text/plain"].decode()
    found = re.findall(r'<a href="https://se\.example([^"]+)">([^<]+)</a></td><td[^>]*data-count="(\d+)"', html)
    counts = {label: int(count) for _link, label, count in found}
    assert counts == {
        "Diputus pekan lalu dalam standar waktu layanan": 2,
        "Diputus pekan lalu melewati standar waktu layanan": 1,
        "Masih terbuka dan melewati standar waktu layanan": 1,
        "Jatuh tempo dalam 2 hari kerja ke depan": 1,
    }
    client.force_login(head)
    for link, label, count in found:
        link = link.replace("&amp;", "&")
        assert listed_rows(client, link) == int(count), (label, link)
        assert f"https://se.example{link}" in text
    assert "service_level=within" in found[0][0] and f"decided_after={applications.start.isoformat()}" in found[0][0]
    assert "overdue=true" in found[2][0] and "due=2d" in found[3][0]


# --- The schedule and the command --------------------------------------------------------------------------------


def test_the_beat_sends_each_report_at_its_time():
    entries = {
        entry["kwargs"]["codes"][0]: entry["schedule"]
        for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "notifications.reports"
    }
    assert entries == {
        "analytics.monitoring_report": crontab(day_of_month=5, hour=7, minute=0),
        "licensing.service_level_weekly": crontab(day_of_week=1, hour=7, minute=0),
        "industry_center.arrears_letters": crontab(day_of_month=5, hour=7, minute=0),
    }
    assert django_settings.CELERY_TIMEZONE == "Asia/Makassar"
    assert all(get_report(code) is not None for code in entries)


def test_the_command_dry_run_prints_and_writes_nothing(smtp, bappeda):
    out = io.StringIO()
    call_command("notifications_run", "--reports", "--dry-run", "--date", "2025-11-05", stdout=out)
    assert "perencana <perencana@example.go.id> analytics.monitoring_report 2025-10" in out.getvalue()
    assert "1 laporan terjadwal akan dikirim." in out.getvalue()
    assert OutboxMessage.objects.count() == 0 and smtp.messages == []
    from smarteconomy.models import TaskRun

    assert TaskRun.objects.count() == 0
    # The same command without --dry-run sends it, through the task's run log.
    call_command("notifications_run", "--report", "analytics.monitoring_report", "--date", "2025-11-05", stdout=out)
    assert len(smtp.messages) == 1
    assert TaskRun.objects.get(task="notifications.reports").rows_affected == 1


@pytest.mark.parametrize("arguments", [["--date", "5/11/2025"], ["--report", "nope"]])
def test_the_command_refuses_a_bad_date_or_report(db, arguments):
    with pytest.raises(CommandError):
        call_command("notifications_run", *arguments, stdout=io.StringIO())
    assert OutboxMessage.objects.count() == 0
