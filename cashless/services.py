"""Writes of the cashless app: the e-parking import (through the shared importer) and the daily summaries.

Summaries are maintained incrementally: an import marks the business dates that got new rows dirty
(cashless.ingest); ``daily_summary_rebuild_dirty`` recomputes only those dates, as an upsert of the grouped
cells (cells that no longer exist are removed). The nightly task also rebuilds yesterday (WITA)."""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import
from smarteconomy.periods import mark_dirty

from . import archive, partitions
from .importers import IMPORTER_CODE
from .models import DailySummary, DirtyDate, ParkingArchive, ParkingLocation, ParkingTransaction

SUMMARIES_SOURCE = "cashless.summaries"
# The locations expected to hand over their logs (the indicators' completeness in every period).
LOCATIONS_SOURCE = "cashless.locations"
DATES_PER_STEP = 31


def parking_transactions_import(*, location, data, filename, user, dry_run=False, source="web", max_bytes=None):
    """Import an operator's log for ``location`` (all or nothing) and, when rows were added, rebuild the
    summaries of the dates they touched. Returns the ImportBatch."""
    batch = run_import(
        IMPORTER_CODE,
        data=data,
        filename=filename,
        user=user,
        dry_run=dry_run,
        source=source,
        params={"location": location},
        max_bytes=max_bytes,
    )
    if batch.status == ImportStatus.COMMITTED and batch.rows_created:
        daily_summary_rebuild_dirty(location=location)
    return batch


@transaction.atomic
def daily_summary_rebuild(*, location_id, dates):
    """Recompute the summary cells of these business dates of one location from the raw log: one
    INSERT ... SELECT ... GROUP BY ... ON CONFLICT DO UPDATE (an upsert, in SQL on PostgreSQL and SQLite
    alike) and the removal of cells that no longer have transactions. Returns the number of cells written."""
    dates = sorted(set(dates))
    summary = DailySummary._meta.db_table
    log = ParkingTransaction._meta.db_table
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(dates), DATES_PER_STEP):
            step = dates[start : start + DATES_PER_STEP]
            in_dates = ", ".join(["%s"] * len(step))
            cursor.execute(
                f"INSERT INTO {summary} (location_id, business_date, hour, payment_method, vehicle_class, status, "
                "count, amount) "
                "SELECT location_id, business_date, business_hour, payment_method, vehicle_class, status, COUNT(*), "
                f"SUM(amount) FROM {log} WHERE location_id = %s AND business_date IN ({in_dates}) "
                "GROUP BY location_id, business_date, business_hour, payment_method, vehicle_class, status "
                "ON CONFLICT (location_id, business_date, hour, payment_method, vehicle_class, status) "
                "DO UPDATE SET count = excluded.count, amount = excluded.amount",
                [location_id, *step],
            )
            upserted = cursor.rowcount
            written += upserted
            # Cells that no longer have transactions (the log is append-only, so only after a repair in the
            # back office): there are more cells for these dates than were just written.
            cursor.execute(
                f"SELECT COUNT(*) FROM {summary} WHERE location_id = %s AND business_date IN ({in_dates})",
                [location_id, *step],
            )
            if cursor.fetchone()[0] > upserted:
                cursor.execute(
                    f"DELETE FROM {summary} WHERE location_id = %s AND business_date IN ({in_dates}) AND "
                    "(business_date, hour, payment_method, vehicle_class, status) NOT IN "
                    "(SELECT business_date, business_hour, payment_method, vehicle_class, status "
                    f"FROM {log} WHERE location_id = %s AND business_date IN ({in_dates}) "
                    "GROUP BY business_date, business_hour, payment_method, vehicle_class, status)",
                    [location_id, *step, location_id, *step],
                )
    if dates:
        mark_dirty(SUMMARIES_SOURCE, dates)
    return written


def daily_summary_rebuild_dirty(*, location=None):
    """Rebuild every dirty date (of one location, or of all). A date marked again while it was being rebuilt
    stays dirty for the next run. Returns the number of cells written."""
    dirty = DirtyDate.objects.all()
    if location is not None:
        dirty = dirty.filter(location=location)
    by_location = {}
    for pk, location_id, day, marked_at in dirty.values_list("pk", "location_id", "business_date", "marked_at"):
        by_location.setdefault(location_id, []).append((pk, day, marked_at))
    written = 0
    for location_id, entries in by_location.items():
        with transaction.atomic():
            written += daily_summary_rebuild(location_id=location_id, dates=[day for _pk, day, _at in entries])
            for pk, _day, marked_at in entries:
                DirtyDate.objects.filter(pk=pk, marked_at=marked_at).delete()
    return written


def daily_summary_rebuild_all(*, location=None):
    """Rebuild every date that has transactions (after a restore, or to check the incremental path)."""
    locations = [location] if location is not None else list(ParkingLocation.objects.all())
    written = 0
    for each in locations:
        dates = ParkingTransaction.objects.filter(location=each).values_list("business_date", flat=True).distinct()
        written += daily_summary_rebuild(location_id=each.pk, dates=list(dates))
    return written


def partitions_nightly(today=None):
    """The nightly upkeep of the log's partitions (PostgreSQL): create the months of the retention window and ahead
    that are missing (not the archived ones), then archive the months past retention (cashless.archive)."""
    if not partitions.partitioned():
        return 0, {"partitioned": False}
    archived = set(ParkingArchive.objects.filter(state=ParkingArchive.State.ARCHIVED).values_list("month", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        created = partitions.ensure(cursor, partitions.window(today), skip=archived)
    records = archive.archive_due(today)
    details = {
        "partitions_created": [f"{month:%Y-%m}" for month in created],
        "months_archived": [f"{record.month:%Y-%m}" for record in records],
        "retention_months": settings.PARKING_RETENTION_MONTHS,
    }
    return len(created) + len(records), details


def daily_summaries_nightly():
    """The nightly run: yesterday (WITA) for every active location, then every dirty date."""
    yesterday = timezone.localdate() - timedelta(days=1)
    written = 0
    for location in ParkingLocation.objects.filter(active=True):
        written += daily_summary_rebuild(location_id=location.pk, dates=[yesterday])
    written += daily_summary_rebuild_dirty()
    return written, {"yesterday": yesterday.isoformat(), "time_zone": settings.TIME_ZONE}
