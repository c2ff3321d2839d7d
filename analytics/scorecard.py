"""Writes of the scorecard: targets and baselines, dirty periods, and the recompute of every indicator.

The recompute is an idempotent upsert: a snapshot is written only when something in it changed, so running it
twice leaves identical rows; each indicator is recomputed in its own transaction, so a crash in one leaves
the previous snapshots of that indicator intact and the others done."""

import logging
import math

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from smarteconomy.models import DirtyPeriod
from smarteconomy.periods import mark_dirty, periods_to_recompute, target_source

from . import registry
from .choices import Direction, Frequency, IndicatorKind, SnapshotStatus
from .history import record_snapshot_change
from .models import IndicatorBaseline, IndicatorSnapshot, IndicatorTarget

logger = logging.getLogger(__name__)
SNAPSHOT_FIELDS = ("pillar", "period_start", "value", "target", "achievement", "status", "completeness")


def target_for(indicator, period, targets):
    """The target of a period: the year's target; a monthly flow gets a twelfth of it, a quarterly one a quarter."""
    yearly = targets.get((indicator.code, period.year))
    if yearly is None:
        return None
    if indicator.kind == IndicatorKind.FLOW and not period.is_year:
        return yearly / (12 if period.is_month else 4)
    return yearly


def achievement_and_status(*, value, target, complete, direction):
    """Achievement in % of the target (inverted when lower is better) and the traffic-light status."""
    if not complete:
        return None, SnapshotStatus.INCOMPLETE
    if target is None:
        return None, SnapshotStatus.NO_TARGET
    if direction == Direction.HIGHER:
        achievement = value / target * 100 if target else (100.0 if value >= 0 else 0.0)
    else:
        achievement = target / value * 100 if value else 100.0
    if achievement >= 100:
        return achievement, SnapshotStatus.ON_TRACK
    if achievement >= settings.SCORECARD_AT_RISK_FROM:
        return achievement, SnapshotStatus.AT_RISK
    return achievement, SnapshotStatus.OFF_TRACK


def _clean(value):
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _same(snapshot, values):
    for name in SNAPSHOT_FIELDS:
        old, new = getattr(snapshot, name), values[name]
        if isinstance(old, float) and isinstance(new, float):
            if not math.isclose(old, new, rel_tol=0, abs_tol=0):
                return False
        elif old != new:
            return False
    return True


def indicator_recompute(indicator, periods, *, run=None, targets=None):
    """Recompute one indicator for ``periods`` in one transaction. Returns (written, unchanged)."""
    targets = targets if targets is not None else load_targets()
    now = timezone.now()
    written = unchanged = 0
    with transaction.atomic(), registry.shared_computations():  # its periods share what they read
        existing = {s.period: s for s in IndicatorSnapshot.objects.filter(indicator_code=indicator.code)}
        with_data = {str(p) for p in _data_periods(indicator.code)}
        for period in periods:
            measurement = indicator.compute(period)
            missing = calendar_inputs(indicator, period)
            measurement.inputs.extend(missing)
            if any(registry.is_not_reported_input(item) for item in missing) and str(period) not in with_data:
                measurement.value = None  # nothing reported at all: no value, not a zero
            value = _clean(measurement.value)
            target = _clean(target_for(indicator, period, targets))
            complete = measurement.complete and value is not None
            achievement, status = achievement_and_status(
                value=value, target=target, complete=complete, direction=indicator.direction
            )
            values = {
                "pillar": indicator.pillar,
                "period_start": period.start,
                "value": value,
                "target": target,
                "achievement": _clean(achievement),
                "status": status,
                "completeness": measurement.completeness,
            }
            snapshot = existing.get(str(period))
            if snapshot is not None and _same(snapshot, values):
                unchanged += 1
                continue
            record_snapshot_change(snapshot, values, code=indicator.code, period=period, run=run, at=now)
            if snapshot is None:
                snapshot = IndicatorSnapshot(indicator_code=indicator.code, period=str(period))
            for name, new in values.items():
                setattr(snapshot, name, new)
            snapshot.computed_at = now
            snapshot.task_run = run
            snapshot.save()
            written += 1
    return written, unchanged


@registry.shared_per_run
def _data_periods(code):
    return registry.get_indicator(code).periods()


