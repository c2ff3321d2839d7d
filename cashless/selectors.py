"""Reads of the cashless app. Pages, the API and the indicators read the daily summaries only; the raw log
is read only by its own list page (one location, a date range, keyset pages)."""

from datetime import date, timedelta

from django.db.models import Max, Min, Q, Sum
from django.utils import timezone

from .choices import CASHLESS_METHODS, PaymentMethod, TransactionStatus
from .models import DailySummary, ParkingLocation, ParkingTransaction

PAID = TransactionStatus.PAID
FAILED = TransactionStatus.FAILED


def location_list(*, user):
    return ParkingLocation.objects.visible_to(user).order_by("code")


def transaction_list(*, user):
    """The raw log the user may see; the list page narrows it to one location and a date range."""
    return ParkingTransaction.objects.visible_to(user)


def summary_cells(*, locations=None, start=None, end=None):
    """Summary cells of some locations (None: all) between two business dates (inclusive)."""
    cells = DailySummary.objects.all()
    if locations is not None:
        cells = cells.filter(location__in=locations)
    if start is not None:
        cells = cells.filter(business_date__gte=start)
    if end is not None:
        cells = cells.filter(business_date__lte=end)
    return cells


def paid_per_day(*, locations=None, start, end):
    """ "Paid parking transactions per day", one definition for the indicator and the summary page: the paid
    transactions of the complete days from ``start`` to ``end`` ÷ the number of those (calendar) days. A day is
    complete once it is over: today counts from tomorrow on, its transactions as well, so that the mean of the
    month in progress is not divided by a day that has barely begun. {"paid", "days", "per_day"}; per_day is None
    when no day of the range is complete yet."""
    last = _last_complete_day(end)
    paid = 0
    if last >= start:
        cells = summary_cells(locations=locations, start=start, end=last)
        paid = cells.aggregate(paid=Sum("count", filter=Q(status=PAID)))["paid"] or 0
    return _per_day(paid, start, last)


def paid_per_day_of(days, *, start, end):
    """``paid_per_day`` from the rows of ``by_day``/``overview`` already read (no other query)."""
    last = _last_complete_day(end)
    paid = sum(row["paid"] or 0 for row in days if start <= row["business_date"] <= last)
    return _per_day(paid, start, last)


def _last_complete_day(end):
    return min(end, timezone.localdate() - timedelta(days=1))


def _per_day(paid, start, last):
    days = (last - start).days + 1 if last >= start else 0
    return {"paid": paid, "days": days, "per_day": paid / days if days else None}


def summary_date_range(*, locations=None):
    """(first, last) business date with summaries, or (None, None)."""
    bounds = summary_cells(locations=locations).aggregate(first=Min("business_date"), last=Max("business_date"))
    return bounds["first"], bounds["last"]


SHARE_PARTS = {
    "paid": Sum("count", filter=Q(status=PAID)),
    "paid_cashless": Sum("count", filter=Q(status=PAID, payment_method__in=CASHLESS_METHODS)),
    "cashless_attempts": Sum("count", filter=Q(status__in=[PAID, FAILED], payment_method__in=CASHLESS_METHODS)),
    "cashless_failed": Sum("count", filter=Q(status=FAILED, payment_method__in=CASHLESS_METHODS)),
    "revenue": Sum("amount", filter=Q(status=PAID)),
}


def _share(part, total):
    return None if not total else (part or 0) / total * 100


def with_rates(row):
    """Add the shares (in %) to a row of SHARE_PARTS sums."""
    row = {key: (value or 0) if key in SHARE_PARTS else value for key, value in row.items()}
    row["cashless_share"] = _share(row["paid_cashless"], row["paid"])
    row["failure_rate"] = _share(row["cashless_failed"], row["cashless_attempts"])
    return row


def totals(cells):
    return with_rates(cells.aggregate(**SHARE_PARTS))


def by_day(cells):
    return [with_rates(row) for row in cells.values("business_date").annotate(**SHARE_PARTS).order_by("business_date")]


def by_month(days):
    """Months from the rows of ``by_day`` (no second query)."""
    months = {}
    for row in days:
        key = row["business_date"].strftime("%Y-%m")
        month = months.setdefault(key, dict.fromkeys(SHARE_PARTS, 0) | {"month": key})
        for name in SHARE_PARTS:
            month[name] += row[name]
    return [with_rates(month) for month in months.values()]


def by_hour(cells):
    rows = {row["hour"]: with_rates(row) for row in cells.values("hour").annotate(**SHARE_PARTS).order_by("hour")}
    return [rows.get(hour) or with_rates(dict.fromkeys(SHARE_PARTS, 0) | {"hour": hour}) for hour in range(24)]


def revenue_by_method(cells):
    sums = dict(
        cells.filter(status=PAID)
        .values("payment_method")
        .annotate(total=Sum("amount"))
        .values_list("payment_method", "total")
    )
    return [(method, sums.get(method.value, 0) or 0) for method in PaymentMethod]


