from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _


class PriceBasis(models.TextChoices):
    ADHK = "ADHK", _("ADHK: constant 2010 prices")
    ADHB = "ADHB", _("ADHB: current prices")


class GrdpStatus(models.TextChoices):
    """A figure's status in its release: BPS marks the last years 2023* (preliminary) and 2024** (very
    preliminary)."""

    FINAL = "final", _("final")
    PRELIMINARY = "preliminary", _("preliminary")
    VERY_PRELIMINARY = "very_preliminary", _("very preliminary")


# BPS's mark on a year or a value, and the mark shown beside a year of a result.
STATUS_OF_MARK = {"": GrdpStatus.FINAL, "*": GrdpStatus.PRELIMINARY, "**": GrdpStatus.VERY_PRELIMINARY}
MARK_OF_STATUS = {status: mark for mark, status in STATUS_OF_MARK.items()}
# The least final status wins when a result's year mixes values of several statuses.
STATUS_RANK = {GrdpStatus.FINAL: 0, GrdpStatus.PRELIMINARY: 1, GrdpStatus.VERY_PRELIMINARY: 2}


class RegionLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    REGENCY = "regency", _("Regency (kabupaten)")
    CITY = "city", _("City (kota)")


class Pillar(models.TextChoices):
    """The six Smart Economy indicators of Balikpapan, each a pillar of the scorecard."""

    LEADING_SECTORS = "leading_sectors", _("Leading sectors")
    ONLINE_LICENSING = "online_licensing", _("Online licensing")
    INDUSTRY_CENTER = "industry_center", _("Small-industry centre")
    MSME_MARKETPLACE = "msme_marketplace", _("MSMEs on the e-marketplace")
    CREATIVE_ECONOMY = "creative_economy", _("Creative people's economy")
    CASHLESS = "cashless", _("Cashless society")


class Unit(models.TextChoices):
    COUNT = "count", _("count")
    PERCENT = "percent", "%"
    RUPIAH = "rupiah", "Rp"
    DAYS = "days", _("days")
    HOURS = "hours", _("hours")
    INDEX = "index", _("index points")


class IndicatorKind(models.TextChoices):
    STOCK = "stock", _("stock (a level at the end of the period; never summed across periods)")
    FLOW = "flow", _("flow (an amount during the period; periods add up)")
    RATE = "rate", _("rate or share (recomputed from its parts for longer periods, never summed or averaged)")


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    YEARLY = "yearly", _("yearly")


class SnapshotStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    INCOMPLETE = "incomplete", _("Incomplete data")
    NO_TARGET = "no_target", _("No target")


# The data sources whose wording the product itself wrote (the demo GRDP's): a GRDP row stores the source as
# given, untranslated, and it is shown in the reader's language. Any other source is data, shown as it is.
RECONSTRUCTED_SOURCE = gettext_noop("Reconstructed from published tables, not official BPS data")
KNOWN_SOURCES = frozenset({RECONSTRUCTED_SOURCE})


# The units GRDP values are stored in (the BPS tables' own words), as shown in the reader's language.
UNIT_LABELS = {"juta rupiah": gettext_noop("million rupiah")}


def unit_label(unit):
    """A stored GRDP unit as shown: translated when it is one the product knows, as it is otherwise."""
    return gettext(UNIT_LABELS[unit]) if unit in UNIT_LABELS else unit


def source_label(source):
    """A GRDP source as shown: translated when the product wrote it, as it is otherwise."""
    return gettext(source) if source in KNOWN_SOURCES else source
