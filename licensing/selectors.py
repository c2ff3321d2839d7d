"""Reads of the licensing app."""

from django.utils import timezone

from smarteconomy.models import PublicHoliday

from .choices import OPEN_STATUSES
from .models import PermitApplication, ServiceDisruption
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
