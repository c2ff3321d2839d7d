"""The permit importer: every bad row is reported with its row and column, and nothing is written."""

import io
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from licensing import importers
from licensing.models import PermitApplication, PermitStatusChange, PermitType
from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import

HEADER = (
    "registration_number,applicant_name,applicant_kind,nib,kbli_codes,permit_type,channel,kelurahan,"
    "submitted_at,status,decided_at,issued_at,oss_reference"
)
GOOD = [
    'SPT-1,CV Maju,company,9120001234567,"47111,56101",pbg,spontan,,2025-08-04 09:00,,,,',
    "SPT-2,Budi Santoso,person,,,pbg,counter,,2025-08-05 10:00,rejected,2025-08-07 11:00,,",
    "OSS-3,PT Teluk,company,9120001234568,47111,pbg,oss,,2025-08-06 08:30,issued,2025-08-08 14:00,"
    "2025-08-11 09:00,OSS-REF-9",
]


def csv(*rows):
    return ("\n".join([HEADER, *rows]) + "\n").encode()


@pytest.fixture
def permit_type(db):
    return PermitType.objects.create(
        code="pbg", name="Persetujuan Bangunan Gedung", service_level_days=5, risk_level="menengah_rendah"
    )


@pytest.fixture
def officer(role_users):
    return role_users["dpmptsp"]


def do_import(data, user):
    with translation.override("en"):
        return run_import("permits", data=data, filename="permits.csv", user=user)


def errors(batch):
    return [(error["row"], error["column"], error["message"]) for error in batch.errors]


def test_a_good_file_is_recorded_through_the_workflow(permit_type, officer):
    batch = do_import(csv(*GOOD), officer)
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert (batch.rows_created, batch.rows_updated) == (3, 0)
    first = PermitApplication.objects.get(registration_number="SPT-1")
    assert (first.status, first.kbli_codes, first.nib) == ("submitted", "47111,56101", "9120001234567")
    issued = PermitApplication.objects.get(registration_number="OSS-3")
    assert issued.status == "issued"
    assert issued.decided_at == timezone.make_aware(datetime(2025, 8, 8, 14))
    assert issued.issued_at == timezone.make_aware(datetime(2025, 8, 11, 9))
    steps = list(issued.changes.values_list("to_status", "by"))
    assert steps == [
        ("submitted", officer.pk),
        ("verification", officer.pk),
        ("approved", officer.pk),
        ("issued", officer.pk),
    ]
    rejected = PermitApplication.objects.get(registration_number="SPT-2")
    assert [c.to_status for c in rejected.changes.all()] == ["submitted", "verification", "rejected"]
    # The export has no reason for the rejection: the timeline says it was not recorded rather than invent one.
    assert rejected.changes.last().reason == "not_recorded"


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("SPT-9,CV X,company,,,no-such-type,spontan,,2025-08-04 09:00,,,,", "permit_type", "Unknown permit type"),
        ("SPT-9,CV X,company,12345,,pbg,spontan,,2025-08-04 09:00,,,,", "nib", "13 digits"),
        (
            "SPT-9,CV X,company,,,pbg,spontan,,2025-08-04 09:00,approved,2025-08-01 09:00,,",
            "decided_at",
            "before the submission",
        ),
        ("SPT-9,CV X,company,,4711,pbg,spontan,,2025-08-04 09:00,,,,", "kbli_codes", "5 digits"),
    ],
)
def test_a_bad_row_is_reported_and_nothing_is_written(permit_type, officer, row, column, message):
    batch = do_import(csv(GOOD[0], row), officer)
    assert batch.status == ImportStatus.REFUSED
    assert len(batch.errors) == 1
    error_row, error_column, error_message = errors(batch)[0]
    assert (error_row, error_column) == (3, column)
    assert message in error_message
    assert PermitApplication.objects.count() == 0


def test_a_registration_number_twice_in_the_file_is_refused(permit_type, officer):
    batch = do_import(csv(GOOD[0], GOOD[1], GOOD[0]), officer)
    assert batch.status == ImportStatus.REFUSED
    assert errors(batch)[0][:2] == (4, "registration_number")
    assert "Duplicate of row 2" in errors(batch)[0][2]
    assert PermitApplication.objects.count() == 0


def test_reimport_of_identical_rows_changes_nothing_and_a_changed_row_is_refused(permit_type, officer):
    assert do_import(csv(*GOOD), officer).status == ImportStatus.COMMITTED
    changes = PermitStatusChange.objects.count()
    again = do_import(csv(*GOOD), officer)
    assert again.status == ImportStatus.COMMITTED
    assert (again.rows_created, again.rows_updated) == (0, 0)
    changed = GOOD[0].replace(",,,,", ",approved,2025-08-05 09:00,,")
    refused = do_import(csv(changed, "SPT-4,CV Baru,company,,,pbg,oss,,2025-08-06 09:00,,,,"), officer)
    assert refused.status == ImportStatus.REFUSED
    assert errors(refused)[0][:2] == (2, "registration_number")
    assert "already recorded" in errors(refused)[0][2]
    assert PermitApplication.objects.count() == 3
    assert PermitStatusChange.objects.count() == changes
    assert PermitApplication.objects.get(registration_number="SPT-1").status == "submitted"


def test_a_service_refusal_while_saving_writes_nothing(permit_type, officer, monkeypatch):
    real = importers.permit_application_transition

    def refuse_issue(**kwargs):
        if kwargs["to_status"] == "issued":
            raise ValidationError("refused by the workflow")
        return real(**kwargs)

    monkeypatch.setattr(importers, "permit_application_transition", refuse_issue)
    batch = do_import(csv(*GOOD), officer)
    assert batch.status == ImportStatus.FAILED
    assert "refused by the workflow" in batch.message
    assert PermitApplication.objects.count() == 0
    assert PermitStatusChange.objects.count() == 0


def test_the_command_uses_the_same_importer(permit_type, officer, tmp_path):
    path = tmp_path / "permits.csv"
    path.write_bytes(csv(*GOOD))
    out = io.StringIO()
    call_command("import_permits", str(path), "--dry-run", stdout=out)
    assert "valid" in out.getvalue() and PermitApplication.objects.count() == 0
    call_command("import_permits", str(path), "--user", "dpmptsp", stdout=out)
    assert PermitApplication.objects.count() == 3
