"""The lock of an approved period on every write path of the licensing office's two sources (applications and
disruptions): the entry forms, the record actions, the importer (every locked row listed), the back office; nothing
written and no period made dirty, until Bappeda reopens the period; and the workflow steps deliberately classified
as data of the day they are taken."""

from datetime import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from licensing.models import PermitApplication, PermitStatusChange, PermitType, ServiceDisruption
from licensing.services import (
    APPLICATIONS_SOURCE,
    DISRUPTIONS_SOURCE,
    permit_application_create,
    permit_application_transition,
    service_disruption_save,
)
from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import
from smarteconomy.sources import PeriodLocked
from smarteconomy.testing_locks import dirty_periods, flash, lock_period, reopen_period, says_locked, superuser

HEADER = (
    "registration_number,applicant_name,applicant_kind,nib,kbli_codes,permit_type,channel,kelurahan,"
    "submitted_at,status,decided_at,issued_at,oss_reference"
)


def at(year, month, day, hour=9):
    return timezone.make_aware(datetime(year, month, day, hour))


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def permit_type(db):
    return PermitType.objects.create(
        code="pbg", name="Persetujuan Bangunan Gedung", service_level_days=5, risk_level="rendah"
    )


@pytest.fixture
def october(role_users, permit_type):
    """An application of October 2025, then October locked by Bappeda."""
    application = permit_application_create(
        registration_number="REG-OKT",
        applicant_name="CV Maju",
        applicant_kind="company",
        permit_type=permit_type,
        channel="spontan",
        submitted_at=at(2025, 10, 6),
    )
    lock_period(APPLICATIONS_SOURCE, "2025-10", role_users)
    return application


def test_the_entry_form_and_the_correction_form_refuse_a_locked_month(client, role_users, october, permit_type):
    client.force_login(role_users["dpmptsp"])
    dirty = dirty_periods()
    data = {
        "registration_number": "REG-NEW",
        "applicant_name": "Toko Baru",
        "applicant_kind": "person",
        "nib": "",
        "kbli_codes": "",
        "permit_type": permit_type.pk,
        "channel": "counter",
        "kelurahan": "",
        "submitted_at": "2025-10-20T10:00",
        "oss_reference": "",
    }
    response = client.post(reverse("licensing:application_add"), data)
    assert response.status_code == 200
    refusal = " ".join(response.context["form"].non_field_errors())
    assert says_locked(refusal, "2025-10") and "Permit applications" in refusal and "bappeda" in refusal
    assert not PermitApplication.objects.filter(registration_number="REG-NEW").exists()

    edit = reverse("licensing:application_edit", args=[october.pk])
    correction = {**data, "registration_number": "REG-OKT", "applicant_name": "CV Maju Jaya"}
    del correction["submitted_at"]
    response = client.post(edit, correction)
    assert response.status_code == 200
    assert says_locked(" ".join(response.context["form"].non_field_errors()), "2025-10")
    october.refresh_from_db()
    assert october.applicant_name == "CV Maju" and october.history.count() == 1
    assert dirty_periods() == dirty

    reopen_period(APPLICATIONS_SOURCE, "2025-10", role_users)
    assert client.post(reverse("licensing:application_add"), data).status_code == 302
    assert client.post(edit, correction).status_code == 302
    october.refresh_from_db()
    assert october.applicant_name == "CV Maju Jaya"


def test_a_workflow_step_taken_today_is_data_of_today_not_of_the_locked_month(client, role_users, october):
    """Deliberate: the office keeps processing an application of an approved month (mark_dirty's consequences);
    a step backdated into the locked month is refused (service level, tested in test_reporting style)."""
    with pytest.raises(PeriodLocked):
        permit_application_transition(application=october, to_status="verification", at=at(2025, 10, 30))
    october.refresh_from_db()
    assert october.status == "submitted" and october.changes.count() == 1

    client.force_login(role_users["dpmptsp"])
    response = client.post(
        reverse("licensing:application_transition", args=[october.pk]), {"to_status": "verification"}
    )
    assert response.status_code == 302
    october.refresh_from_db()
    assert october.status == "verification" and october.changes.count() == 2


def test_the_importer_lists_every_row_in_the_locked_month_and_writes_nothing(role_users, october):
    rows = [
        "SPT-1,CV Satu,company,,,pbg,spontan,,2025-09-30 09:00,,,,",  # September: open
        "SPT-2,CV Dua,company,,,pbg,spontan,,2025-10-01 08:00,,,,",  # October: locked
        "SPT-3,CV Tiga,company,,,pbg,spontan,,2025-09-29 09:00,approved,2025-10-02 10:00,,",  # decided in October
        "SPT-4,CV Empat,company,,,pbg,spontan,,2025-11-03 09:00,,,,",
        # October's application already recorded unchanged: it writes nothing and is not refused.
        "REG-OKT,CV Maju,company,,,pbg,spontan,,2025-10-06 09:00,,,,",
    ]
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    dirty = dirty_periods()
    batch = run_import("permits", data=data, filename="permits.csv", user=role_users["dpmptsp"])
    assert batch.status == ImportStatus.REFUSED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "submitted_at"), (4, "decided_at")]
    assert all(says_locked(e["message"], "2025-10") and e["code"] == "period_locked" for e in batch.errors)
    assert "nothing was written" in batch.message
    assert PermitApplication.objects.count() == 1 and PermitStatusChange.objects.count() == 1
    assert dirty_periods() == dirty

    dry = run_import("permits", data=data, filename="permits.csv", user=role_users["dpmptsp"], dry_run=True)
    assert dry.status == ImportStatus.REFUSED and len(dry.errors) == 2  # a check says so before any upload

    reopen_period(APPLICATIONS_SOURCE, "2025-10", role_users)
    batch = run_import("permits", data=data, filename="permits.csv", user=role_users["dpmptsp"])
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert PermitApplication.objects.count() == 5


