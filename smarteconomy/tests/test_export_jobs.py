"""Large exports run as background tasks (smarteconomy/exportjobs.py): small ones stream at once, large ones become
a job whose file is what the stream would have been, downloadable by its owner only; one at a time per user."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from smarteconomy import exportjobs
from smarteconomy.choices import ExportJobStatus
from smarteconomy.models import ExportJob, ExportLog
from smarteconomy.tasks import housekeeping

LIST = reverse("reference:kelurahan_list")
MINE = reverse("exports:job_list")


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def officer(client, role_users, reference_data, media):
    client.force_login(role_users["dkumkmp"])
    return client


def export(client, capture, fmt="csv", **params):
    """Ask for an export; the job's task (eager in tests) runs when the request's transaction commits."""
    with capture(execute=True):
        return client.get(LIST, {**params, "export": fmt})


def streamed(client, settings, fmt="csv", **params):
    settings.EXPORT_INLINE_MAX_ROWS = 1000
    response = client.get(LIST, {**params, "export": fmt})
    assert response.streaming
    return b"".join(response.streaming_content)


def job_file(job):
    with job.file.open("rb") as handle:
        return handle.read()


def make_job(user, **fields):
    values = {
        "list_name": "reference:kelurahan_list",
        "title": "Kelurahan",
        "path": LIST,
        "language": "id",
        "format": "csv",
        "filename": "kelurahan.csv",
        "status": ExportJobStatus.RUNNING,
    }
    values.update(fields)
    return ExportJob.objects.create(user=user, **values)


def test_an_export_up_to_the_threshold_streams_at_once(officer, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 34  # the 34 kelurahan of the reference data
    response = officer.get(LIST, {"export": "csv"})
    assert response.streaming
    assert b"".join(response.streaming_content).count(b"\r\n") == 35
    assert not ExportJob.objects.exists()
    assert ExportLog.objects.get().rows == 34


def test_a_larger_export_is_a_background_job_whose_file_is_the_stream(
    officer, settings, role_users, django_capture_on_commit_callbacks
):
    expected = streamed(officer, settings, q="balikpapan", sort="-name")
    ExportLog.objects.all().delete()
    settings.EXPORT_INLINE_MAX_ROWS = 10

    response = export(officer, django_capture_on_commit_callbacks, q="balikpapan", sort="-name")

    # Back to the same list, same filters, without the export: the officer keeps working.
    assert response.status_code == 302
    assert response.url == f"{LIST}?q=balikpapan&sort=-name"
    message = str(next(iter(get_messages(response.wsgi_request))))
    assert "sedang disiapkan" in message and MINE in message
    job = ExportJob.objects.get()
    assert job.status == ExportJobStatus.SUCCEEDED, job.error
    assert job.user == role_users["dkumkmp"]
    assert re.fullmatch(r"exports/[0-9a-f]{32}\.csv", job.file.name)  # not guessable
    assert job_file(job) == expected
    assert job.rows_written == job.rows_expected == expected.count(b"\r\n") - 1
    assert job.query == ""  # the raw filters are not kept once the file is written
    log = ExportLog.objects.get()
    assert job.log == log and log.rows == job.rows_written and log.list_name == "reference:kelurahan_list"
    assert "q=balikpapan" in log.query and log.user == role_users["dkumkmp"]

    page = officer.get(MINE).content.decode()
    download = reverse("exports:job_download", args=[job.pk])
    assert download in page
    response = officer.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == expected
    assert response["Content-Disposition"].startswith('attachment; filename="kelurahan-')

    # Nobody else can download it, nor see it listed.
    officer.force_login(role_users["bappeda"])
    assert officer.get(download).status_code == 404
    assert download not in officer.get(MINE).content.decode()
    # Nor through the uploaded-files address (smarteconomy.media), not even a superuser (who holds every
    # permission) who knows the name: the file is its requester's alone, and is downloaded only as above.
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    for user in (role_users["bappeda"], role_users["admin"], superuser):
        officer.force_login(user)
        assert officer.get(f"/media/{job.file.name}").status_code == 404, user
    officer.logout()
    assert officer.get(download).status_code == 302


def test_an_xlsx_job_has_the_cells_of_the_streamed_xlsx(officer, settings, django_capture_on_commit_callbacks):
    def cells(content):
        return [[cell.value for cell in row] for row in load_workbook(io.BytesIO(content)).active.iter_rows()]

    expected = cells(streamed(officer, settings, fmt="xlsx", sort="code"))
    settings.EXPORT_INLINE_MAX_ROWS = 10
    export(officer, django_capture_on_commit_callbacks, fmt="xlsx", sort="code")
    job = ExportJob.objects.get()
    assert job.status == ExportJobStatus.SUCCEEDED and job.file.name.endswith(".xlsx")
    assert cells(job_file(job)) == expected and len(expected) == 35


def test_the_job_is_made_in_the_language_of_the_user_who_asked(officer, settings, django_capture_on_commit_callbacks):
    officer.cookies["django_language"] = "en"
    expected = streamed(officer, settings)
    assert expected.startswith("\ufeffKemendagri code".encode())
    settings.EXPORT_INLINE_MAX_ROWS = 10
    export(officer, django_capture_on_commit_callbacks)
    assert job_file(ExportJob.objects.get()) == expected


def test_a_second_export_while_one_is_prepared_is_refused_with_a_pointer_to_it(
    officer, settings, role_users, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 10
    running = make_job(role_users["dkumkmp"], title="Daftar UMKM", rows_expected=100_000, rows_written=40_000)

    response = export(officer, django_capture_on_commit_callbacks, fmt="xlsx")

    assert response.status_code == 302 and response.url == LIST
    message = str(next(iter(get_messages(response.wsgi_request))))
    assert "Daftar UMKM" in message and f"{MINE}#export-{running.pk}" in message
    assert list(ExportJob.objects.all()) == [running]
    assert not ExportLog.objects.exists()
    # Another user is not held up by it.
    officer.force_login(role_users["bappeda"])
    export(officer, django_capture_on_commit_callbacks)
    assert ExportJob.objects.filter(user=role_users["bappeda"], status=ExportJobStatus.SUCCEEDED).exists()


def test_the_database_allows_one_export_in_preparation_per_user(role_users):
    make_job(role_users["dkumkmp"], status=ExportJobStatus.QUEUED)
    make_job(role_users["dkumkmp"], status=ExportJobStatus.FAILED)
    make_job(role_users["bappeda"], status=ExportJobStatus.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_job(role_users["dkumkmp"], status=ExportJobStatus.RUNNING)


def test_an_export_without_progress_for_long_no_longer_blocks_its_user(
    officer, settings, role_users, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 10
    stuck = make_job(role_users["dkumkmp"])
    ExportJob.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - settings.EXPORT_JOB_STALE_AFTER * 2)
    export(officer, django_capture_on_commit_callbacks)
    stuck.refresh_from_db()
    assert stuck.status == ExportJobStatus.FAILED and stuck.error == exportjobs.STOPPED
    assert ExportJob.objects.filter(status=ExportJobStatus.SUCCEEDED).count() == 1


def test_my_exports_shows_the_progress_of_a_running_export(officer, role_users):
    make_job(role_users["dkumkmp"], rows_expected=10_000, rows_written=2_500)
    response = officer.get(MINE)
    page = response.content.decode()
    progress = re.search(r'data-testid="export-progress">([^<]*)<', page).group(1)
    assert "2.500" in progress and "10.000" in progress and "25 %" in progress
    assert 'max="10000" value="2500"' in page
    # While an export is being prepared the page updates itself: the script, or a refresh without JavaScript.
    assert 'data-active="true"' in page and "js/export_jobs.js" in page
    assert '<noscript><meta http-equiv="refresh"' in page


def test_a_running_export_records_its_progress(
    officer, settings, monkeypatch, role_users, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 10
    monkeypatch.setattr(exportjobs, "PROGRESS_EVERY", 10)
    seen = []

    def progress(job_id, written):
        job = ExportJob.objects.get(pk=job_id)
        seen.append((job.status, job.rows_expected, written))

    monkeypatch.setattr(exportjobs, "_progress", progress)
    export(officer, django_capture_on_commit_callbacks)
    assert seen == [(ExportJobStatus.RUNNING, 34, 10), (ExportJobStatus.RUNNING, 34, 20), ("running", 34, 30)]


def test_a_failing_export_shows_failed_and_leaves_no_file(
    officer, settings, monkeypatch, media, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 10

    def broken(table, records):
        yield ["header"]
        raise RuntimeError("database went away")

    monkeypatch.setattr(exportjobs, "table_rows", broken)
    export(officer, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.status == ExportJobStatus.FAILED and job.error == exportjobs.FAILED and not job.file
    assert not any(path.is_file() for path in media.rglob("*"))
    page = officer.get(MINE).content.decode()
    assert 'data-status="failed"' in page and "Gagal" in page
    assert "Ekspor gagal" in page  # the message, in the reader's language
    assert "database went away" not in page
    assert officer.get(reverse("exports:job_download", args=[job.pk])).status_code == 404


def test_an_export_that_cannot_be_queued_fails_at_once(
    officer, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 10
    monkeypatch.setattr("smarteconomy.tasking.enqueue", lambda task, **kwargs: False)
    export(officer, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.status == ExportJobStatus.FAILED and job.error == exportjobs.QUEUE_DOWN


def test_the_task_renders_as_the_user_and_refuses_one_who_lost_the_permission(role_users, media):
    job = make_job(role_users["operator_mall"], path=reverse("exports:log_list"), status=ExportJobStatus.QUEUED)
    exportjobs.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJobStatus.FAILED and job.error == exportjobs.NOT_ALLOWED


def test_a_job_is_run_once(officer, role_users):
    job = make_job(role_users["dkumkmp"], status=ExportJobStatus.FAILED)
    exportjobs.export_job_run(job_id=job.pk)  # a redelivered message, or a job already marked stopped
    job.refresh_from_db()
    assert job.status == ExportJobStatus.FAILED and not job.file


def test_the_user_menu_links_to_my_exports_once_the_user_has_one(
    officer, client, settings, role_users, django_capture_on_commit_callbacks
):
    assert 'data-testid="my-exports"' not in officer.get(LIST).content.decode()
    settings.EXPORT_INLINE_MAX_ROWS = 10
    export(officer, django_capture_on_commit_callbacks)
    assert 'data-testid="my-exports"' in officer.get(LIST).content.decode()
    # ... and after logging in again.
    officer.logout()
    client.post(reverse("login"), {"username": "dkumkmp", "password": "x-test-password-1"})
    assert 'data-testid="my-exports"' in client.get(LIST).content.decode()


def test_housekeeping_deletes_old_export_files(officer, settings, role_users, django_capture_on_commit_callbacks):
    settings.EXPORT_INLINE_MAX_ROWS = 10
    export(officer, django_capture_on_commit_callbacks)
    old = ExportJob.objects.get()
    old_path = old.file.path
    ExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=settings.EXPORT_FILE_RETENTION_DAYS + 1)
    )
    officer.force_login(role_users["bappeda"])
    export(officer, django_capture_on_commit_callbacks)
    recent = ExportJob.objects.get(user=role_users["bappeda"])

    housekeeping.delay().get()

    assert list(ExportJob.objects.all()) == [recent]
    assert not __import__("os").path.exists(old_path) and __import__("os").path.exists(recent.file.path)
    assert ExportLog.objects.count() == 2  # the log of the export is kept
