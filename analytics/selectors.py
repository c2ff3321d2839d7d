"""Reads of the analytics app: GRDP as pandas frames, and the leading-sector analysis built on them."""

from dataclasses import dataclass, field

import pandas as pd
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_noop

from smarteconomy.choices import Role, TaskStatus
from smarteconomy.models import Sector, TaskRun
from smarteconomy.roles import user_role

from . import economics as ec
from . import registry
from .choices import STATUS_RANK, GrdpStatus
from .models import GrdpRelease, GrdpValue, IndicatorSnapshot, Region


def grdp_list():
    return GrdpValue.objects.select_related("region", "sector", "release")


class UnknownRelease(ValueError):
    """A release label that no release has."""


def grdp_releases():
    """Every release, latest first."""
    return GrdpRelease.objects.order_by("-released_on", "-id")


def grdp_release(label):
    """The release of that label; None for none (the latest values). Raises UnknownRelease."""
    if not label:
        return None
    release = GrdpRelease.objects.filter(label=label).first()
    if release is None:
        raise UnknownRelease(label)
    return release


def grdp_values(vintage=None):
    """The values the results read: for each region, sector, year and price basis, the value of the latest release
    that has one (releases ordered by date, then creation). With ``vintage`` (a GrdpRelease): the same as that
    release left them, the releases after it ignored. An older release's values stay where a newer release does
    not cover the key (a 2025 release of 2020-2024 leaves 2019 to the release before)."""
    queryset = GrdpValue.objects.all()
    newer = GrdpValue.objects.filter(
        region=OuterRef("region"),
        sector=OuterRef("sector"),
        year=OuterRef("year"),
        price_basis=OuterRef("price_basis"),
    ).filter(
        Q(release__released_on__gt=OuterRef("release__released_on"))
        | Q(release__released_on=OuterRef("release__released_on"), release_id__gt=OuterRef("release_id"))
    )
    if vintage is not None:
        queryset = queryset.filter(vintage.up_to())
        newer = newer.filter(vintage.up_to())
    return queryset.filter(~Exists(newer))


def grdp_years(*, price_basis=None):
    """The distinct years with GRDP (of one price basis, or of any). ``order_by()`` drops the model's ordering,
    whose fields would otherwise make every (region, basis, sector) row of a year distinct."""
    queryset = GrdpValue.objects.order_by()
    if price_basis is not None:
        queryset = queryset.filter(price_basis=price_basis)
    return sorted(queryset.values_list("year", flat=True).distinct())


def grdp_years_of(*, region_codes, price_basis):
    """Years in which any of the regions has GRDP."""
    return sorted(
        GrdpValue.objects.filter(region__code__in=region_codes, price_basis=price_basis)
        .order_by("year")
        .values_list("year", flat=True)
        .distinct()
    )


def grdp_sector_counts(*, region_codes, price_basis, years):
    """{(region code, year): number of sectors with a value}."""
    rows = (
        grdp_values()
        .filter(region__code__in=region_codes, price_basis=price_basis, year__in=years)
        .order_by()
        .values_list("region__code", "year")
        .annotate(n=Count("id"))
    )
    return {(code, year): n for code, year, n in rows}


def regions_with_grdp():
    return Region.objects.filter(grdp_values__isnull=False).distinct().order_by("code")


def grdp_long_frame(*, region_codes, price_basis, start, end, vintage=None):
    """Long rows (region, sector, year, value as float64, status) of the given regions and years, as the latest
    release (or ``vintage``) has them."""
    rows = (
        grdp_values(vintage)
        .filter(region__code__in=region_codes, price_basis=price_basis, year__gte=start, year__lte=end)
        .values_list("region__code", "sector__code", "year", "value", "status")
    )
    frame = pd.DataFrame(list(rows), columns=["region", "sector", "year", "value", "status"])
    frame["value"] = frame["value"].astype("float64")
    return frame


