"""The DPMPTSP pages: the queue's filters and exports, the workflow buttons, the entry form, the menu."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from licensing.models import PermitApplication, PermitStatusChange, PermitType, ServiceDisruption
from licensing.services import permit_application_create, permit_application_transition
from smarteconomy.menu import menu_for
from smarteconomy.models import Kelurahan

LIST = reverse("licensing:application_list")


@pytest.fixture(autouse=True)
def _english(client):
    """The assertions read the English msgids: the user chose English (the product starts in Indonesian)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def permit_type(db):
    return PermitType.objects.create(
        code="pbg", name="Persetujuan Bangunan Gedung", service_level_days=5, risk_level="rendah"
    )


@pytest.fixture
def officer(role_users, client):
    client.force_login(role_users["dpmptsp"])
    return role_users["dpmptsp"]


def make(permit_type, number, *, submitted=None, **extra):
    fields = {
        "registration_number": number,
        "applicant_name": "CV Maju Jaya",
        "applicant_kind": "company",
        "nib": "1234567890123",
        "permit_type": permit_type,
        "channel": "spontan",
        "submitted_at": submitted or timezone.now() - timedelta(minutes=5),
    }
    fields.update(extra)
    return permit_application_create(**fields)


def numbers(response):
    return {row.record.registration_number for row in response.context["table"].rows}


def test_the_queue_filters_by_status_overdue_and_search(client, officer, permit_type):
    long_ago = timezone.make_aware(datetime(2025, 1, 6, 9))
    late = make(permit_type, "REG-LATE", submitted=long_ago, applicant_name="Toko Lama")
    make(permit_type, "REG-FRESH", applicant_name="Warung Baru", oss_reference="OSS-777")
    decided = make(permit_type, "REG-DONE", submitted=long_ago, applicant_name="PT Selesai")
    permit_application_transition(
        application=decided, to_status="rejected", reason="requirements", at=long_ago + timedelta(days=1)
    )
    returned = make(permit_type, "REG-BACK", submitted=long_ago, applicant_name="CV Kembali", nib="9999999999999")
    permit_application_transition(application=returned, to_status="verification", at=long_ago + timedelta(hours=1))
    permit_application_transition(
        application=returned, to_status="returned", reason="wrong_file", at=long_ago + timedelta(hours=2)
    )

    assert numbers(client.get(LIST)) == {"REG-LATE", "REG-FRESH", "REG-DONE", "REG-BACK"}
    assert numbers(client.get(LIST, {"status": "rejected"})) == {"REG-DONE"}
    # Overdue: open and past the service level in working days. A decided application is never overdue; a
    # returned one's clock stopped on the day it was returned (the same day it was submitted here).
    assert numbers(client.get(LIST, {"overdue": "true"})) == {"REG-LATE"}
    assert numbers(client.get(LIST, {"overdue": "false"})) == {"REG-FRESH", "REG-DONE", "REG-BACK"}
    assert numbers(client.get(LIST, {"q": "oss-777"})) == {"REG-FRESH"}
    assert numbers(client.get(LIST, {"q": "9999999999"})) == {"REG-BACK"}
    assert numbers(client.get(LIST, {"q": "warung"})) == {"REG-FRESH"}
    assert numbers(client.get(LIST, {"status": "submitted", "overdue": "true", "q": "lama"})) == {"REG-LATE"}

    page = client.get(LIST).content.decode()
    assert "working days overdue" in page and "text-bg-danger" in page
    detail = client.get(late.get_absolute_url()).content.decode()
    assert "working days overdue" in detail
    # The returned application's clock is paused: grey, with the working days it had left when it was returned.
    row = next(line for line in page.split("<tr") if "REG-BACK" in line)
    assert "text-bg-secondary" in row and "paused," in row and "working days left" in row
    assert (
        "paused while the application is with the applicant" in client.get(returned.get_absolute_url()).content.decode()
    )


def test_the_queue_costs_the_same_queries_for_5_and_40_applications(client, officer, permit_type):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST, {"per_page": 50})
        assert response.status_code == 200
        return len(captured), len(response.context["table"].rows)

    for n in range(5):
        make(permit_type, f"REG-{n:03}")
    queries()  # the user's first page (with Redis, it caches their permissions and role: smarteconomy.backends)
    few, rows_few = queries()
    for n in range(5, 40):
        make(permit_type, f"REG-{n:03}")
    many, rows_many = queries()
    assert (rows_few, rows_many) == (5, 40)
    assert few == many, f"{few} queries for 5 rows, {many} for 40"


