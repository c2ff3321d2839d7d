"""The shared pages in the permission matrix (see smarteconomy/testing.py)."""

from smarteconomy.choices import ImportStatus, Role
from smarteconomy.models import ExportJob, ImportBatch, Kecamatan, Kelurahan, Sector, TaskRun
from smarteconomy.testing import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Case, everyone

ADMIN_AND_BAPPEDA = {"*": FORBIDDEN, "anonymous": LOGIN, "admin": OK, "bappeda": OK}
ADMIN_ONLY = {"*": FORBIDDEN, "anonymous": LOGIN, "admin": OK}


def kecamatan(users):
    return {"pk": Kecamatan.objects.get_or_create(code="64.71.01", defaults={"name": "Balikpapan Timur"})[0].pk}


def kelurahan(users):
    parent = Kecamatan.objects.get_or_create(code="64.71.01", defaults={"name": "Balikpapan Timur"})[0]
    return {
        "pk": Kelurahan.objects.get_or_create(code="64.71.01.1001", defaults={"name": "Manggar", "kecamatan": parent})[
            0
        ].pk
    }


def sector(users):
    return {
        "pk": Sector.objects.get_or_create(
            code="A", defaults={"order": 1, "name_id": "Pertanian", "name_en": "Agriculture"}
        )[0].pk
    }


def dkumkmp_batch(users):
    batch = ImportBatch.objects.create(
        importer="sample-payments",
        office=Role.DKUMKMP,
        uploaded_by=users["dkumkmp"],
        original_name="x.csv",
        status=ImportStatus.REFUSED,
        errors=[{"row": 2, "column": "amount", "message": "negative"}],
    )
    return {"pk": batch.pk}


def airport_batch(users):
    """A parking log uploaded by the airport's operator: the mall's operator shares the role but not the batch."""
    batch = ImportBatch.objects.create(
        importer="parking-transactions",
        office=Role.PARKING_OPERATOR,
        uploaded_by=users["operator_airport"],
        original_name="sepinggan.csv",
        status=ImportStatus.REFUSED,
        errors=[{"row": 2, "column": "amount", "message": "negative"}],
    )
    return {"pk": batch.pk}


def task_run(users):
    from django.utils import timezone

    return {
        "pk": TaskRun.objects.create(
            task="smarteconomy.housekeeping_run", status="succeeded", started_at=timezone.now()
        ).pk
    }


def dkumkmp_export(users):
    import uuid

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save(f"exports/{uuid.uuid4().hex}.csv", ContentFile("\ufeffNama\r\nManggar\r\n"))
    job = ExportJob.objects.create(
        user=users["dkumkmp"],
        list_name="reference:kelurahan_list",
        title="Kelurahan",
        path="/reference/kelurahan/",
        language="id",
        format="csv",
        filename="kelurahan.csv",
        file=name,
        status="succeeded",
        rows_written=1,
    )
    return {"pk": job.pk}


def applications_submitted(users):
    """October 2025 of DPMPTSP's permit applications, submitted: Bappeda and the administrators approve or return it."""
    from smarteconomy.models import ReportingPeriod
    from smarteconomy.reporting import period_submit

    # Each case starts from an open period, also when one test walks every case in the same database.
    ReportingPeriod.objects.filter(source="licensing.applications", period="2025-10").delete()
    period_submit(source="licensing.applications", period="2025-10", by=users["dpmptsp"])
    return {"code": "licensing.applications", "period": "2025-10", "step": "approve"}


def applications_returnable(users):
    return {**applications_submitted(users), "step": "return"}


def applications_approved(users):
    from smarteconomy.reporting import period_approve

    kwargs = applications_submitted(users)
    period_approve(source="licensing.applications", period="2025-10", by=users["bappeda"])
    return {**kwargs, "step": "reopen"}


def parking_locations(users):
    """The cashless matrix's two locations (the airport's operator runs SEPINGGAN, the mall's BSB), both expected
    to report from 2025."""
    import datetime

    from cashless.models import ParkingLocation
    from cashless.tests.permission_matrix import locations

    locations(users)
    ParkingLocation.objects.filter(code__in=["SEPINGGAN", "BSB"]).update(reporting_since=datetime.date(2025, 1, 1))


def parking_source(users):
    parking_locations(users)
    return {"code": "cashless.parking"}


def parking_submit(users):
    parking_locations(users)
    return {"code": "cashless.parking", "period": "2025-10", "step": "submit"}


# The reporting workflow: a source of another office is a 404 (as if it did not exist); the responsible office
# (or an administrator on its behalf) submits, Bappeda who sees it may not (403); only Bappeda and the
# administrators approve, return and reopen (the responsible office: 403). A step done redirects to the source.
REPORTING_SOURCE = {"*": NOT_FOUND, "anonymous": LOGIN, "dpmptsp": OK, "bappeda": OK, "admin": OK}
REPORTING_SUBMIT = {**REPORTING_SOURCE, "dpmptsp": REDIRECT, "bappeda": FORBIDDEN, "admin": REDIRECT}
REPORTING_DECIDE = {**REPORTING_SOURCE, "dpmptsp": FORBIDDEN, "bappeda": REDIRECT, "admin": REDIRECT}

# Another office's import batch is a 404 (its existence is not revealed); Bappeda and admins read all.
OWN_OFFICE_BATCH = {"*": NOT_FOUND, "anonymous": LOGIN, "dkumkmp": OK, "bappeda": OK, "admin": OK}
OWN_OPERATOR_BATCH = {"*": NOT_FOUND, "anonymous": LOGIN, "operator_airport": OK, "bappeda": OK, "admin": OK}