def _month_before(month):
    return registry.Period(month.year - (month.month == 1), (month.month - 2) % 12 + 1)


def _missing(cell):
    """An expected period of a source (ended, within its dates) with neither data nor a submission."""
    return cell.expected and not cell.has_data and not cell.submitted


@registry.shared_per_run
def reporting_calendar():
    """The reporting calendar (smarteconomy.sources) of every source that feeds an indicator, read once per recompute
    run: {source code: {period text: [cells]}}, a month's cells also under its year and its quarter (a yearly or
    quarterly indicator period gathers its months), and {source code: whether it ever reported (data or a submission)}."""
    from smarteconomy.sources import all_sources, calendar_cells

    by_source, reported = {}, {}
    for cell in calendar_cells([source for source in all_sources() if source.feeds]):
        periods = by_source.setdefault(cell.source.code, {})
        periods.setdefault(str(cell.period), []).append(cell)
        if cell.period.is_month:
            periods.setdefault(str(cell.period.year), []).append(cell)
            periods.setdefault(str(registry.Period.quarter_of(cell.period)), []).append(cell)
        if cell.has_data or cell.submitted:
            reported[cell.source.code] = True
    return by_source, reported


def _cells_of(source, period):
    by_source, _reported = reporting_calendar()
    key = str(registry.Period(period.year)) if source.yearly else str(period)
    return by_source.get(source.code, {}).get(key, [])


def calendar_inputs(indicator, period):
    """What the sources feeding ``indicator`` did not deliver for ``period``, as inputs that are missing: per source
    (and part), the expected periods past their due day with neither data nor a submission ("tidak dilaporkan"),
    and an ended period not due yet with nothing arrived (it may still come). A period before a source's start or
    after its end is not expected of it (smarteconomy.sources: the declaration or the administrators' schedule); a
    period in progress is not expected yet."""
    from smarteconomy.sources import sources_feeding

    today = timezone.localdate()
    inputs = []
    for source in sources_feeding(indicator.code):
        by_part = {}
        for cell in _cells_of(source, period):
            if _missing(cell):
                by_part.setdefault(cell.part.key, (cell.part, []))[1].append(cell)
        for part, cells in by_part.values():
            past_due = [cell for cell in cells if today > cell.due]
            if past_due:
                inputs.append(registry.not_reported_input(source, part, [cell.period for cell in past_due]))
            waiting = [cell for cell in cells if today <= cell.due]
            if waiting:
                inputs.append(registry.awaited_input(source, part, max(cell.due for cell in waiting)))
    return inputs


def _stopped(indicator, months):
    """Whether a source feeding ``indicator`` that has reported before misses one of ``months``."""
    from smarteconomy.sources import sources_feeding

    _by_source, reported = reporting_calendar()
    return any(
        reported.get(source.code) and any(_missing(cell) for month in months for cell in _cells_of(source, month))
        for source in sources_feeding(indicator.code)
        if not source.yearly
    )


def indicator_periods(indicator, targets, known=()):
    """The periods the data supports, plus every year up to now that has a target: a year whose data has not
    arrived yet shows as incomplete rather than disappearing from the scorecard. When a monthly source feeding it
    that reported before misses one of the last two ended months (it stopped reporting, smarteconomy.sources'
    calendar), those months and the month in progress (and their years) are added, as not reported: its last data
    must not look like today's. The periods that already have a snapshot (``known``, texts) stay: a period added as
    not reported keeps being recomputed once its source reports again, rather than keeping what it said then."""
    periods = {str(p): p for p in _data_periods(indicator.code)}
    for text in known:
        periods.setdefault(text, registry.Period.parse(text))
    today = timezone.localdate()
    for code, year in targets:
        if code == indicator.code and year <= today.year and indicator.frequency != Frequency.MONTHLY:
            periods.setdefault(str(year), registry.Period(year))
    current = registry.Period.month_of(today)
    last_ended = _month_before(current)
    recent = (_month_before(last_ended), last_ended)
    if indicator.frequency == Frequency.MONTHLY and _stopped(indicator, recent):
        for month in (*recent, current):
            periods.setdefault(str(month), month)
            periods.setdefault(str(month.year), registry.Period(month.year))
    return sorted(periods.values(), key=lambda p: p.sort_key)


