"""The public dataset of e-parking (open-data portal): the cashless share and the failure rate of cashless attempts by
parking location and month.

Aggregates only (counts and rates of transactions; never a transaction, a plate or a card), computed from the daily
summaries through the same selectors as the indicators and the summary page (``selectors.by_location``)."""

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from opendata.registry import CITY_CODE, Column, Dataset, months_covered, register
from smarteconomy.choices import Role

from . import selectors
from .indicators import period_dates, summary_periods
from .models import DailySummary, ParkingLocation


def _rounded(value):
    return None if value is None else round(value, 2)


def _last_update():
    return DailySummary.objects.aggregate(last=Max("business_date"))["last"]


def location_rows():
    """Per month and location: the cashless share of the paid transactions (QRIS or e-money card) and the failure
    rate of the cashless attempts (``selectors.with_rates``). Rates only: the operators are separate companies, and
    their transaction counts and revenue stay among the figures withheld from one another (see
    ``analytics.selectors.indicator_withheld``)."""
    locations = {pk: (code, name) for pk, code, name in ParkingLocation.objects.values_list("pk", "code", "name")}
    rows = []
    for period in summary_periods():
        if not period.is_month:
            continue
        first, last = period_dates(period)
        by_location = selectors.by_location(selectors.summary_cells(start=first, end=last))
        for location_id, row in sorted(by_location.items(), key=lambda item: locations[item[0]][0]):
            code, name = locations[location_id]
            rows.append(
                {
                    "month": str(period),
                    "location_code": code,
                    "location_name": name,
                    "cashless_share_percent": _rounded(row["cashless_share"]),
                    "failure_rate_percent": _rounded(row["failure_rate"]),
                }
            )
    return rows


register(
    Dataset(
        code="cashless-parking-by-location",
        title=_("Cashless parking payments by location and month"),
        description=_(
            "Per month and e-parking location: the share of the paid parking transactions that were paid with QRIS or "
            "an e-money card (cashless share), and the share of the cashless payment attempts that failed (failure "
            "rate; voided transactions are not attempts). From the daily summaries of the operators' logs."
        ),
        producer=Role.PARKING_OPERATOR,
        frequency="monthly",
        unit=_("percent"),
        columns=(
            Column("month", _("Month"), type="period"),
            Column("location_code", _("Location code")),
            Column("location_name", _("Location")),
            Column("cashless_share_percent", _("Cashless share (%)"), type="decimal", unit="%"),
            Column("failure_rate_percent", _("Failure rate (%)"), type="decimal", unit="%"),
        ),
        rows=location_rows,
        period_covered=lambda: months_covered(summary_periods()),
        last_updated=_last_update,
        reference_codes=(CITY_CODE,),
        keywords=("parkir elektronik", "e-parking", "QRIS", "uang elektronik", "nontunai"),
        contact="Bappeda Kota Balikpapan — Bidang Data dan Statistik (menghimpun log operator parkir)",
        topic=_("Cashless society"),
    )
)