MATRIX = [
    # Every role starts on its worklist (the home page); Bappeda's links the scorecard first.
    Case("home", everyone(OK)),
    Case("login", everyone(REDIRECT, anonymous=OK)),
    # For the load balancer: no login, and nothing in it but "ok"/"failing" per part.
    Case("health", everyone(OK, anonymous=OK)),
    # The reporting calendar: every role reads it (an office sees its own sources).
    Case("reporting:overview", everyone(OK)),
    Case("reporting:overview", everyone(OK), data={"year": "2025", "export": "csv"}, label="reporting:overview csv"),
    Case("reporting:source", REPORTING_SOURCE, kwargs={"code": "licensing.applications"}),
    Case(
        "reporting:source",
        {"*": NOT_FOUND, "anonymous": LOGIN, "operator_airport": OK, "operator_mall": OK, "bappeda": OK, "admin": OK},
        kwargs=parking_source,
        label="reporting:source parking",
    ),
    Case(
        "reporting:source",
        {"*": NOT_FOUND, "anonymous": LOGIN, "operator_airport": OK, "bappeda": OK, "admin": OK},
        kwargs=parking_source,
        data={"part": "SEPINGGAN"},
        label="reporting:source parking airport",
    ),
    Case(
        "reporting:step",
        REPORTING_SUBMIT,
        kwargs={"code": "licensing.applications", "period": "2025-10", "step": "submit"},
        method="post",
    ),
    Case(
        "reporting:step",
        # Only the airport's operator submits the airport; the mall's does not see it; Bappeda may not submit.
        {"*": NOT_FOUND, "anonymous": LOGIN, "operator_airport": REDIRECT, "bappeda": FORBIDDEN, "admin": REDIRECT},
        kwargs=parking_submit,
        method="post",
        data={"part": "SEPINGGAN"},
        label="reporting:step parking submit",
    ),
    Case(
        "reporting:step", REPORTING_DECIDE, kwargs=applications_submitted, method="post", label="reporting:step approve"
    ),
    Case(
        "reporting:step",
        REPORTING_DECIDE,
        kwargs=applications_returnable,
        method="post",
        data={"reason": "Lampiran kurang"},
        label="reporting:step return",
    ),
    Case(
        "reporting:step",
        REPORTING_DECIDE,
        kwargs=applications_approved,
        method="post",
        data={"reason": "Koreksi"},
        label="reporting:step reopen",
    ),
    Case(
        "reporting:step",
        everyone(NOT_ALLOWED),
        kwargs={"code": "licensing.applications", "period": "2025-10", "step": "approve"},
        label="reporting:step (GET)",
    ),
    Case("logout", everyone(LOGIN), method="post"),
    Case("logout", everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED), label="logout (GET)"),
    Case("password_change", everyone(OK)),
    Case("password_change_done", everyone(OK)),
    Case("set_language", everyone(REDIRECT, anonymous=REDIRECT), method="post", data={"language": "en"}),
    Case("reference:kelurahan_list", everyone(OK)),
    Case("reference:kelurahan_detail", everyone(OK), kwargs=kelurahan),
    Case("reference:kecamatan_detail", everyone(OK), kwargs=kecamatan),
    Case("reference:sector_list", everyone(OK)),
    Case("reference:sector_detail", everyone(OK), kwargs=sector),
    Case("imports:batch_list", everyone(OK)),
    Case("imports:batch_detail", OWN_OFFICE_BATCH, kwargs=dkumkmp_batch),
    Case("imports:batch_errors", OWN_OFFICE_BATCH, kwargs=dkumkmp_batch),
    Case("imports:batch_detail", OWN_OPERATOR_BATCH, kwargs=airport_batch, label="imports:batch_detail operator"),
    Case("imports:batch_errors", OWN_OPERATOR_BATCH, kwargs=airport_batch, label="imports:batch_errors operator"),
    Case("imports:upload", ADMIN_ONLY, kwargs={"importer": "wilayah"}),
    Case("imports:upload", ADMIN_ONLY, kwargs={"importer": "sectors"}, label="imports:upload sectors"),
    Case(
        "imports:upload",
        {"*": NOT_FOUND, "anonymous": LOGIN},
        kwargs={"importer": "no-such-import"},
        label="imports:upload unknown",
    ),
    Case("imports:template", ADMIN_ONLY, kwargs={"importer": "wilayah"}),
    Case("exports:log_list", ADMIN_AND_BAPPEDA),
    # Everyone's own background exports; a file is downloaded by the user who asked for it only.
    Case("exports:job_list", everyone(OK)),
    Case("exports:job_download", {"*": NOT_FOUND, "anonymous": LOGIN, "dkumkmp": OK}, kwargs=dkumkmp_export),
    Case("tasks:run_list", ADMIN_AND_BAPPEDA),
    Case("tasks:run_detail", ADMIN_AND_BAPPEDA, kwargs=task_run),
    # The back office: only the administrators are staff; everyone else is sent to the admin login.
    Case("admin:index", {"*": REDIRECT, "anonymous": REDIRECT, "admin": OK}),
    # Uploaded files: served only with their record (smarteconomy/tests/test_uploads.py); no record, no file.
    Case("media", {"*": NOT_FOUND, "anonymous": LOGIN}, kwargs={"path": "imports/2026/01/none.csv"}),
]
