"""Bappeda's own data source in the reporting calendar (smarteconomy.sources): the regional GRDP from BPS, yearly.
BPS publishes a year's preliminary regency/city GRDP in the second half of the following year, so a year is due on
30 September of the next year."""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role, SourceFrequency
from smarteconomy.sources import DataSource, register

from .models import GrdpValue
from .services import GRDP_SOURCE

BALIKPAPAN = "64.71"


def _years():
    years = GrdpValue.objects.filter(region__code=BALIKPAPAN).values_list("year", flat=True).distinct().order_by()
    return {"": {str(year) for year in years}}


def _grdp_records(period, part=""):
    return f"{reverse('analytics:grdp_list')}?year={period.year}"


register(
    DataSource(
        code=GRDP_SOURCE,
        name=_("Regional GRDP (BPS)"),
        office=Role.BAPPEDA,
        frequency=SourceFrequency.YEARLY,
        start=date(2019, 1, 1),
        received=_years,
        yearly_due=(9, 30),
        covers=(GRDP_SOURCE,),
        feeds=("analytics.basis_sector_count", "analytics.competitive_sector_count"),
        records_url=_grdp_records,
    )
)