def year_statuses(frame):
    """{year: status} of long rows: a year is as final as its least final value (preliminary if any value of the
    region or the reference is)."""
    statuses = {}
    for year, status in zip(frame["year"], frame["status"], strict=True):
        current = statuses.get(int(year), GrdpStatus.FINAL)
        statuses[int(year)] = max(current, status, key=lambda s: STATUS_RANK[s])
    return {year: GrdpStatus(status) for year, status in sorted(statuses.items())}


def grdp_sources(*, region_codes, price_basis, start, end, vintage=None):
    return sorted(
        set(
            grdp_values(vintage)
            .filter(region__code__in=region_codes, price_basis=price_basis, year__gte=start, year__lte=end)
            .order_by()
            .values_list("source", flat=True)
            .distinct()
        )
        - {""}
    )


@dataclass
class LeadingSectors:
    """Everything the leading-sectors page and report show for one choice of region, reference and window."""

    region: Region
    reference: Region
    start: int
    end: int
    price_basis: str
    shift_share_method: str
    dlq_variant: str
    years: list
    sources: list
    sector_names: dict
    vintage: GrdpRelease = None  # None: the latest values
    statuses: dict = field(default_factory=dict)  # {year: GrdpStatus} of the window's years
    lq: pd.DataFrame = field(default=None)
    dlq: pd.DataFrame = field(default=None)
    shift_share: pd.DataFrame = field(default=None)
    klassen: pd.DataFrame = field(default=None)
    dlq_error: str = ""
    shift_share_error: str = ""
    klassen_error: str = ""


def sector_order():
    return list(Sector.objects.order_by("order").values_list("code", flat=True))


def load_panel(*, region, reference, price_basis, start, end, vintage=None, statuses=None):
    """The checked panel of the region against the reference; ``statuses``, a dict, receives {year: status}."""
    frame = grdp_long_frame(
        region_codes=[region.code, reference.code], price_basis=price_basis, start=start, end=end, vintage=vintage
    )
    panel = ec.panel_from_long(frame, region=region.code, reference=reference.code, sector_order=sector_order())
    if statuses is not None:
        statuses.update({year: status for year, status in year_statuses(frame).items() if year in panel.years})
    return panel


def lq_class_changes(*, region, reference, price_basis, start, end, old, new=None):
    """Sectors whose LQ class (mean LQ over the window) differs between two releases (``new`` None: the latest
    values): a frame indexed by sector with lq_mean_old, class_old, lq_mean_new, class_new, changed."""
    frames = {}
    for name, vintage in (("old", old), ("new", new)):
        panel = load_panel(
            region=region, reference=reference, price_basis=price_basis, start=start, end=end, vintage=vintage
        )
        summary = ec.lq_summary(panel, start, end)
        frames[name] = summary[["lq_mean", "class"]].rename(columns=lambda c, n=name: f"{c}_{n}")
    result = frames["old"].join(frames["new"], how="outer")
    result["changed"] = result["class_old"] != result["class_new"]
    return result


def leading_sectors(
    *,
    region,
    reference,
    start,
    end,
    price_basis="ADHK",
    shift_share_method="classic",
    dlq_variant="compound",
    vintage=None,
):
    """Run every analysis of indicator 1. Raises EconomicsError when the data cannot support the window;
    a method that needs more years than the data has (dynamic shift-share, arithmetic DLQ; growth in a one-year
    window) is reported in ``*_error`` while the others are still shown."""
    if region.pk == reference.pk:
        raise ec.EconomicsError(gettext_noop("The region and the reference region must differ."))
    statuses = {}
    panel = load_panel(
        region=region,
        reference=reference,
        price_basis=price_basis,
        start=start,
        end=end,
        vintage=vintage,
        statuses=statuses,
    )
    result = LeadingSectors(
        region=region,
        reference=reference,
        start=start,
        end=end,
        price_basis=price_basis,
        shift_share_method=shift_share_method,
        dlq_variant=dlq_variant,
        years=[year for year in panel.years if start <= year <= end],
        sources=grdp_sources(
            region_codes=[region.code, reference.code], price_basis=price_basis, start=start, end=end, vintage=vintage
        ),
        sector_names={s.code: s.name for s in Sector.objects.all()},
        vintage=vintage,
        statuses={year: status for year, status in statuses.items() if start <= year <= end},
    )
    result.lq = ec.lq_summary(panel, start, end)
    try:
        result.klassen = ec.klassen(panel, start, end)
    except ec.EconomicsError as exc:
        result.klassen_error = str(exc)
    try:
        result.dlq = ec.dynamic_lq(panel, start, end, dlq_variant)
    except ec.EconomicsError as exc:
        result.dlq_error = str(exc)
    try:
        result.shift_share = ec.shift_share(panel, start, end, shift_share_method)
    except ec.EconomicsError as exc:
        result.shift_share_error = str(exc)
    return result