def load_targets():
    return {(t.indicator_code, t.year): float(t.value) for t in IndicatorTarget.objects.all()}


def indicators_recompute(*, full=False, run=None):
    """Recompute the scorecard. Incremental (default): the periods that the changes marked since the last run
    make dirty (``smarteconomy.periods``), the periods never computed, and the periods whose snapshot was
    incomplete (a period in progress, a follow-up window still open: time alone changes them). ``full``: every
    period the data supports. Returns (rows, details)."""
    dirty = {}
    dirty_rows = list(DirtyPeriod.objects.all())
    for row in dirty_rows:
        dirty.setdefault(row.source, set()).add(row.period)
    have, incomplete = {}, {}
    for code, period, status in IndicatorSnapshot.objects.values_list("indicator_code", "period", "status"):
        have.setdefault(code, set()).add(period)
        if status == SnapshotStatus.INCOMPLETE:
            incomplete.setdefault(code, set()).add(period)
    targets = load_targets()
    details = {"mode": "full" if full else "incremental", "indicators": {}, "failures": {}}
    with registry.shared_computations():  # indicators reading the same records read them once
        written_total = _recompute_all(dirty, have, incomplete, targets, full, run, details)
    # Dirty marks seen at the start are consumed; marks made during the run stay for the next one.
    DirtyPeriod.objects.filter(pk__in=[row.pk for row in dirty_rows]).delete()
    if details["failures"]:
        details["failed_count"] = len(details["failures"])
    return written_total, details


def dirty_periods(indicator, periods, dirty, *, known=(), incomplete=()):
    """The periods of ``indicator`` an incremental run recomputes (see ``indicators_recompute``)."""
    from smarteconomy.sources import calendar_source, sources_feeding

    wanted = set()
    calendars = tuple(calendar_source(source.code) for source in sources_feeding(indicator.code))
    for source in (*indicator.sources, *calendars, target_source(indicator.code)):
        wanted |= {
            str(p)
            for p in periods_to_recompute(
                periods,
                dirty.get(source, ()),
                onwards=indicator.changes_carry_forward and source not in (target_source(indicator.code), *calendars),
                everything=source in indicator.history_sources,
            )
        }
    return [p for p in periods if str(p) in wanted or str(p) not in known or str(p) in incomplete]


def _recompute_all(dirty, have, incomplete, targets, full, run, details):
    written_total = 0
    for indicator in registry.all_indicators():
        try:
            periods = indicator_periods(indicator, targets, known=have.get(indicator.code, ()))
            if not full:
                periods = dirty_periods(
                    indicator,
                    periods,
                    dirty,
                    known=have.get(indicator.code, set()),
                    incomplete=incomplete.get(indicator.code, set()),
                )
            written, unchanged = indicator_recompute(indicator, periods, run=run, targets=targets)
        except Exception as exc:  # one indicator's failure must not stop the others
            logger.exception("indicator %s failed", indicator.code)
            details["failures"][indicator.code] = f"{type(exc).__name__}: {exc}"
            continue
        details["indicators"][indicator.code] = {"periods": len(periods), "written": written, "unchanged": unchanged}
        written_total += written
    return written_total


@transaction.atomic
def indicator_target_set(*, indicator_code, year, value, note="", by=None):
    registry.get_indicator(indicator_code)
    target = IndicatorTarget.objects.filter(indicator_code=indicator_code, year=year).first() or IndicatorTarget(
        indicator_code=indicator_code, year=year
    )
    target.value = value
    target.note = note
    target._history_user = by
    target.full_clean()
    target.save()
    mark_dirty(target_source(indicator_code), [int(year)])
    return target


@transaction.atomic
def indicator_target_delete(*, target, by=None):
    target._history_user = by
    mark_dirty(target_source(target.indicator_code), [int(target.year)])
    target.delete()


@transaction.atomic
def indicator_baseline_set(*, indicator_code, year, value, source, by=None):
    registry.get_indicator(indicator_code)
    baseline = IndicatorBaseline.objects.filter(indicator_code=indicator_code).first() or IndicatorBaseline(
        indicator_code=indicator_code
    )
    baseline.year, baseline.value, baseline.source = year, value, source
    baseline._history_user = by
    baseline.full_clean()
    baseline.save()
    return baseline