def test_the_back_office_refuses_a_delete_with_a_message(client, role_users, october, make_user):
    client.force_login(superuser(make_user))
    delete = reverse("admin:licensing_permitapplication_delete", args=[october.pk])
    response = client.post(delete, {"post": "yes"})
    assert response.status_code == 302
    assert says_locked(flash(client, response), "2025-10")
    assert PermitApplication.objects.filter(pk=october.pk).exists()

    changelist = reverse("admin:licensing_permitapplication_changelist")
    response = client.post(changelist, {"action": "delete_selected", "_selected_action": [october.pk], "post": "yes"})
    assert response.status_code == 302 and says_locked(flash(client, response), "2025-10")
    assert PermitApplication.objects.filter(pk=october.pk).exists()

    reopen_period(APPLICATIONS_SOURCE, "2025-10", role_users)
    client.post(delete, {"post": "yes"})
    assert not PermitApplication.objects.filter(pk=october.pk).exists()


def test_disruptions_locked_form_and_admin_but_a_running_one_may_be_closed(client, role_users, make_user):
    running = service_disruption_save(system="oss", started_at=at(2025, 10, 28), impact="OSS down")
    closed = service_disruption_save(
        system="spontan", started_at=at(2025, 10, 3), ended_at=at(2025, 10, 3, 15), impact="Spontan down"
    )
    lock_period(DISRUPTIONS_SOURCE, "2025-10", role_users)
    client.force_login(role_users["dpmptsp"])
    edit = reverse("licensing:disruption_edit", args=[closed.pk])
    data = {"system": "spontan", "started_at": "2025-10-03T09:00", "ended_at": "2025-10-03T17:00", "impact": "x"}
    response = client.post(edit, data)
    assert response.status_code == 200
    assert says_locked(" ".join(response.context["form"].non_field_errors()), "2025-10")
    closed.refresh_from_db()
    assert timezone.localtime(closed.ended_at).hour == 15

    # Closing the running one today changes no month before today: allowed (the locked October unchanged).
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("licensing:disruption_edit", args=[running.pk]),
        {"system": "oss", "started_at": "2025-10-28T09:00", "ended_at": now, "impact": "OSS down"},
    )
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.ended_at is not None

    client.force_login(superuser(make_user))
    admin_change = reverse("admin:licensing_servicedisruption_change", args=[closed.pk])
    admin_data = {
        "system": "spontan",
        "started_at_0": "2025-10-03",
        "started_at_1": "09:00:00",
        "ended_at_0": "2025-10-03",
        "ended_at_1": "18:00:00",
        "impact": "changed",
        "follow_up": "",
        "responsible_unit": "",
    }
    response = client.post(admin_change, admin_data)
    assert response.status_code == 302 and says_locked(flash(client, response), "2025-10")
    closed.refresh_from_db()
    assert timezone.localtime(closed.ended_at).hour == 15

    # The back office may move the end of the one closed above to today, as the office's form may (no locked
    # month changes); moving its start is refused.
    running.refresh_from_db()
    running_change = reverse("admin:licensing_servicedisruption_change", args=[running.pk])
    now = timezone.localtime()
    running_data = {
        **admin_data,
        "system": "oss",
        "started_at_0": "2025-10-28",
        "started_at_1": "09:00:00",
        "ended_at_0": now.strftime("%Y-%m-%d"),
        "ended_at_1": now.strftime("%H:%M:%S"),
    }
    response = client.post(running_change, running_data)
    assert response.status_code == 302 and not says_locked(flash(client, response), "2025-10")
    response = client.post(running_change, {**running_data, "started_at_0": "2025-10-27"})
    assert says_locked(flash(client, response), "2025-10")
    running.refresh_from_db()
    assert timezone.localtime(running.started_at).day == 28

    reopen_period(DISRUPTIONS_SOURCE, "2025-10", role_users)
    assert client.post(admin_change, admin_data).status_code == 302
    closed.refresh_from_db()
    assert timezone.localtime(closed.ended_at).hour == 18 and ServiceDisruption.objects.count() == 2


def test_the_upload_page_shows_each_locked_row(client, role_users, october):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(role_users["dpmptsp"])
    rows = ["SPT-9,CV Sembilan,company,,,pbg,spontan,,2025-10-09 09:00,,,,"]
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    response = client.post(
        reverse("imports:upload", args=["permits"]),
        {"file": SimpleUploadedFile("permits.csv", data, content_type="text/csv")},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "is locked" in page and "2025-10" in page and "submitted_at" in page and "bappeda" in page
    assert not PermitApplication.objects.filter(registration_number="SPT-9").exists()
