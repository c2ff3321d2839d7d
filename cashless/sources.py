"""The parking operators' logs in the reporting calendar (smarteconomy.sources): one part per location, a log
expected for every day from the location's ``reporting_since`` (or its first logged day) to its ``reporting_until``;
a month is submitted and locked per location, due on the 10th of the following month. The log is written only by
the bulk importer, which checks the lock for its location (the daily summaries are derived from the log and are
not locked themselves)."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role, SourceFrequency
from smarteconomy.sources import DataSource, Part, records_page, register

from .models import DailySummary, OperatorMembership, ParkingLocation

PARKING_SOURCE = "cashless.parking"
PARKING_START = date(2024, 1, 1)


def _days():
    """{location code: the ISO days with at least one transaction} (from the daily summaries)."""
    days = {}
    rows = DailySummary.objects.values_list("location__code", "business_date").distinct().order_by()
    for code, day in rows:
        days.setdefault(code, set()).add(day.isoformat())
    return days


def _locations():
    first_days = {
        code: first
        for code, first in ParkingLocation.objects.values_list("code", "reporting_since")
        if first is not None
    }
    missing = [loc for loc in ParkingLocation.objects.all() if loc.code not in first_days]
    if missing:
        from django.db.models import Min

        first = dict(
            DailySummary.objects.filter(location__in=missing)
            .values_list("location__code")
            .annotate(first=Min("business_date"))
            .order_by()
        )
        first_days.update(first)
    parts = []
    for location in ParkingLocation.objects.order_by("code"):
        start = first_days.get(location.code)
        if start is None:  # nothing logged yet and no date set: nothing expected of it yet
            continue
        parts.append(Part(location.code, location.name, start, location.reporting_until))
    return parts


def _location_query(code):
    """The transaction list filters its location by id."""
    location = ParkingLocation.objects.filter(code=code).values_list("pk", flat=True).first()
    return {"location": location} if location else {}


def _locations_of(user):
    return set(OperatorMembership.objects.filter(user=user).values_list("location__code", flat=True))


register(
    DataSource(
        code=PARKING_SOURCE,
        name=_("E-parking transaction logs"),
        office=Role.PARKING_OPERATOR,
        frequency=SourceFrequency.DAILY,
        start=PARKING_START,
        received=_days,
        parts=_locations,
        parts_of_user=_locations_of,
        records_url=records_page(
            "cashless:transaction_list", after="date_from", before="date_to", part_query=_location_query
        ),
        feeds=(
            "cashless.cashless_share",
            "cashless.failure_rate",
            "cashless.transactions_per_day",
            "cashless.parking_revenue",
        ),
    )
)