def indicator_withheld(indicator, user):
    """Whether the indicator's values are withheld from ``user``. Parking operators are separate companies sharing
    one role, each seeing only its own location's records: a value that sums every operator's locations (with two
    locations) tells each the other's figures by subtraction. An operator reads its own location's rows of the
    breakdown (``Indicator.breakdown`` with the user) and its summary page instead."""
    return user_role(user) == Role.PARKING_OPERATOR and indicator.source_office == Role.PARKING_OPERATOR


def snapshot_list(*, pillar=None, period=None, indicator_code=None, user=None):
    """The snapshots, oldest period first; with ``user``, without those of the indicators withheld from the user."""
    queryset = IndicatorSnapshot.objects.order_by("pillar", "indicator_code", "period_start")
    if user is not None:
        withheld = [i.code for i in registry.all_indicators() if indicator_withheld(i, user)]
        if withheld:
            queryset = queryset.exclude(indicator_code__in=withheld)
    if pillar:
        queryset = queryset.filter(pillar=pillar)
    if period:
        queryset = queryset.filter(period=period)
    if indicator_code:
        queryset = queryset.filter(indicator_code=indicator_code)
    return queryset


def last_recompute():
    """The latest finished recompute run: its time is the scorecard's "data as of"."""
    return (
        TaskRun.objects.filter(task="analytics.indicators_recompute", status=TaskStatus.SUCCEEDED)
        .order_by("-finished_at")
        .first()
    )


# --- Bappeda's worklist -----------------------------------------------------------------------------------------


def of_frequency(indicator, period):
    """Whether ``period`` (a Period) is of the indicator's own frequency: a month of a monthly indicator, a quarter
    of a quarterly one, a year of a yearly one."""
    from .choices import Frequency

    if indicator.frequency == Frequency.MONTHLY:
        return period.is_month
    if indicator.frequency == Frequency.QUARTERLY:
        return period.is_quarter
    return period.is_year


def scorecard_series(indicator, snapshots, today=None):
    """(series, running): the snapshots of the indicator's own frequency (a monthly indicator's months, a quarterly
    one's quarters) whose periods have ended, and the snapshot of the period still running, which the scorecard shows beside the last ended one
    (a period in progress is incomplete by nature and carries no status). Shared by the scorecard's rows and
    ``indicators_turned_off_track``."""
    from django.utils import timezone

    series = [s for s in snapshots if of_frequency(indicator, registry.Period.parse(s.period))]
    today = today or timezone.localdate()
    if len(series) > 1 and registry.Period.parse(series[-1].period).end > today:
        return series[:-1], series[-1]
    return series, None


def indicators_turned_off_track(user, today=None):
    """The codes of the indicators whose last ended period is off track while the period before it was not (or was
    the first): the scorecard's ``?turned=off_track`` rows and the count of Bappeda's worklist item."""
    from .choices import SnapshotStatus

    by_indicator = {}
    for snapshot in snapshot_list(user=user):
        by_indicator.setdefault(snapshot.indicator_code, []).append(snapshot)
    turned = []
    for indicator in registry.all_indicators():
        series, _running = scorecard_series(indicator, by_indicator.get(indicator.code, []), today)
        if not series or series[-1].status != SnapshotStatus.OFF_TRACK:
            continue
        if len(series) == 1 or series[-2].status != SnapshotStatus.OFF_TRACK:
            turned.append(indicator.code)
    return turned


