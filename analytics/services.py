"""Writes of the analytics app."""

from smarteconomy.services import record_upsert

from .models import GrdpValue


def grdp_value_upsert(*, region, sector, year, price_basis, value, unit, source, by=None):
    """Create or replace the value of one (region, sector, year, price basis). Returns created/updated/unchanged."""
    return record_upsert(
        model=GrdpValue,
        lookup={"region": region, "sector": sector, "year": year, "price_basis": price_basis},
        values={"value": value, "unit": unit, "source": source},
        by=by,
    )
