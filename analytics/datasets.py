"""The public datasets of Bappeda (open-data portal): GRDP by sector, the location quotients and the shift-share of
Kota Balikpapan's leading sectors, and the scorecard as each edition published it.

Aggregates only, computed through the same functions as indicator 1 and the leading-sectors page (``indicators``,
``economics``, ``selectors``) and, for the scorecard, from the frozen entries of the published editions (never the
live snapshots, which may still be drafts)."""

from django.db.models import Max, Min
from django.utils.translation import gettext_lazy as _

from opendata.registry import CITY_CODE, Column, Dataset, register
from smarteconomy.choices import Role
from smarteconomy.models import Sector

from . import economics as ec
from .editions import edition_rows
from .indicators import BASIS, REFERENCE, REGION, _panel, _years
from .models import GrdpValue, ScorecardEdition
from .selectors import grdp_values

CONTACT = "Bappeda Kota Balikpapan — Bidang Data dan Statistik"
REGION_CODES = _("Kemendagri region codes (64 Provinsi Kalimantan Timur, 64.71 Kota Balikpapan)")
SECTOR_CODES = _("BPS GRDP sector codes by business field (KBLI 2020 categories A–U)")
TOPIC = _("Economy")


def _last_grdp_change():
    return GrdpValue.history.aggregate(last=Max("history_date"))["last"]


def _grdp_years():
    span = GrdpValue.objects.aggregate(first=Min("year"), last=Max("year"))
    return (str(span["first"]), str(span["last"])) if span["first"] else (None, None)


def _sector_names():
    return {sector.code: sector for sector in Sector.objects.all()}


# --- GRDP by sector --------------------------------------------------------------------------------------------------


def grdp_rows():
    return [
        {
            "region_code": value.region.code,
            "region_name": value.region.name,
            "year": value.year,
            "sector_code": value.sector.code,
            "sector_name_id": value.sector.name_id,
            "sector_name_en": value.sector.name_en,
            "price_basis": value.price_basis,
            "value": float(value.value),
            "unit": value.unit,
            "status": value.status,
        }
        # The values the results read: each from the latest release that has it.
        for value in grdp_values().select_related("region", "sector")
    ]


register(
    Dataset(
        code="analytics-grdp-by-sector",
        title=_("GRDP by business sector"),
        description=_(
            "Gross regional domestic product (PDRB) of Kota Balikpapan and its reference regions by the 17 BPS "
            "business sectors, per year, at current prices (ADHB) and at constant 2010 prices (ADHK), as published "
            "by BPS and recorded by Bappeda."
        ),
        producer=Role.BAPPEDA,
        frequency="yearly",
        unit=_("million rupiah"),
        columns=(
            Column("region_code", _("Kemendagri region code")),
            Column("region_name", _("Region")),
            Column("year", _("Year"), type="year"),
            Column("sector_code", _("BPS sector code")),
            Column("sector_name_id", _("Sector (Indonesian)")),
            Column("sector_name_en", _("Sector (English)")),
            Column("price_basis", _("Price basis (ADHB/ADHK)")),
            Column("value", _("Value"), type="decimal", unit=_("million rupiah")),
            Column("unit", _("Unit")),
            Column("status", _("Status (final, preliminary, very_preliminary)")),
        ),
        rows=grdp_rows,
        period_covered=_grdp_years,
        last_updated=_last_grdp_change,
        reference_codes=(REGION_CODES, SECTOR_CODES),
        keywords=("PDRB", "GRDP", "ADHB", "ADHK", "BPS", "lapangan usaha"),
        contact=CONTACT,
        topic=TOPIC,
    )
)


# --- Location quotient -----------------------------------------------------------------------------------------------


