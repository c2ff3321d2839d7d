"""Indicator 6 (cashless society) in the scorecard: four monthly indicators computed from the daily
summaries only (never the raw log), each also computed directly for whole years (a year's share is
recomputed from its counts, never averaged from months). Every value is one aggregate query per period.

Completeness: each active location is expected to have handed over its log for every day of the period
(up to yesterday for the current period); a location with missing days makes the value incomplete."""

from datetime import timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from analytics.choices import Direction, Frequency, IndicatorKind, Pillar, Unit
from analytics.registry import Indicator, Measurement, periods_of_months, register, text
from smarteconomy.choices import Role
from smarteconomy.templatetags.formatting import number

from . import selectors
from .models import DailySummary, ParkingLocation
from .services import LOCATIONS_SOURCE, SUMMARIES_SOURCE


def period_dates(period):
    """[first, last] business dates of a month or a year (inclusive)."""
    return period.start, period.last_day


def summary_periods():
    """Every month with summaries, and every year of those months."""
    return periods_of_months((day.year, day.month) for day in DailySummary.objects.dates("business_date", "month"))


def _inputs(period):
    """One input per active location: did it hand over every day of the period (up to yesterday)?"""
    first, last = period_dates(period)
    last = min(last, timezone.localdate() - timedelta(days=1))
    expected = (last - first).days + 1 if last >= first else 0
    days = dict(
        DailySummary.objects.filter(business_date__gte=first, business_date__lte=last)
        .values("location_id")
        .annotate(days=Count("business_date", distinct=True))
        .values_list("location_id", "days")
    )
    inputs = []
    for location in ParkingLocation.objects.filter(active=True).order_by("code"):
        present = days.get(location.pk, 0)
        inputs.append(
            {
                "name": text(gettext_noop("Transaction log of %(location)s"), location=location.code),
                "present": expected > 0 and present >= expected,
                "detail": text(gettext_noop("%(present)d of %(expected)d days"), present=present, expected=expected),
            }
        )
    return inputs


def _totals(period, locations=None):
    first, last = period_dates(period)
    return selectors.totals(selectors.summary_cells(locations=locations, start=first, end=last))


def cashless_share(period):
    totals = _totals(period)
    return Measurement(
        totals["cashless_share"],
        _inputs(period),
        note=text(
            gettext_noop("%(cashless)s of %(paid)s paid transactions cashless"),
            cashless=number(totals["paid_cashless"]),
            paid=number(totals["paid"]),
        ),
    )


def failure_rate(period):
    totals = _totals(period)
    return Measurement(
        totals["failure_rate"],
        _inputs(period),
        note=text(
            gettext_noop("%(failed)s of %(attempts)s cashless attempts failed"),
            failed=number(totals["cashless_failed"]),
            attempts=number(totals["cashless_attempts"]),
        ),
    )


def transactions_per_day(period):
    first, last = period_dates(period)
    figures = selectors.paid_per_day(start=first, end=last)  # the summary page's definition too
    return Measurement(
        figures["per_day"],
        _inputs(period),
        note=text(
            gettext_noop("%(paid)s paid transactions in %(days)d complete days"),
            paid=number(figures["paid"]),
            days=figures["days"],
        ),
    )


def parking_revenue(period):
    totals = _totals(period)
    return Measurement(totals["revenue"] if totals["paid"] else None, _inputs(period))


def _per_location(measure, label, decimals=1):
    def breakdown(period, user=None):
        """One row per location; a parking operator's own locations only (its records are scoped the same way)."""
        first, last = period_dates(period)
        locations = ParkingLocation.objects.all() if user is None else ParkingLocation.objects.visible_to(user)
        names = dict(locations.values_list("pk", "code"))
        cells = selectors.summary_cells(locations=None if user is None else list(names), start=first, end=last)
        rows = selectors.by_location(cells)
        table = []
        for location_id, row in sorted(rows.items(), key=lambda item: names.get(item[0], "")):
            value = row[measure]
            table.append([names.get(location_id, location_id), "–" if value is None else number(value, decimals)])
        return [gettext("Location"), str(label)], table

    return breakdown


def _records(period):
    first, last = period_dates(period)
    return f"{reverse('cashless:summary')}?{urlencode({'from': first.isoformat(), 'to': last.isoformat()})}"


COMMON = {
    "pillar": Pillar.CASHLESS,
    "frequency": Frequency.MONTHLY,
    "source_office": Role.PARKING_OPERATOR,
    "sources": (SUMMARIES_SOURCE, LOCATIONS_SOURCE),
    "history_sources": (LOCATIONS_SOURCE,),  # a location made active or not is expected in every period
    "periods": summary_periods,
    "records_url": _records,
}

register(
    Indicator(
        code="cashless.cashless_share",
        name=_("Cashless share of paid parking transactions"),
        definition=_(
            "The share of the paid e-parking transactions of the period, at every location that hands over its "
            "log, that were paid with QRIS or an e-money card. The breakdown gives each location's share."
        ),
        formula=_("Paid transactions by QRIS or e-money card ÷ all paid transactions × 100."),
        unit=Unit.PERCENT,
        kind=IndicatorKind.RATE,
        direction=Direction.HIGHER,
        compute=cashless_share,
        breakdown=_per_location("cashless_share", _("Cashless share (%)")),
        decimals=1,
        **COMMON,
    )
)

register(
    Indicator(
        code="cashless.failure_rate",
        name=_("Failure rate of cashless payment attempts"),
        definition=_(
            "The share of the cashless payment attempts (QRIS and e-money cards) of the period that failed, for "
            "example because the network was down. Voided transactions are not attempts."
        ),
        formula=_("Failed QRIS and e-money transactions ÷ (paid + failed QRIS and e-money transactions) × 100."),
        unit=Unit.PERCENT,
        kind=IndicatorKind.RATE,
        direction=Direction.LOWER,
        compute=failure_rate,
        breakdown=_per_location("failure_rate", _("Failure rate (%)")),
        decimals=1,
        **COMMON,
    )
)

register(
    Indicator(
        code="cashless.transactions_per_day",
        name=_("Paid parking transactions per day"),
        definition=_(
            "The mean number of paid e-parking transactions per calendar day of the period, all locations. Only "
            "complete days count: in the month in progress, the days up to yesterday (today counts once it is over, "
            "its transactions as well). The summary page of e-parking uses the same definition."
        ),
        formula=_("Paid transactions on the complete days of the period ÷ the number of those days."),
        unit=Unit.COUNT,
        kind=IndicatorKind.RATE,
        direction=Direction.HIGHER,
        compute=transactions_per_day,
        decimals=0,
        **COMMON,
    )
)

register(
    Indicator(
        code="cashless.parking_revenue",
        name=_("Parking revenue"),
        definition=_("The amount of the paid e-parking transactions of the period, all payment methods and locations."),
        formula=_("Sum of the amounts of the paid transactions."),
        unit=Unit.RUPIAH,
        kind=IndicatorKind.FLOW,
        direction=Direction.HIGHER,
        compute=parking_revenue,
        breakdown=_per_location("revenue", _("Revenue (Rp)"), decimals=0),
        decimals=0,
        **COMMON,
    )
)
