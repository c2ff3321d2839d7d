"""Writes of the analytics app."""

import datetime

from django.utils import timezone

from smarteconomy.periods import mark_dirty
from smarteconomy.services import record_upsert

from .choices import GrdpStatus
from .models import GrdpRelease, GrdpValue

GRDP_SOURCE = "analytics.grdp"  # the data source that the leading-sector indicators read
# The release of values imported without a release label and without a source (and of such values stored before
# releases were kept: migration 0006).
INITIAL_RELEASE_LABEL = "Tanpa label rilis"


def grdp_release_label(*, vintage="", source=""):
    """The release an import writes into: the label given, else the source of the values (a re-import of the same
    publication replaces its values; another publication is another release), else the initial release."""
    return (vintage or source or INITIAL_RELEASE_LABEL).strip()[:200]


def grdp_release_get_or_create(*, label, released_on=None):
    """The release of that label; a new one is dated ``released_on`` (default: today)."""
    release, _created = GrdpRelease.objects.get_or_create(
        label=label, defaults={"released_on": released_on or timezone.localdate()}
    )
    return release


def parse_release_date(value):
    """A release date from a form (a date) or a command (YYYY-MM-DD); None when empty. Raises ValueError."""
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip())


def grdp_value_upsert(
    *, region, sector, year, price_basis, value, unit, source, release=None, status=GrdpStatus.FINAL, by=None
):
    """Create or replace the value of one (release, region, sector, year, price basis); the other releases' values
    are kept. Without a release: the release named by the source (``grdp_release_label``). Returns
    created/updated/unchanged."""
    if release is None:
        release = grdp_release_get_or_create(label=grdp_release_label(source=source))
    outcome = record_upsert(
        model=GrdpValue,
        lookup={"release": release, "region": region, "sector": sector, "year": year, "price_basis": price_basis},
        values={"value": value, "unit": unit, "source": source, "status": status},
        by=by,
    )
    if outcome != "unchanged":
        mark_dirty(GRDP_SOURCE, [int(year)])
    return outcome
