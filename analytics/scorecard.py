"""Writes of the scorecard: targets and baselines, dirty periods, and the recompute of every indicator.

The recompute is an idempotent upsert: a snapshot is written only when something in it changed, so running it
twice leaves identical rows; each indicator is recomputed in its own transaction, so a crash in one leaves
the previous snapshots of that indicator intact and the others done."""

import logging
import math

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import registry
from .choices import Direction, Frequency, IndicatorKind, SnapshotStatus
from .models import DirtyPeriod, IndicatorBaseline, IndicatorSnapshot, IndicatorTarget

logger = logging.getLogger(__name__)
SNAPSHOT_FIELDS = ("pillar", "period_start", "value", "target", "achievement", "status", "completeness")


def mark_dirty(*, source, periods):
    """Record that the records of ``source`` changed for these periods (called by imports and services)."""
    for period in {str(p) for p in periods}:
        DirtyPeriod.objects.update_or_create(source=source, period=period)


def target_for(indicator, period, targets):
    """The target of a period: the year's target; a monthly flow gets a twelfth of it."""
    yearly = targets.get((indicator.code, period.year))
    if yearly is None:
        return None
    if period.is_month and indicator.kind == IndicatorKind.FLOW:
        return yearly / 12
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
        for period in periods:
            measurement = indicator.compute(period)
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
            if snapshot is None:
                snapshot = IndicatorSnapshot(indicator_code=indicator.code, period=str(period))
            for name, new in values.items():
                setattr(snapshot, name, new)
            snapshot.computed_at = now
            snapshot.task_run = run
            snapshot.save()
            written += 1
    return written, unchanged


def indicator_periods(indicator, targets):
    """The periods the data supports, plus every year up to now that has a target: a year whose data has not
    arrived yet shows as incomplete rather than disappearing from the scorecard."""
    periods = {str(p): p for p in indicator.periods()}
    this_year = timezone.localdate().year
    for code, year in targets:
        if code == indicator.code and year <= this_year and indicator.frequency == Frequency.YEARLY:
            periods.setdefault(str(year), registry.Period(year))
    return sorted(periods.values(), key=lambda p: (p.year, p.month or 0))


def load_targets():
    return {(t.indicator_code, t.year): float(t.value) for t in IndicatorTarget.objects.all()}


def indicators_recompute(*, full=False, run=None):
    """Recompute the scorecard. Incremental (default): the periods whose sources changed since the last run,
    and periods that have no snapshot yet. ``full``: every period the data supports. Returns (rows, details)."""
    dirty = {}
    dirty_rows = list(DirtyPeriod.objects.all())
    for row in dirty_rows:
        dirty.setdefault(row.source, set()).add(row.period)
    have = {}
    for code, period in IndicatorSnapshot.objects.values_list("indicator_code", "period"):
        have.setdefault(code, set()).add(period)
    targets = load_targets()
    details = {"mode": "full" if full else "incremental", "indicators": {}, "failures": {}}
    with registry.shared_computations():  # indicators reading the same records read them once
        written_total = _recompute_all(dirty, have, targets, full, run, details)
    # Dirty marks seen at the start are consumed; marks made during the run stay for the next one.
    DirtyPeriod.objects.filter(pk__in=[row.pk for row in dirty_rows]).delete()
    if details["failures"]:
        details["failed_count"] = len(details["failures"])
    return written_total, details


def _recompute_all(dirty, have, targets, full, run, details):
    written_total = 0
    for indicator in registry.all_indicators():
        try:
            periods = indicator_periods(indicator, targets)
            if not full:
                wanted = set().union(*(dirty.get(source, set()) for source in indicator.sources))
                prefix = indicator.code + "@"
                wanted |= {entry[len(prefix) :] for entry in dirty.get(TARGETS_SOURCE, ()) if entry.startswith(prefix)}
                known = have.get(indicator.code, set())
                # A changed month, a changed year (all its months), or a period never computed.
                periods = [p for p in periods if str(p) in wanted or str(p.year) in wanted or str(p) not in known]
            written, unchanged = indicator_recompute(indicator, periods, run=run, targets=targets)
        except Exception as exc:  # one indicator's failure must not stop the others
            logger.exception("indicator %s failed", indicator.code)
            details["failures"][indicator.code] = f"{type(exc).__name__}: {exc}"
            continue
        details["indicators"][indicator.code] = {"periods": len(periods), "written": written, "unchanged": unchanged}
        written_total += written
    return written_total


# Target and baseline changes mark "<indicator code>@<year>" of this pseudo-source dirty.
TARGETS_SOURCE = "analytics.targets"


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
    mark_dirty(source=TARGETS_SOURCE, periods=[f"{indicator_code}@{year}"])
    return target


@transaction.atomic
def indicator_target_delete(*, target, by=None):
    target._history_user = by
    mark_dirty(source=TARGETS_SOURCE, periods=[f"{target.indicator_code}@{target.year}"])
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