def test_an_allowed_step_changes_the_status_and_a_refused_one_writes_nothing(client, officer, permit_type):
    application = make(permit_type, "REG-1")
    url = reverse("licensing:application_transition", args=[application.pk])

    response = client.post(url, {"to_status": "verification"})
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    application.refresh_from_db()
    assert application.status == "verification"
    assert application.changes.last().by == officer

    before = (PermitStatusChange.objects.count(), application.history.count())
    response = client.post(url, {"to_status": "issued"})
    assert response.status_code == 302
    assert any("cannot become" in str(m) for m in get_messages(response.wsgi_request))
    response = client.post(url, {"to_status": "returned"})  # a return needs a reason
    assert any("why" in str(m) for m in get_messages(response.wsgi_request))
    application.refresh_from_db()
    assert application.status == "verification"
    assert (PermitStatusChange.objects.count(), application.history.count()) == before

    client.post(url, {"to_status": "returned", "reason": "wrong_file", "note": "KTP missing"})
    application.refresh_from_db()
    assert application.status == "returned"
    page = client.get(application.get_absolute_url()).content.decode()
    assert "KTP missing" in page and 'data-testid="transition-resubmitted"' in page
    assert 'data-testid="transition-approved"' not in page


def test_reject_is_not_a_button_beside_approve_but_a_confirmation_page_that_requires_a_reason(
    client, officer, permit_type
):
    application = make(permit_type, "REG-1")
    permit_application_transition(application=application, to_status="verification", by=officer)
    detail = application.get_absolute_url()
    page = client.get(detail).content.decode()
    assert 'data-testid="transition-approved"' in page
    assert 'data-testid="transition-rejected"' not in page  # no one-click rejection
    reject_url = reverse("licensing:application_reject", args=[application.pk])
    assert f'href="{reject_url}"' in page and "btn-outline-danger" in page

    # The one-click path is closed: a rejection posted to the workflow buttons' address is refused.
    before = (PermitStatusChange.objects.count(), application.history.count())
    transition = reverse("licensing:application_transition", args=[application.pk])
    response = client.post(transition, {"to_status": "rejected", "reason": "other", "note": "x"})
    assert response.status_code == 302
    assert any("own page" in str(m) for m in get_messages(response.wsgi_request))

    response = client.get(reject_url)
    assert response.status_code == 200
    form_page = response.content.decode()
    assert 'data-testid="reject-form"' in form_page and "btn-danger" in form_page
    response = client.post(reject_url, {"reason": "", "note": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(reject_url, {"reason": "other", "note": ""})
    assert response.status_code == 200 and "Explain the rejection" in " ".join(response.context["form"].errors["note"])
    application.refresh_from_db()
    assert application.status == "verification"
    assert (PermitStatusChange.objects.count(), application.history.count()) == before

    response = client.post(reject_url, {"reason": "requirements", "note": "Surat domisili tidak ada"})
    assert response.status_code == 302 and response["Location"] == detail
    application.refresh_from_db()
    assert application.status == "rejected"
    change = application.changes.last()
    assert (change.to_status, change.reason, change.note, change.by) == (
        "rejected",
        "requirements",
        "Surat domisili tidak ada",
        officer,
    )
    page = client.get(detail).content.decode()
    assert "Requirements not met" in page and "Surat domisili tidak ada" in page  # on the timeline
    assert client.get(reject_url).status_code == 302  # closed: nothing left to reject


def test_dpmptsp_corrects_an_applications_data_with_history_and_the_status_stays(client, officer, permit_type):
    from smarteconomy.models import DirtyPeriod

    other_type = PermitType.objects.create(code="siup", name="Izin usaha", service_level_days=3, risk_level="rendah")
    submitted = timezone.make_aware(datetime(2025, 8, 4, 9))
    application = make(permit_type, "REG-1", submitted=submitted)
    make(permit_type, "REG-2", submitted=submitted)
    permit_application_transition(application=application, to_status="verification", by=officer)
    detail = application.get_absolute_url()
    url = reverse("licensing:application_edit", args=[application.pk])
    assert f'href="{url}"' in client.get(detail).content.decode()
    form = client.get(url).context["form"]
    assert "status" not in form.fields and "submitted_at" not in form.fields
    data = {
        "registration_number": "REG-1",
        "applicant_name": "CV Maju Jaya Abadi",
        "applicant_kind": "company",
        "nib": "1234567890999",
        "kbli_codes": "47111",
        "permit_type": other_type.pk,
        "channel": "counter",
        "kelurahan": "",
        "oss_reference": "",
    }
    history = application.history.count()

    # Invalid input: a clear error on the field, nothing changed.
    for bad, field, message in [
        ({"nib": "12345"}, "nib", "13 digits"),
        ({"registration_number": "REG-2"}, "registration_number", "already exists"),
        ({"applicant_name": ""}, "applicant_name", "required"),
    ]:
        response = client.post(url, {**data, **bad})
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors[field])
    application.refresh_from_db()
    assert (application.applicant_name, application.nib, application.channel) == (
        "CV Maju Jaya",
        "1234567890123",
        "spontan",
    )
    assert application.history.count() == history

    DirtyPeriod.objects.all().delete()
    response = client.post(url, {**data, "status": "issued"})  # the status is not on the form: ignored
    assert response.status_code == 302 and response["Location"] == detail
    application.refresh_from_db()
    assert application.applicant_name == "CV Maju Jaya Abadi" and application.nib == "1234567890999"
    assert application.permit_type == other_type and application.channel == "counter"
    assert application.status == "verification" and application.changes.count() == 2
    latest = application.history.latest()
    assert application.history.count() == history + 1
    assert latest.history_type == "~" and latest.history_user == officer
    assert set(DirtyPeriod.objects.values_list("source", "period")) >= {("licensing.applications", "2025-08")}
    page = client.get(detail).content.decode()
    assert "CV Maju Jaya Abadi" in page and "<del>CV Maju Jaya</del>" in page  # the change history shows it

    client.post(url, {**data, "status": "issued"})  # the same values again: no empty history row
    assert application.history.count() == history + 1


def test_the_correction_service_refuses_the_status_and_invalid_values(officer, permit_type):
    from django.core.exceptions import ValidationError

    from licensing.services import permit_application_update

    application = make(permit_type, "REG-1")
    history = application.history.count()
    with pytest.raises(TypeError, match="status"):
        permit_application_update(application=application, by=officer, status="issued")
    with pytest.raises(ValidationError) as refused:
        permit_application_update(application=application, by=officer, applicant_name="Baru", kbli_codes="4711")
    assert "kbli_codes" in refused.value.error_dict
    application.refresh_from_db()
    assert application.status == "submitted" and application.applicant_name == "CV Maju Jaya"
    assert application.history.count() == history


def test_bappeda_reads_an_application_without_workflow_buttons(client, role_users, permit_type):
    application = make(permit_type, "REG-1")
    client.force_login(role_users["bappeda"])
    page = client.get(application.get_absolute_url()).content.decode()
    assert 'data-testid="timeline"' in page and 'data-testid="transition-' not in page
    assert 'data-testid="reject-link"' not in page and 'data-testid="edit"' not in page
    response = client.post(
        reverse("licensing:application_transition", args=[application.pk]), {"to_status": "rejected"}
    )
    assert response.status_code == 403


def test_the_entry_form_shows_errors_and_records_a_submitted_application(client, officer, permit_type):
    url = reverse("licensing:application_add")
    data = {
        "registration_number": "REG-NEW",
        "applicant_name": "Toko Sinar",
        "applicant_kind": "person",
        "nib": "12345",
        "kbli_codes": "4711",
        "permit_type": permit_type.pk,
        "channel": "counter",
        "submitted_at": "2025-08-04T09:00",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "13 digits" in " ".join(form.errors["nib"]) and "5 digits" in " ".join(form.errors["kbli_codes"])
    assert "13 digits" in response.content.decode()
    assert PermitApplication.objects.count() == 0 and PermitStatusChange.objects.count() == 0

    response = client.post(url, {**data, "submitted_at": "2999-01-01T09:00", "nib": "1234567890123", "kbli_codes": ""})
    assert response.status_code == 200 and "future" in " ".join(response.context["form"].errors["submitted_at"])

    response = client.post(url, {**data, "nib": "1234567890123", "kbli_codes": "47111,56101"})
    application = PermitApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    assert application.status == "submitted" and application.history.latest().history_user == officer
    assert list(application.changes.values_list("to_status", flat=True)) == ["submitted"]

    response = client.post(url, {**data, "nib": "1234567890123", "kbli_codes": ""})  # same number again
    assert response.status_code == 200 and "registration_number" in response.context["form"].errors


def test_the_queue_exports_csv_with_the_deadline_clock(client, officer, permit_type):
    make(permit_type, "REG-LATE", submitted=timezone.make_aware(datetime(2025, 1, 6, 9)))
    make(permit_type, "REG-FRESH")
    response = client.get(LIST, {"export": "csv", "overdue": "true"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Registration number" and rows[0][-1] == "Deadline clock"
    assert len(rows) == 2 and rows[1][0] == "REG-LATE"
    assert int(rows[1][-1]) < 0  # working days left, negative: overdue


def test_the_menu_follows_the_permissions(role_users):
    def labels(role):
        return [label for section, entries in menu_for(role_users[role]) for label, _url, _active in entries]

    assert {"Queue", "Add application", "Service disruptions", "Permit types"} <= set(labels("dpmptsp"))
    assert "Queue" in labels("bappeda") and "Add application" not in labels("bappeda")
    assert "Queue" not in labels("dkumkmp") and "Queue" not in labels("operator_mall")


def test_a_disruption_is_recorded_and_edited_through_the_service(client, officer):
    response = client.post(
        reverse("licensing:disruption_add"),
        {"system": "oss", "started_at": "2025-08-04T09:00", "ended_at": "2025-08-04T08:00", "impact": "OSS down"},
    )
    assert response.status_code == 200 and response.context["form"].errors  # ends before it starts
    response = client.post(
        reverse("licensing:disruption_add"), {"system": "oss", "started_at": "2025-08-04T09:00", "impact": "OSS down"}
    )
    assert response.status_code == 302
    disruption = ServiceDisruption.objects.get()
    response = client.post(
        reverse("licensing:disruption_edit", args=[disruption.pk]),
        {"system": "oss", "started_at": "2025-08-04T09:00", "ended_at": "2025-08-04T11:30", "impact": "OSS down"},
    )
    assert response.status_code == 302
    disruption.refresh_from_db()
    assert disruption.duration == timedelta(hours=2, minutes=30)
    assert disruption.history.latest().history_user == officer
    page = client.get(reverse("licensing:disruption_list")).content.decode()
    assert "2 h 30 min" in page


def test_the_queue_stays_within_its_queries_with_250_rows_on_a_page(
    client, officer, permit_type, reference_data, django_assert_max_num_queries
):
    """A full page of the largest size, every row with a kelurahan and a status history, and the filters of
    the queue: a fixed number of queries (no query per row)."""
    kelurahan = list(Kelurahan.objects.all())
    now = timezone.now()
    applications = PermitApplication.objects.bulk_create(
        PermitApplication(
            registration_number=f"BULK-{n:04}",
            applicant_name=f"Pemohon {n}",
            applicant_kind="person",
            permit_type=permit_type,
            kelurahan=kelurahan[n % len(kelurahan)],
            channel="spontan",
            submitted_at=now - timedelta(hours=n),
            status="verification",
        )
        for n in range(300)
    )
    PermitStatusChange.objects.bulk_create(
        PermitStatusChange(application=application, from_status=before, to_status=after, at=application.submitted_at)
        for application in applications
        for before, after in (("", "submitted"), ("submitted", "verification"))
    )
    for params in (
        {},
        {"status": "verification", "sort": "-submitted_at"},
        {"kecamatan_id": kelurahan[0].kecamatan_id},
    ):
        with django_assert_max_num_queries(14):  # 13, and one more to validate a kecamatan filter
            response = client.get(LIST, {"per_page": 250, **params})
        assert response.status_code == 200 and len(response.context["table"].rows) >= 300 // 34