PROVINCE = "64"  # Kalimantan Timur
BALIKPAPAN = "64.71"
# Balikpapan's neighbours, compared beside it: Samarinda, Kutai Kartanegara, Penajam Paser Utara, Bontang.
NEIGHBOURS = ("64.72", "64.03", "64.09", "64.74")


@dataclass
class ProvinceComparison:
    """The LQ of every sector in every region of the province with GRDP in ``year``, against the province."""

    province: Region
    year: int
    years: list
    price_basis: str
    vintage: GrdpRelease = None
    regions: list = field(default_factory=list)  # the province's regions with data in the year, in code order
    without_data: list = field(default_factory=list)  # the province's regions without data in the year
    lq: pd.DataFrame = field(default=None)  # sectors × region codes
    totals: dict = field(default_factory=dict)  # {region code: GRDP of the year (juta rupiah)}
    statuses: dict = field(default_factory=dict)  # {region code: GrdpStatus of the year}
    errors: dict = field(default_factory=dict)  # {region code: why its LQ cannot be computed}
    sector_names: dict = field(default_factory=dict)
    sources: list = field(default_factory=list)  # the sources of the values shown

    @property
    def province_total(self):
        return self.totals.get(self.province.code)

    def neighbours(self):
        """Balikpapan and its neighbours, in that order: (region, total, share of the province, basis sectors)
        or (region, None, None, None) for a region without data."""
        by_code = {region.code: region for region in Region.objects.filter(code__in=(BALIKPAPAN, *NEIGHBOURS))}
        rows = []
        for code in (BALIKPAPAN, *NEIGHBOURS):
            if code not in by_code:
                continue
            total = self.totals.get(code)
            if total is None or self.lq is None or code not in self.lq.columns:
                rows.append((by_code[code], None, None, None))
                continue
            share = total / self.province_total if self.province_total else None
            rows.append((by_code[code], total, share, int((self.lq[code] > 1).sum())))
        return rows


def province_comparison(*, price_basis="ADHK", year=None, vintage=None, province_code=PROVINCE):
    """The province's regions side by side in one year (default: the latest year with province data). None when
    the province has no GRDP of this price basis."""
    province = Region.objects.filter(code=province_code).first()
    if province is None:
        return None
    values = grdp_values(vintage).filter(price_basis=price_basis)
    years = sorted(values.filter(region=province).order_by().values_list("year", flat=True).distinct())
    if not years:
        return None
    if year not in years:
        year = years[-1]
    rows = (
        values.filter(year=year)
        .filter(Q(region=province) | Q(region__code__startswith=f"{province_code}."))
        .values_list("region__code", "sector__code", "year", "value", "status", "source")
    )
    frame = pd.DataFrame(list(rows), columns=["region", "sector", "year", "value", "status", "source"])
    frame["value"] = frame["value"].astype("float64")
    result = ProvinceComparison(
        province=province,
        year=year,
        years=years,
        price_basis=price_basis,
        vintage=vintage,
        sector_names={s.code: s.name for s in Sector.objects.all()},
        sources=sorted(set(frame["source"]) - {""}),
    )
    order = sector_order()
    columns = {}
    for region in Region.objects.filter(code__startswith=f"{province_code}.").order_by("code"):
        own = frame[frame["region"] == region.code]
        if own.empty:
            result.without_data.append(region)
            continue
        result.regions.append(region)
        result.totals[region.code] = float(own["value"].sum())
        result.statuses[region.code] = year_statuses(own)[year]
        try:
            panel = ec.panel_from_long(
                frame[frame["region"].isin([region.code, province.code])],
                region=region.code,
                reference=province.code,
                sector_order=order,
            )
        except ec.EconomicsError as exc:
            result.errors[region.code] = str(exc)
            continue
        columns[region.code] = ec.location_quotient(panel)[year]
    result.totals[province.code] = float(frame[frame["region"] == province.code]["value"].sum())
    result.statuses[province.code] = year_statuses(frame[frame["region"] == province.code])[year]
    if columns:
        result.lq = pd.DataFrame(columns).reindex([code for code in order if code in frame["sector"].unique()])
    return result
