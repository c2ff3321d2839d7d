"""The licensing pages in the permission matrix (see smarteconomy/testing.py).

DPMPTSP keeps these records; Bappeda and the administrators read them; the other offices have no view
permission, so PermissionRequiredMixin refuses them (403) before any record is looked up."""

from datetime import datetime

from django.utils import timezone

from licensing.models import PermitType, ServiceDisruption
from licensing.services import permit_application_create, permit_application_transition
from licensing.survey import survey_token
from smarteconomy.testing import FORBIDDEN, LOGIN, NOT_ALLOWED, OK, REDIRECT, Case, everyone

READ = {"*": FORBIDDEN, "anonymous": LOGIN, "dpmptsp": OK, "bappeda": OK, "admin": OK}
WRITE_FORM = {"*": FORBIDDEN, "anonymous": LOGIN, "dpmptsp": OK}
WRITE = {"*": FORBIDDEN, "anonymous": LOGIN, "dpmptsp": REDIRECT}


def permit_type():
    return PermitType.objects.get_or_create(
        code="siup", defaults={"name": "Izin usaha", "service_level_days": 5, "risk_level": "rendah"}
    )[0]


def application(users):
    created = permit_application_create(
        registration_number=f"REG-{timezone.now().timestamp()}",
        applicant_name="CV Maju",
        applicant_kind="company",
        nib="1234567890123",
        permit_type=permit_type(),
        channel="spontan",
        submitted_at=timezone.make_aware(datetime(2025, 8, 4, 9)),
    )
    return {"pk": created.pk}


def decided_application(users):
    created = permit_application_create(
        registration_number=f"REG-SKM-{timezone.now().timestamp()}",
        applicant_name="CV Maju",
        applicant_kind="company",
        permit_type=permit_type(),
        channel="spontan",
        submitted_at=timezone.make_aware(datetime(2025, 8, 4, 9)),
    )
    for status, day in (("verification", 5), ("approved", 6)):
        permit_application_transition(
            application=created, to_status=status, at=timezone.make_aware(datetime(2025, 8, day, 9))
        )
    return created


def survey_link(users):
    return {"token": survey_token(decided_application(users))}


def disruption(users):
    created = ServiceDisruption.objects.create(
        system="oss", started_at=timezone.make_aware(datetime(2025, 8, 4, 9)), impact="OSS down"
    )
    return {"pk": created.pk}


MATRIX = [
    Case("licensing:application_list", READ),
    Case("licensing:application_detail", READ, kwargs=application),
    Case("licensing:application_add", WRITE_FORM),
    Case(
        "licensing:application_transition",
        WRITE,
        kwargs=application,
        method="post",
        data={"to_status": "verification"},
    ),
    Case(
        "licensing:application_transition",
        {"*": FORBIDDEN, "anonymous": LOGIN, "dpmptsp": NOT_ALLOWED},
        kwargs=application,
        label="application_transition (GET)",
    ),
    Case("licensing:application_edit", WRITE_FORM, kwargs=application),
    Case(
        "licensing:application_edit",
        WRITE,
        kwargs=application,
        method="post",
        data=lambda: {
            "registration_number": f"REG-CORRECTED-{timezone.now().timestamp()}",
            "applicant_name": "CV Maju Bersama",
            "applicant_kind": "company",
            "nib": "1234567890123",
            "permit_type": permit_type().pk,
            "channel": "counter",
        },
        label="application_edit (POST)",
    ),
    Case("licensing:application_reject", WRITE_FORM, kwargs=application),
    Case(
        "licensing:application_reject",
        WRITE,
        kwargs=application,
        method="post",
        data={"reason": "requirements", "note": "Syarat tidak lengkap"},
        label="application_reject (POST)",
    ),
    Case("licensing:disruption_list", READ),
    Case("licensing:disruption_detail", READ, kwargs=disruption),
    Case("licensing:disruption_add", WRITE_FORM),
    Case(
        "licensing:disruption_add",
        WRITE,
        method="post",
        data={"system": "network", "started_at": "2025-08-04T09:00", "impact": "Network down"},
        label="disruption_add (POST)",
    ),
    Case("licensing:disruption_edit", WRITE_FORM, kwargs=disruption),
    Case(
        "licensing:disruption_edit",
        WRITE,
        kwargs=disruption,
        method="post",
        data={"system": "oss", "started_at": "2025-08-04T09:00", "ended_at": "2025-08-04T11:00", "impact": "OSS down"},
        label="disruption_edit (POST)",
    ),
    Case("licensing:permittype_list", READ),
    Case("licensing:ikm", READ),
    # The applicant's survey is public: every role, signed in or not, may open and answer it.
    Case("licensing:survey", everyone(OK, anonymous=OK), kwargs=survey_link),
    Case(
        "licensing:survey",
        everyone(OK, anonymous=OK),
        kwargs=survey_link,
        method="post",
        data={**{f"u{n}": "3" for n in range(1, 10)}, "comment": ""},
        label="survey (POST)",
    ),
    # The printable receipt with the tracking code: the office that records applications (not Bappeda).
    Case("licensing:application_receipt", WRITE_FORM, kwargs=application),
    # The public tracking page: everyone, logged in or not; a wrong pair is answered on the page itself.
    Case("licensing:tracking", {"*": OK}),
    Case(
        "licensing:tracking",
        {"*": OK},
        method="post",
        data={"registration_number": "REG-UNKNOWN", "tracking_code": "ABCDE-23456"},
        label="tracking (POST)",
    ),
]