def lq_rows():
    """The LQ of every sector and year of Kota Balikpapan against Provinsi Kalimantan Timur at constant prices,
    as indicator 1 ("basis sectors") computes it."""
    years = _years()
    if not years:
        return []
    try:
        lq = ec.location_quotient(_panel(years))
    except ec.EconomicsError:
        return []
    sectors = _sector_names()
    rows = []
    for year in lq.columns:
        for code, value in lq[year].items():
            sector = sectors.get(code)
            rows.append(
                {
                    "year": int(year),
                    "region_code": REGION,
                    "reference_code": REFERENCE,
                    "price_basis": str(BASIS),
                    "sector_code": code,
                    "sector_name_id": sector.name_id if sector else "",
                    "lq": None if value != value else round(float(value), 4),  # NaN (a sector absent in both): no LQ
                    "class": ec.lq_class(value) if value == value else "",
                }
            )
    return rows


def _analysis_years():
    years = _years()
    return (str(years[0]), str(years[-1])) if years else (None, None)


register(
    Dataset(
        code="analytics-location-quotient",
        title=_("Location quotient per sector and year"),
        description=_(
            "The location quotient (LQ) of each BPS sector of Kota Balikpapan against Provinsi Kalimantan Timur, "
            "per year, at constant 2010 prices (ADHK): the sector's share of the city's GRDP divided by its share of "
            "the province's. Above 1 the sector is a basis sector (the scorecard counts them)."
        ),
        producer=Role.BAPPEDA,
        frequency="yearly",
        unit=_("index (ratio)"),
        columns=(
            Column("year", _("Year"), type="year"),
            Column("region_code", _("Kemendagri region code")),
            Column("reference_code", _("Reference region code")),
            Column("price_basis", _("Price basis (ADHB/ADHK)")),
            Column("sector_code", _("BPS sector code")),
            Column("sector_name_id", _("Sector (Indonesian)")),
            Column("lq", _("Location quotient"), type="decimal"),
            Column("class", _("Class (basis / non-basis)")),
        ),
        rows=lq_rows,
        period_covered=_analysis_years,
        last_updated=_last_grdp_change,
        reference_codes=(REGION_CODES, SECTOR_CODES),
        keywords=("LQ", "location quotient", "sektor basis", "sektor unggulan", "PDRB"),
        contact=CONTACT,
        topic=TOPIC,
    )
)


# --- Shift-share -----------------------------------------------------------------------------------------------------


def shift_share_rows():
    """The classic shift-share of every sector between each year with GRDP and the previous one, as indicator 1
    ("competitive sectors") computes it."""
    years = _years()
    sectors = _sector_names()
    rows = []
    for base, end in zip(years, years[1:], strict=False):
        try:
            frame = ec.shift_share(_panel([base, end]), base, end, "classic").drop(index=ec.TOTAL)
        except ec.EconomicsError:
            continue
        for code, row in frame.iterrows():
            sector = sectors.get(code)
            rows.append(
                {
                    "base_year": base,
                    "end_year": end,
                    "price_basis": str(BASIS),
                    "sector_code": code,
                    "sector_name_id": sector.name_id if sector else "",
                    "base_value": round(float(row["base_value"]), 2),
                    "end_value": round(float(row["end_value"]), 2),
                    "change": round(float(row["delta"]), 2),
                    "regional_share": round(float(row["regional_share"]), 2),
                    "proportional_shift": round(float(row["proportional_shift"]), 2),
                    "differential_shift": round(float(row["differential_shift"]), 2),
                }
            )
    return rows


def _shift_share_years():
    years = _years()
    return (str(years[0]), str(years[-1])) if len(years) > 1 else (None, None)


MILLION = _("million rupiah")

