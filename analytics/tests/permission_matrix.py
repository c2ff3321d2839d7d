"""The analytics pages in the permission matrix (see smarteconomy/testing.py)."""

from analytics.models import GrdpValue, Region
from smarteconomy.models import Sector
from smarteconomy.testing import FORBIDDEN, LOGIN, OK, Case, everyone


def grdp_value(users):
    sector = Sector.objects.get_or_create(code="C", defaults={"order": 3, "name_id": "Industri", "name_en": "Mfg"})[0]
    region = Region.objects.get_or_create(code="64.71", defaults={"name": "Kota Balikpapan", "level": "city"})[0]
    value = GrdpValue.objects.get_or_create(
        region=region, sector=sector, year=2023, price_basis="ADHK", defaults={"value": 100}
    )[0]
    return {"pk": value.pk}


def region(users):
    return {
        "pk": Region.objects.get_or_create(code="64.71", defaults={"name": "Kota Balikpapan", "level": "city"})[0].pk
    }


MATRIX = [
    # GRDP is published statistics: every role reads it; only Bappeda imports it.
    Case("analytics:leading_sectors", everyone(OK)),
    Case("analytics:grdp_list", everyone(OK)),
    Case("analytics:grdp_detail", everyone(OK), kwargs=grdp_value),
    Case("analytics:region_list", everyone(OK)),
    Case("analytics:region_detail", everyone(OK), kwargs=region),
    Case(
        "imports:upload",
        {"*": FORBIDDEN, "anonymous": LOGIN, "bappeda": OK},
        kwargs={"importer": "grdp"},
        label="imports:upload grdp",
    ),
    Case(
        "imports:template",
        {"*": FORBIDDEN, "anonymous": LOGIN, "bappeda": OK},
        kwargs={"importer": "grdp"},
        label="imports:template grdp",
    ),
]
