"""Helpers of the SKM/IKM tests: decided applications and their survey answers."""

from datetime import datetime

from django.utils import timezone

from licensing.models import PermitType
from licensing.services import permit_application_create, permit_application_transition, survey_response_create


def moment(*args):
    return timezone.make_aware(datetime(*args))


def permit_type(code="pbg"):
    return PermitType.objects.get_or_create(
        code=code, defaults={"name": f"Izin {code}", "service_level_days": 5, "risk_level": "rendah"}
    )[0]


def decided(number, *, decided_at=None, type_code="pbg", status="approved"):
    """An application submitted two days before ``decided_at`` and decided (approved or rejected) then."""
    decided_at = decided_at or moment(2025, 2, 10, 10)
    application = permit_application_create(
        registration_number=number,
        applicant_name="CV Maju",
        applicant_kind="company",
        permit_type=permit_type(type_code),
        channel="spontan",
        submitted_at=decided_at - timezone.timedelta(days=2),
    )
    permit_application_transition(
        application=application, to_status="verification", at=decided_at - timezone.timedelta(days=1)
    )
    reason = "requirements" if status == "rejected" else ""
    permit_application_transition(application=application, to_status=status, at=decided_at, reason=reason)
    application.refresh_from_db()
    return application


def answered(number, scores, *, at=None, type_code="pbg", channel="online"):
    at = at or moment(2025, 2, 12, 9)
    application = decided(number, decided_at=at - timezone.timedelta(days=1), type_code=type_code)
    return survey_response_create(application=application, scores=scores, channel=channel, submitted_at=at)
