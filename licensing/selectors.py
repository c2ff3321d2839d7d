"""Reads of the licensing app."""

import hmac
from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from smarteconomy.models import PublicHoliday

from .choices import OPEN_STATUSES, PermitStatus
from .models import (
    TRACKING_CODE_ALPHABET,
    TRACKING_CODE_LENGTH,
    PermitApplication,
    PermitStatusChange,
    ServiceDisruption,
)
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


# --- The worklist's subsets: the list's filter and the home page's count call the same function -----------------

DUE_SOON_WORKING_DAYS = 2
WAITING_FOR_APPLICANT_DAYS = 14


def _open_ids(queryset, keep, today=None):
    """The ids of the open applications of ``queryset`` whose working days left satisfy ``keep(days_left)``.

    The service level counts working days (weekends and public holidays excluded) and stops while an application
    is returned to the applicant, so a deadline cannot be computed in SQL from submitted_at: a calendar-day
    approximation would be wrong around holidays and returns. The clock of each *open* application is computed in
    Python with working_days_left, the one definition the table's deadline column shows too. Open applications are
    a small working queue (decided ones are never late), so this is three queries (open applications, their status
    changes, the holidays)."""
    holidays = holiday_dates()
    candidates = queryset.filter(status__in=OPEN_STATUSES).select_related("permit_type").prefetch_related("changes")
    return [
        application.pk
        for application in candidates
        if keep(application, working_days_left(application, holidays, today=today) or 0)
    ]


def applications_overdue(queryset, today=None):
    """The open applications of ``queryset`` past their service level."""
    return queryset.filter(pk__in=_open_ids(queryset, lambda application, left: left < 0, today))


def applications_not_overdue(queryset, today=None):
    return queryset.exclude(pk__in=_open_ids(queryset, lambda application, left: left < 0, today))


def applications_due_soon(queryset, *, days=DUE_SOON_WORKING_DAYS, today=None):
    """The open applications with the office (not returned: the applicant has those) whose service level runs out
    within ``days`` working days, today's included (0 to ``days`` working days left)."""

    def keep(application, left):
        return application.status != PermitStatus.RETURNED and 0 <= left <= days

    return queryset.filter(pk__in=_open_ids(queryset, keep, today))


def within_service_level(working_days, service_level):
    """Decided within the service level: at most its working days (the indicator's and the list's one rule)."""
    return working_days <= service_level


def applications_decided_within(queryset, *, within=True):
    """The decided applications of ``queryset`` whose processing took at most (``within``) or more than their
    service level in working days (processing_working_days, as the indicator counts them). Computed in Python like
    the open ones' clocks; narrow ``queryset`` first (the list's decided-date filters come before this one)."""
    decided = queryset.filter(decided_at__isnull=False).select_related("permit_type").prefetch_related("changes")
    rows = list(decided)
    days = [timezone.localtime(change.at).date() for row in rows for change in row.changes.all()]
    holidays = holiday_dates(min(days), max(days)) if days else set()
    keep = []
    for application in rows:
        changes = sorted(application.changes.all(), key=lambda change: (change.at, change.pk))
        working_days = processing_working_days(
            [(change.to_status, timezone.localtime(change.at).date()) for change in changes], holidays
        )
        if within_service_level(working_days, application.permit_type.service_level_days) == within:
            keep.append(application.pk)
    return queryset.filter(pk__in=keep)


def applications_waiting_for_applicant(queryset, *, days=WAITING_FOR_APPLICANT_DAYS, now=None):
    """The applications returned for correction more than ``days`` calendar days ago and not resubmitted since (the
    return is their last step: any later step changes the status)."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    later_step = PermitStatusChange.objects.filter(application=OuterRef("pk"), at__gt=cutoff)
    return queryset.filter(status=PermitStatus.RETURNED).exclude(Exists(later_step))


def disruptions_open(queryset):
    """The service disruptions that have not ended yet."""
    return queryset.filter(ended_at__isnull=True)


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
