"""Writes of the analytics app."""

from smarteconomy.periods import mark_dirty
from smarteconomy.services import record_upsert

from .models import GrdpValue

GRDP_SOURCE = "analytics.grdp"  # the data source that the leading-sector indicators read


def grdp_value_upsert(*, region, sector, year, price_basis, value, unit, source, by=None):
    """Create or replace the value of one (region, sector, year, price basis). Returns created/updated/unchanged."""
    outcome = record_upsert(
        model=GrdpValue,
        lookup={"region": region, "sector": sector, "year": year, "price_basis": price_basis},
        values={"value": value, "unit": unit, "source": source},
        by=by,
    )
    if outcome != "unchanged":
        mark_dirty(GRDP_SOURCE, [int(year)])
    return outcome
