"""Indicator 1 (leading sectors) in the scorecard, computed from GRDP through the analytics selectors."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from smarteconomy.choices import Role

from . import economics as ec
from .choices import KNOWN_SOURCES, Direction, Frequency, IndicatorKind, Pillar, PriceBasis, Unit
from .registry import Indicator, Measurement, Period, register, text
from .selectors import grdp_long_frame, grdp_sector_counts, grdp_sources, grdp_years_of, sector_order
from .services import GRDP_SOURCE

REGION = "64.71"  # Kota Balikpapan
REFERENCE = "64"  # Provinsi Kalimantan Timur
BASIS = PriceBasis.ADHK


def _inputs(years):
    """One input per region and year: present when all sectors are there."""
    counts = grdp_sector_counts(region_codes=[REGION, REFERENCE], price_basis=BASIS, years=years)
    expected = len(sector_order())
    return [
        {
            "name": f"PDRB {code} {year} ({BASIS})",
            "present": counts.get((code, year), 0) == expected,
            "detail": f"{counts.get((code, year), 0)}/{expected}",
        }
        for year in years
        for code in (REGION, REFERENCE)
    ]


def _source(source):
    """A source kept as data, or, when the product wrote its wording, as a text translated when shown."""
    return text(source) if source in KNOWN_SOURCES else source


def _sources_note(years):
    """The GRDP's sources, shown with the value (the demo data says it is not official BPS data), stored as a
    text so that a known source reads in the reader's language."""
    sources = grdp_sources(region_codes=[REGION, REFERENCE], price_basis=BASIS, start=min(years), end=max(years))
    if not sources:
        return ""
    return text(
        "; ".join(f"%(source{i})s" for i in range(len(sources))),
        **{f"source{i}": _source(source) for i, source in enumerate(sources)},
    )


def _panel(years):
    frame = grdp_long_frame(region_codes=[REGION, REFERENCE], price_basis=BASIS, start=min(years), end=max(years))
    frame = frame[frame["year"].isin(years)]
    return ec.panel_from_long(frame, region=REGION, reference=REFERENCE, sector_order=sector_order())


def _years():
    return grdp_years_of(region_codes=[REGION, REFERENCE], price_basis=BASIS)


def basis_sector_count(period):
    inputs = _inputs([period.year])
    if all(item["detail"].startswith("0/") for item in inputs):
        return Measurement(None, inputs)  # no GRDP at all for the year
    try:
        lq = ec.location_quotient(_panel([period.year]))[period.year]
    except ec.EconomicsError as exc:
        return Measurement(None, inputs, note=text(exc.message, **exc.params))
    return Measurement(float((lq > 1).sum()), inputs, note=_sources_note([period.year]))


def _base_year(year):
    earlier = [y for y in _years() if y < year]
    return earlier[-1] if earlier else None


def competitive_sector_count(period):
    base = _base_year(period.year)
    if base is None:
        return Measurement(
            None, [{"name": text(gettext_noop("an earlier year of GRDP")), "present": False, "detail": ""}]
        )
    inputs = _inputs([base, period.year])
    try:
        shift = ec.shift_share(_panel([base, period.year]), base, period.year, "classic").drop(index=ec.TOTAL)
    except ec.EconomicsError as exc:
        return Measurement(None, inputs, note=text(exc.message, **exc.params))
    note = text(
        "%(start)s–%(end)s. %(sources)s", start=base, end=period.year, sources=_sources_note([base, period.year])
    )
    return Measurement(float((shift["differential_shift"] > 0).sum()), inputs, note=note)


def _all_years():
    return [Period(year) for year in _years()]


def _later_years():
    return [Period(year) for year in _years()[1:]]


def _grdp_records(period):
    return reverse("analytics:grdp_list") + "?" + urlencode({"year": period.year, "price_basis": BASIS})


def _analysis(period):
    base = _base_year(period.year)
    if base is None:
        return _grdp_records(period)
    return reverse("analytics:leading_sectors") + "?" + urlencode({"start": base, "end": period.year})


def _lq_breakdown(period, user=None):
    try:
        panel = _panel([period.year])
    except ec.EconomicsError:
        return [], []
    lq = ec.location_quotient(panel)[period.year]
    return [_("Sector"), "LQ", _("Class")], [
        [code, float(value), "basis" if value > 1 else "non-basis"] for code, value in lq.items()
    ]


register(
    Indicator(
        code="analytics.basis_sector_count",
        pillar=Pillar.LEADING_SECTORS,
        name=_("Basis sectors (LQ > 1)"),
        definition=_(
            "The number of the 17 BPS sectors whose share of Kota Balikpapan's GRDP is larger than their share of "
            "Provinsi Kalimantan Timur's GRDP in the year (location quotient above 1), at constant 2010 prices."
        ),
        formula=_("Count of sectors i with (q_i / Q) ÷ (e_i / E) > 1, q = Balikpapan, e = Kalimantan Timur, ADHK."),
        unit=Unit.COUNT,
        kind=IndicatorKind.STOCK,
        direction=Direction.HIGHER,
        frequency=Frequency.YEARLY,
        source_office=Role.BAPPEDA,
        sources=(GRDP_SOURCE,),
        state_at_end=False,  # a year's LQ reads that year only (the competitive count reads the year before too)
        compute=basis_sector_count,
        periods=_all_years,
        records_url=_grdp_records,
        breakdown=_lq_breakdown,
    )
)

register(
    Indicator(
        code="analytics.competitive_sector_count",
        pillar=Pillar.LEADING_SECTORS,
        name=_("Competitive sectors (DS > 0)"),
        definition=_(
            "The number of sectors that grew faster in Kota Balikpapan than in Provinsi Kalimantan Timur since the "
            "previous year with GRDP data (a positive differential shift in the classic shift-share), ADHK."
        ),
        formula=_("Count of sectors i with q_i,0 · (r_i − g_i) > 0 between the previous year with data and the year."),
        unit=Unit.COUNT,
        kind=IndicatorKind.STOCK,
        direction=Direction.HIGHER,
        frequency=Frequency.YEARLY,
        source_office=Role.BAPPEDA,
        sources=(GRDP_SOURCE,),
        compute=competitive_sector_count,
        periods=_later_years,
        records_url=_analysis,
    )
)
