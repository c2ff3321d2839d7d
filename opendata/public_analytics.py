"""The only module of the portal that reads analytics: the published editions of the scorecard (never the live
snapshots, which may be drafts), the indicator registry's declarations, and the leading-sectors analysis as the
officers' page computes it (Kota Balikpapan against Kalimantan Timur, the widest window, constant prices)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from analytics import economics as ec
from analytics import registry as indicators
from analytics.choices import Direction, Frequency, Pillar, PriceBasis, Unit, source_label
from analytics.models import EditionEntry, ScorecardEdition
from analytics.narrative import CLASS_LABELS, KLASSEN_LABELS
from analytics.selectors import grdp_years_of, leading_sectors, regions_with_grdp
from smarteconomy.choices import Role

REGION = "64.71"  # Kota Balikpapan (Kemendagri code)
REFERENCE = "64"  # Provinsi Kalimantan Timur


def latest_edition():
    """The latest published edition: of the latest period, the last one published for it."""
    return ScorecardEdition.objects.order_by("-period", "-published_at", "-id").first()


@dataclass
class PillarBlock:
    pillar: str
    label: str
    entries: list = field(default_factory=list)


def edition_pillars(edition):
    labels = dict(Pillar.choices)
    blocks = {}
    for entry in edition.entries.order_by("position"):
        block = blocks.setdefault(entry.pillar, PillarBlock(entry.pillar, str(labels.get(entry.pillar, entry.pillar))))
        entry.shown_name = _(entry.name) if entry.name else entry.indicator_code
        entry.shown_unit = unit_label(entry.unit)
        entry.has_sheet = indicator_or_none(entry.indicator_code) is not None
        block.entries.append(entry)
    order = list(labels)
    return sorted(blocks.values(), key=lambda b: order.index(b.pillar) if b.pillar in order else len(order))


def indicator_or_none(code):
    try:
        return indicators.get_indicator(code)
    except indicators.RegistryError:
        return None


def indicator_sheet(indicator):
    """The definition sheet's rows (label, text)."""
    return [
        (_("Pillar"), dict(Pillar.choices).get(indicator.pillar, indicator.pillar)),
        (_("Definition"), indicator.definition),
        (_("Formula"), indicator.formula),
        (_("Unit"), unit_label(indicator.unit)),
        (_("Source"), office_label(indicator.source_office)),
        (_("Frequency"), dict(Frequency.choices).get(indicator.frequency, indicator.frequency)),
        (_("Direction"), dict(Direction.choices).get(indicator.direction, indicator.direction)),
    ]


def unit_label(unit):
    return dict(Unit.choices).get(unit, unit)


def office_label(office):
    return Role(office).label if office in Role.values else office


def published_series(code):
    """The indicator's value per period across the published editions: for each period, the entry of the
    latest edition published for it."""
    series = {}
    entries = (
        EditionEntry.objects.filter(indicator_code=code)
        .exclude(period="")
        .select_related("edition")
        .order_by("edition__published_at", "edition_id")
    )
    for entry in entries:
        series[entry.period] = entry  # a later edition of the period replaces an earlier one
    return [series[period] for period in sorted(series)]


@dataclass
class LeadingSectorsResult:
    result: object = None
    error: str = ""
    lq: list = field(default_factory=list)
    shift_share: list = field(default_factory=list)
    klassen: list = field(default_factory=list)
    sources: list = field(default_factory=list)


def leading_sectors_summary():
    regions = {region.code: region for region in regions_with_grdp()}
    if REGION not in regions or REFERENCE not in regions:
        return LeadingSectorsResult(error=_("There is no GRDP data for Balikpapan and East Kalimantan yet."))
    years = grdp_years_of(region_codes=[REGION, REFERENCE], price_basis=PriceBasis.ADHK)
    if not years:
        return LeadingSectorsResult(error=_("There is no GRDP data for Balikpapan and East Kalimantan yet."))
    try:
        result = leading_sectors(
            region=regions[REGION], reference=regions[REFERENCE], start=years[0], end=years[-1], price_basis="ADHK"
        )
    except ec.EconomicsError as exc:
        return LeadingSectorsResult(error=str(exc))
    names = result.sector_names
    summary = LeadingSectorsResult(result=result, sources=[source_label(source) for source in result.sources])
    for code, row in result.lq.iterrows():
        summary.lq.append(
            {"code": code, "name": names.get(code, code), "lq": row["lq_mean"], "class": CLASS_LABELS[row["class"]]}
        )
    if result.klassen is not None:
        for code, row in result.klassen.iterrows():
            summary.klassen.append(
                {
                    "code": code,
                    "name": names.get(code, code),
                    "lq": row["lq_mean"],
                    "growth": row["region_growth"] * 100,
                    "reference_growth": row["reference_growth"] * 100,
                    "quadrant": KLASSEN_LABELS[row["quadrant"]],
                }
            )
    if result.shift_share is not None:
        for code, row in result.shift_share.iterrows():
            summary.shift_share.append(
                {
                    "code": code,
                    "name": _("Total") if code == ec.TOTAL else names.get(code, code),
                    "delta": row["delta"],
                    "regional_share": row["regional_share"],
                    "proportional_shift": row["proportional_shift"],
                    "differential_shift": row["differential_shift"],
                }
            )
    return summary
