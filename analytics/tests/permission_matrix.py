"""The analytics pages in the permission matrix (see smarteconomy/testing.py)."""

from analytics.models import GrdpRelease, GrdpValue, Region
from smarteconomy.models import Sector
from smarteconomy.testing import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Case, everyone


def grdp_value(users):
    sector = Sector.objects.get_or_create(code="C", defaults={"order": 3, "name_id": "Industri", "name_en": "Mfg"})[0]
    region = Region.objects.get_or_create(code="64.71", defaults={"name": "Kota Balikpapan", "level": "city"})[0]
    release = GrdpRelease.objects.get_or_create(label="PDRB 2024", defaults={"released_on": "2025-07-01"})[0]
    value = GrdpValue.objects.get_or_create(
        region=region, sector=sector, year=2023, price_basis="ADHK", release=release, defaults={"value": 100}
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
    Case("analytics:province_comparison", everyone(OK)),
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
    Case(
        "imports:upload",
        {"*": FORBIDDEN, "anonymous": LOGIN, "bappeda": OK},
        kwargs={"importer": "grdp_bps"},
        label="imports:upload grdp_bps",
    ),
    # A published table has no template to fill in.
    Case(
        "imports:template",
        {"*": FORBIDDEN, "anonymous": LOGIN, "bappeda": NOT_FOUND},
        kwargs={"importer": "grdp_bps"},
        label="imports:template grdp_bps",
    ),
]

# The read-only JSON API (analytics/api.py): every role reads it; an anonymous request gets 401 (the first
# authenticator, TokenAuthentication, asks for a token with "WWW-Authenticate: Token").
UNAUTHORIZED = 401
MATRIX += [
    Case("api:indicator-list", everyone(OK, anonymous=UNAUTHORIZED)),
    Case("api:indicator-detail", everyone(OK, anonymous=UNAUTHORIZED), kwargs={"code": "analytics.basis_sector_count"}),
    Case("api:snapshot-list", everyone(OK, anonymous=UNAUTHORIZED)),
    Case("api:schema", everyone(OK, anonymous=UNAUTHORIZED)),
    Case("api:schema", everyone(OK, anonymous=UNAUTHORIZED), data={"format": "json"}, label="api:schema (JSON)"),
]

# The monitoring report (PDF/XLSX of the scorecard) is read by every office, like the scorecard itself.
MATRIX += [Case("analytics:report", everyone(OK))]

# The scorecard: every office reads it; Bappeda sets targets and baselines (writes redirect back to the indicator
# page); Bappeda and the administrators may queue a recompute.
BASIS = {"code": "analytics.basis_sector_count"}
SETTERS = {"*": FORBIDDEN, "anonymous": LOGIN, "bappeda": REDIRECT}
MATRIX += [
    Case("analytics:scorecard", everyone(OK)),
    Case("analytics:completeness", everyone(OK)),
    Case("analytics:indicator_detail", everyone(OK), kwargs=BASIS),
    Case("analytics:indicator_detail", everyone(NOT_FOUND), kwargs={"code": "no.such"}, label="indicator unknown"),
    Case(
        "analytics:indicator_target_set",
        SETTERS,
        kwargs=BASIS,
        method="post",
        data={"target-year": 2030, "target-value": 1},
    ),
    Case(
        "analytics:indicator_target_set",
        {"*": FORBIDDEN, "anonymous": LOGIN, "bappeda": NOT_ALLOWED},
        kwargs=BASIS,
        label="target_set (GET)",
    ),
    Case(
        "analytics:indicator_baseline_set",
        SETTERS,
        kwargs=BASIS,
        method="post",
        data={"baseline-year": 2019, "baseline-value": 1, "baseline-source": "test"},
    ),
    Case(
        "analytics:recompute",
        {"*": FORBIDDEN, "anonymous": LOGIN, "bappeda": REDIRECT, "admin": REDIRECT},
        method="post",
    ),
]


def edition(users):
    """A published edition (of a scorecard without snapshots: entries are not needed to check the doors)."""
    from django.utils import timezone

    from analytics.models import ScorecardEdition

    found = ScorecardEdition.objects.filter(title="Matrix", period="2023").first()
    if found is None:
        found = ScorecardEdition.objects.create(
            title="Matrix",
            period="2023",
            published_by_name="bappeda",
            published_at=timezone.now(),
            content_hash="0" * 64,
        )
    return {"pk": found.pk}


def edition_file(fmt):
    return lambda users: {**edition(users), "fmt": fmt}


# Published editions: every office reads them (parking operators without the values withheld from them); only
# Bappeda and the administrators publish one. A publication without snapshots is refused with a message and a
# redirect back to the list.
MATRIX += [
    Case("analytics:edition_list", everyone(OK)),
    Case("analytics:edition_detail", everyone(OK), kwargs=edition),
    Case("analytics:edition_detail", everyone(NOT_FOUND), kwargs={"pk": 999999}, label="edition unknown"),
    Case("analytics:edition_download", everyone(OK), kwargs=edition_file("pdf"), label="edition_download pdf"),
    Case("analytics:edition_download", everyone(OK), kwargs=edition_file("xlsx"), label="edition_download xlsx"),
    Case(
        "analytics:edition_download",
        everyone(NOT_FOUND),
        kwargs=edition_file("docx"),
        label="edition_download unknown format",
    ),
    Case(
        "analytics:edition_publish",
        {"*": FORBIDDEN, "anonymous": LOGIN, "bappeda": REDIRECT, "admin": REDIRECT},
        method="post",
        data={"period": "2023", "title": "Matrix publish"},
    ),
    Case(
        "analytics:edition_publish",
        {"*": FORBIDDEN, "anonymous": LOGIN, "bappeda": NOT_ALLOWED, "admin": NOT_ALLOWED},
        label="edition_publish (GET)",
    ),
]
