"""Reads of the analytics app: GRDP as pandas frames, and the leading-sector analysis built on them."""

from dataclasses import dataclass, field

import pandas as pd
from django.db.models import Count
from django.utils.translation import gettext_noop

from smarteconomy.choices import Role, TaskStatus
from smarteconomy.models import Sector, TaskRun
from smarteconomy.roles import user_role

from . import economics as ec
from . import registry
from .models import GrdpValue, IndicatorSnapshot, Region


def grdp_list():
    return GrdpValue.objects.select_related("region", "sector")


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
        GrdpValue.objects.filter(region__code__in=region_codes, price_basis=price_basis, year__in=years)
        .order_by()
        .values_list("region__code", "year")
        .annotate(n=Count("id"))
    )
    return {(code, year): n for code, year, n in rows}


def regions_with_grdp():
    return Region.objects.filter(grdp_values__isnull=False).distinct().order_by("code")


def grdp_long_frame(*, region_codes, price_basis, start, end):
    """Long rows (region, sector, year, value as float64) of the given regions and years."""
    rows = GrdpValue.objects.filter(
        region__code__in=region_codes, price_basis=price_basis, year__gte=start, year__lte=end
    ).values_list("region__code", "sector__code", "year", "value")
    frame = pd.DataFrame(list(rows), columns=["region", "sector", "year", "value"])
    frame["value"] = frame["value"].astype("float64")
    return frame


def grdp_sources(*, region_codes, price_basis, start, end):
    return sorted(
        set(
            GrdpValue.objects.filter(
                region__code__in=region_codes, price_basis=price_basis, year__gte=start, year__lte=end
            )
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
    lq: pd.DataFrame = field(default=None)
    dlq: pd.DataFrame = field(default=None)
    shift_share: pd.DataFrame = field(default=None)
    klassen: pd.DataFrame = field(default=None)
    dlq_error: str = ""
    shift_share_error: str = ""
    klassen_error: str = ""


def sector_order():
    return list(Sector.objects.order_by("order").values_list("code", flat=True))


def load_panel(*, region, reference, price_basis, start, end):
    frame = grdp_long_frame(region_codes=[region.code, reference.code], price_basis=price_basis, start=start, end=end)
    return ec.panel_from_long(frame, region=region.code, reference=reference.code, sector_order=sector_order())


def leading_sectors(
    *, region, reference, start, end, price_basis="ADHK", shift_share_method="classic", dlq_variant="compound"
):
    """Run every analysis of indicator 1. Raises EconomicsError when the data cannot support the window;
    a method that needs more years than the data has (dynamic shift-share, arithmetic DLQ; growth in a one-year
    window) is reported in ``*_error`` while the others are still shown."""
    if region.pk == reference.pk:
        raise ec.EconomicsError(gettext_noop("The region and the reference region must differ."))
    panel = load_panel(region=region, reference=reference, price_basis=price_basis, start=start, end=end)
    result = LeadingSectors(
        region=region,
        reference=reference,
        start=start,
        end=end,
        price_basis=price_basis,
        shift_share_method=shift_share_method,
        dlq_variant=dlq_variant,
        years=[year for year in panel.years if start <= year <= end],
        sources=grdp_sources(region_codes=[region.code, reference.code], price_basis=price_basis, start=start, end=end),
        sector_names={s.code: s.name for s in Sector.objects.all()},
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
