"""The industry centre's data sources in the reporting calendar (smarteconomy.sources): the production houses and
their tenancies, the levy bills with their payments, and the QRIS settlement files, each monthly, due on the 10th of
the following month. The settlements have no code of their own in mark_dirty (their matches are written as levy
payments, which the levy source covers): the settlement importer checks their lock itself."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role, SourceFrequency
from smarteconomy.sources import DataSource, records_page, register

from .models import LevyBill, SettlementRow, Tenancy
from .services import HOUSES_SOURCE, LEVY_SOURCE

SETTLEMENTS_SOURCE = "industry_center.qris_settlements"
CENTRE_START = date(2024, 1, 1)


def _month(day):
    return f"{day.year}-{day.month:02d}"


def _tenancy_months():
    """A month is reported for the houses when a tenancy was recorded in it (a start or an end)."""
    months = set()
    for start, end in Tenancy.objects.values_list("start", "end"):
        months |= {_month(day) for day in (start, end) if day}
    return {"": months}


def _bill_months():
    return {"": {_month(day) for day in LevyBill.objects.dates("period", "month")}}


def _settlement_months():
    tz = timezone.get_current_timezone()
    return {"": {_month(moment) for moment in SettlementRow.objects.datetimes("transaction_at", "month", tzinfo=tz)}}


def _monthly(code, name, received, covers, feeds, records):
    return register(
        DataSource(
            code=code,
            name=name,
            office=Role.DKUMKMP,
            frequency=SourceFrequency.MONTHLY,
            start=CENTRE_START,
            received=received,
            covers=covers,
            feeds=feeds,
            records_url=records,
        )
    )


_monthly(
    HOUSES_SOURCE,
    _("Production houses and tenancies"),
    _tenancy_months,
    (HOUSES_SOURCE,),
    ("industry_center.occupancy", "industry_center.appropriate_technology_share"),
    records_page("industry_center:tenancy_list"),
)
_monthly(
    LEVY_SOURCE,
    _("Levy bills and payments"),
    _bill_months,
    (LEVY_SOURCE,),
    (
        "industry_center.collection_rate",
        "industry_center.cashless_share",
        "industry_center.arrears_amount",
        "industry_center.arrears_tenants",
    ),
    records_page("industry_center:bill_list", after="period_from", before="period_to"),
)
# The bank's QRIS settlements are matched to the levy payments: they tell which payments were cashless.
_monthly(
    SETTLEMENTS_SOURCE,
    _("QRIS settlement files"),
    _settlement_months,
    (),
    ("industry_center.cashless_share",),
    records_page("industry_center:settlement_list"),
)
