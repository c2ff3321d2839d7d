"""The value history of the snapshots: a row for each snapshot's first computation and for each change of its
value, target or status, with the run that made it. Written inside the recompute's transaction, so a failed
indicator leaves neither its snapshots nor their history half written."""

from .models import IndicatorSnapshotHistory

TRACKED = ("value", "target", "status")


def record_snapshot_change(snapshot, values, *, code, period, run, at):
    """Record what the recompute is about to write into ``snapshot`` (None: it creates one) from ``values``.
    Returns the history row, or None when neither the value, the target nor the status changes (a change of
    the completeness texts alone, e.g. a period that ended, is not a change of the figure)."""
    created = snapshot is None
    if not created and all(getattr(snapshot, name) == values[name] for name in TRACKED):
        return None
    return IndicatorSnapshotHistory.objects.create(
        indicator_code=code,
        period=str(period),
        created=created,
        old_value=None if created else snapshot.value,
        new_value=values["value"],
        target=values["target"],
        status=values["status"],
        completeness=values["completeness"],
        changed_at=at,
        task_run=run,
    )


def value_history(indicator_code):
    """Every recorded change of an indicator's snapshots, newest first, with its run."""
    return (
        IndicatorSnapshotHistory.objects.filter(indicator_code=indicator_code)
        .select_related("task_run")
        .order_by("-changed_at", "-id")
    )