REVENUE_PARTS = {
    f"revenue_{method.value}": Sum("amount", filter=Q(status=PAID, payment_method=method.value))
    for method in PaymentMethod
}


def overview(cells):
    """The summary page's figures from two grouped reads of the cells instead of one per figure: per day and
    location (from which the days, the locations, the totals and the revenue by method are added up here) and
    per hour. {"days": by_day, "hours": by_hour, "totals": totals, "by_location": by_location,
    "revenue": revenue_by_method}, each as those selectors give it."""
    days, locations = {}, {}
    total = dict.fromkeys(SHARE_PARTS, 0)
    revenue = dict.fromkeys(REVENUE_PARTS, 0)
    rows = cells.values("business_date", "location_id").annotate(**SHARE_PARTS, **REVENUE_PARTS)
    for row in rows.order_by("business_date", "location_id"):
        day = days.setdefault(
            row["business_date"], dict.fromkeys(SHARE_PARTS, 0) | {"business_date": row["business_date"]}
        )
        place = locations.setdefault(
            row["location_id"], dict.fromkeys(SHARE_PARTS, 0) | {"location_id": row["location_id"]}
        )
        for name in SHARE_PARTS:
            value = row[name] or 0
            day[name] += value
            place[name] += value
            total[name] += value
        for name in REVENUE_PARTS:
            revenue[name] += row[name] or 0
    return {
        "days": [with_rates(day) for day in days.values()],
        "hours": by_hour(cells),
        "totals": with_rates(total),
        "by_location": {pk: with_rates(place) for pk, place in locations.items()},
        "revenue": [(method, revenue[f"revenue_{method.value}"]) for method in PaymentMethod],
    }


def by_location(cells):
    return {
        row["location_id"]: with_rates(row)
        for row in cells.values("location_id").annotate(**SHARE_PARTS).order_by("location_id")
    }


def last_days(last, days):
    return (last - timedelta(days=days - 1), last) if last else (None, None)


def month_bounds(year, month):
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return start, end


# --- The parking operators' worklist ---------------------------------------------------------------------------

MISSING_DAYS_WINDOW = 30  # the days looked back for a day without any upload
SPIKE_WINDOW = 7  # the recent days checked for a failure-rate spike...
USUAL_WINDOW = 28  # ...against the failure rate of the days before them
SPIKE_MIN_ATTEMPTS = 20  # a day with fewer cashless attempts says nothing about the rate
SPIKE_FACTOR = 2  # a spike: at least twice the usual rate...
SPIKE_MIN_POINTS = 5  # ...and at least this many percentage points above it


def days_without_data(locations, today=None):
    """[(location, [days])]: the complete days of the last MISSING_DAYS_WINDOW within each location's reporting dates
    (from its ``reporting_since``, or its first logged day, to its ``reporting_until``) without a single transaction
    in its log (read from the daily summaries, as the reporting calendar reads them)."""
    yesterday = (today or timezone.localdate()) - timedelta(days=1)
    first_window_day = yesterday - timedelta(days=MISSING_DAYS_WINDOW - 1)
    result = []
    for location in locations:
        start = location.reporting_since or summary_date_range(locations=[location])[0]
        if start is None:
            continue  # nothing logged yet and no date set: nothing expected of it yet
        first = max(start, first_window_day)
        last = min(yesterday, location.reporting_until or yesterday)
        logged = set(summary_cells(locations=[location], start=first, end=last).values_list("business_date", flat=True))
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        result.append((location, [day for day in days if day not in logged]))
    return result


def last_logged_day(locations):
    """The latest business date with a transaction in the logs of ``locations``, or None."""
    return summary_date_range(locations=locations)[1]


def failure_rate_spikes(locations, today=None):
    """[(day, failure rate %, usual rate %)]: the complete days of the last SPIKE_WINDOW whose failure rate of cashless
    attempts is well above the usual rate of the USUAL_WINDOW days before them (at least SPIKE_FACTOR times it and
    SPIKE_MIN_POINTS points more), counting days with at least SPIKE_MIN_ATTEMPTS attempts only."""
    yesterday = (today or timezone.localdate()) - timedelta(days=1)
    recent_start = yesterday - timedelta(days=SPIKE_WINDOW - 1)
    usual_start = recent_start - timedelta(days=USUAL_WINDOW)
    usual = totals(summary_cells(locations=locations, start=usual_start, end=recent_start - timedelta(days=1)))
    usual_rate = usual["failure_rate"]
    if usual_rate is None:
        return []  # no usual rate to compare with
    spikes = []
    for row in by_day(summary_cells(locations=locations, start=recent_start, end=yesterday)):
        rate = row["failure_rate"]
        if row["cashless_attempts"] < SPIKE_MIN_ATTEMPTS or rate is None:
            continue
        if rate >= usual_rate * SPIKE_FACTOR and rate - usual_rate >= SPIKE_MIN_POINTS:
            spikes.append((row["business_date"], rate, usual_rate))
    return spikes
