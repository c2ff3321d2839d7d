"""Reads of the licensing app."""

import hmac

from django.utils import timezone

from smarteconomy.models import PublicHoliday

from .choices import OPEN_STATUSES
from .models import TRACKING_CODE_ALPHABET, TRACKING_CODE_LENGTH, PermitApplication, ServiceDisruption
from .workingdays import processing_working_days


def holiday_dates(start=None, end=None):
    queryset = PublicHoliday.objects.all()
    if start:
        queryset = queryset.filter(date__gte=start)
    if end:
        queryset = queryset.filter(date__lte=end)
    return set(queryset.values_list("date", flat=True))


def application_list():
    return PermitApplication.objects.select_related("permit_type", "kelurahan__kecamatan")


def disruption_list():
    return ServiceDisruption.objects.all()


def working_days_left(application, holidays, today=None):
    """Working days left before the service level runs out (negative: overdue). None once decided."""
    if application.status not in OPEN_STATUSES:
        return None
    today = today or timezone.localdate()
    changes = [(c.to_status, timezone.localtime(c.at).date()) for c in application.changes.all()]
    used = processing_working_days(changes, holidays, until=today)
    return application.permit_type.service_level_days - used


# Compared with the typed code when the number is unknown, so that both answers cost the same work.
_NO_CODE = TRACKING_CODE_ALPHABET[0] * TRACKING_CODE_LENGTH


def application_tracked(*, registration_number, tracking_code):
    """The application with this registration number and tracking code, or None, whichever of the two is wrong:
    one query and one constant-time comparison in every case (an unknown number is compared with a stand-in code),
    so that neither the answer nor its timing tells whether the number exists."""
    application = (
        PermitApplication.objects.select_related("permit_type").filter(registration_number=registration_number).first()
    )
    stored = application.tracking_code if application is not None else _NO_CODE
    matches = hmac.compare_digest(stored.encode(), tracking_code.encode())
    return application if matches and application is not None else None


def application_tracking_steps(application):
    """The public timeline: each step's status, moment and reason (a return's or a rejection's), without the officer
    or the note (free text, which may name people)."""
    return [
        {"status": change.get_to_status_display(), "at": change.at, "reason": change.get_reason_display()}
        for change in application.changes.order_by("at", "id")
    ]