register(
    Dataset(
        code="analytics-shift-share",
        title=_("Shift-share of the sectors"),
        description=_(
            "The classic shift-share decomposition of the change in each sector's GRDP of Kota Balikpapan between "
            "consecutive years with data, at constant 2010 prices (ADHK), against Provinsi Kalimantan Timur: the "
            "reference-economy share (growth of the province as a whole), the industry mix (proportional shift) and "
            "the competitive component (differential shift). A positive differential shift marks a competitive "
            "sector."
        ),
        producer=Role.BAPPEDA,
        frequency="yearly",
        unit=MILLION,
        columns=(
            Column("base_year", _("Base year"), type="year"),
            Column("end_year", _("End year"), type="year"),
            Column("price_basis", _("Price basis (ADHB/ADHK)")),
            Column("sector_code", _("BPS sector code")),
            Column("sector_name_id", _("Sector (Indonesian)")),
            Column("base_value", _("GRDP in the base year"), type="decimal", unit=MILLION),
            Column("end_value", _("GRDP in the end year"), type="decimal", unit=MILLION),
            Column("change", _("Change"), type="decimal", unit=MILLION),
            Column("regional_share", _("Reference-economy share"), type="decimal", unit=MILLION),
            Column("proportional_shift", _("Industry mix (proportional shift)"), type="decimal", unit=MILLION),
            Column("differential_shift", _("Competitive (differential shift)"), type="decimal", unit=MILLION),
        ),
        rows=shift_share_rows,
        period_covered=_shift_share_years,
        last_updated=_last_grdp_change,
        reference_codes=(REGION_CODES, SECTOR_CODES),
        keywords=("shift-share", "differential shift", "sektor unggulan", "PDRB"),
        contact=CONTACT,
        topic=TOPIC,
    )
)


# --- The scorecard per published edition -----------------------------------------------------------------------------


def _rounded(value, decimals):
    return None if value is None else round(value, decimals)


def scorecard_rows():
    rows = []
    for edition in ScorecardEdition.objects.order_by("period", "published_at", "id"):
        for entry, row in edition_rows(edition):
            rows.append(
                {
                    "edition": edition.title,
                    "edition_period": edition.period,
                    "published_on": edition.published_at.date(),
                    "indicator_code": entry.indicator_code,
                    "indicator_name": str(row.indicator.name),
                    "pillar": entry.pillar,
                    "period": entry.period,
                    "value": _rounded(entry.value, 4),
                    "target": _rounded(entry.target, 4),
                    "achievement": _rounded(entry.achievement, 2),
                    "status": entry.status,
                    "completeness": row.completeness,
                    "unit": entry.unit,
                }
            )
    return rows


def _edition_periods():
    span = ScorecardEdition.objects.aggregate(first=Min("period"), last=Max("period"))
    return (span["first"], span["last"])


def _last_edition():
    return ScorecardEdition.objects.aggregate(last=Max("published_at"))["last"]


register(
    Dataset(
        code="analytics-scorecard-editions",
        title=_("Smart Economy scorecard per published edition"),
        description=_(
            "Every indicator of the Smart Economy scorecard as each published edition froze it: value, target, "
            "achievement, status and completeness of its inputs. Only published editions are included, never the "
            "figures still being computed."
        ),
        producer=Role.BAPPEDA,
        frequency="per edition",
        unit=_("the indicator's unit (see column unit)"),
        columns=(
            Column("edition", _("Edition")),
            Column("edition_period", _("Edition period"), type="period"),
            Column("published_on", _("Published on"), type="date"),
            Column("indicator_code", _("Indicator code")),
            Column("indicator_name", _("Indicator")),
            Column("pillar", _("Pillar")),
            Column("period", _("Period of the value"), type="period"),
            Column("value", _("Value"), type="decimal"),
            Column("target", _("Target"), type="decimal"),
            Column("achievement", _("Achievement (%)"), type="decimal", unit="%"),
            Column("status", _("Status")),
            Column("completeness", _("Inputs present / expected")),
            Column("unit", _("Unit")),
        ),
        rows=scorecard_rows,
        period_covered=_edition_periods,
        last_updated=_last_edition,
        reference_codes=(CITY_CODE,),
        keywords=("smart economy", "scorecard", "indikator", "capaian", "target"),
        contact=CONTACT,
        topic=_("Development planning"),
    )
)
