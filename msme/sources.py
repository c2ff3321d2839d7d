"""DKUMKMP's MSME data sources in the reporting calendar (smarteconomy.sources): the registry, the e-marketplace
listings, the trainings and the creative economy outlet, each monthly, due on the 10th of the following month."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role, SourceFrequency
from smarteconomy.sources import DataSource, records_page, register

from .models import Listing, Msme, OutletMovement, Training
from .services import LISTINGS_SOURCE, OUTLET_SOURCE, REGISTRY_SOURCE, TRAININGS_SOURCE


def _months(queryset, field):
    return {"": {f"{d.year}-{d.month:02d}" for d in queryset.dates(field, "month")}}


def _training_months():
    months = set()
    for starts, ends in Training.objects.values_list("starts_on", "ends_on"):
        months |= {f"{starts.year}-{starts.month:02d}", f"{ends.year}-{ends.month:02d}"}
    return {"": months}


def _monthly(code, name, start, received, feeds, records):
    return register(
        DataSource(
            code=code,
            name=name,
            office=Role.DKUMKMP,
            frequency=SourceFrequency.MONTHLY,
            start=start,
            received=received,
            covers=(code,),
            feeds=feeds,
            records_url=records,
        )
    )


_monthly(
    REGISTRY_SOURCE,
    _("MSME registry"),
    date(2023, 1, 1),
    lambda: _months(Msme.objects.all(), "registered_on"),
    ("msme.registered_stock", "msme.new_registrations", "msme.integration_rate", "msme.training_coverage"),
    records_page("msme:msme_list", after="registered_after", before="registered_before"),
)
_monthly(
    LISTINGS_SOURCE,
    _("E-marketplace listings"),
    date(2023, 1, 1),
    lambda: _months(Listing.objects.all(), "listed_on"),
    ("msme.integration_rate", "msme.active_listings", "msme.post_training_adoption"),
    records_page("msme:listing_list", after="listed_after", before="listed_before"),
)
_monthly(
    TRAININGS_SOURCE,
    _("MSME trainings"),
    date(2023, 12, 1),
    _training_months,
    ("msme.trainings_held", "msme.quota_fill", "msme.training_coverage", "msme.post_training_adoption"),
    records_page("msme:training_list", after="starts_after", before="starts_before"),
)
_monthly(
    OUTLET_SOURCE,
    _("Creative economy outlet"),
    date(2025, 1, 1),
    lambda: _months(OutletMovement.objects.all(), "on"),
    ("msme.outlet_sales", "msme.payout_timeliness"),
    records_page("msme:outlet_product_list"),  # the movements are on each product's page
)
