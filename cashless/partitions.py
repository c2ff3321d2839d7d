"""The e-parking log's monthly partitions (PostgreSQL; SQLite keeps one plain table).

On PostgreSQL ``cashless_parkingtransaction`` is partitioned by range of ``business_date``, one partition per
month named ``cashless_parkingtransaction_pYYYYMM``. Its primary key is (id, business_date) and its unique key
(location, transaction_id, business_date): PostgreSQL requires the partition key in every unique index, so on
every database a transaction is identified by its location, its id and its business date.

Partitions exist for the retention window (``PARKING_RETENTION_MONTHS``) and ``MONTHS_AHEAD`` months ahead: the
migration creates them and the nightly task (``partitions_nightly``) keeps them, without the archived months
(cashless.archive). An import that brings an older month creates its partition within the import's transaction.
"""

from datetime import date

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import ParkingTransaction

MONTHS_AHEAD = 3
# pg_advisory_xact_lock key: two imports creating the same month's partition take turns.
CREATE_LOCK = 0x5041524B  # "PARK"


def partitioned():
    """True where the log is a partitioned table (PostgreSQL)."""
    return connection.vendor == "postgresql"


def month_start(day):
    return date(day.year, day.month, 1)


def add_months(month, count):
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first, last):
    """The first days of the months from ``first``'s to ``last``'s, both included."""
    month, end = month_start(first), month_start(last)
    while month <= end:
        yield month
        month = add_months(month, 1)


def partition_name(month):
    return f"{ParkingTransaction._meta.db_table}_p{month:%Y%m}"


def create_sql(month):
    table = ParkingTransaction._meta.db_table
    return (
        f'CREATE TABLE IF NOT EXISTS "{partition_name(month)}" PARTITION OF "{table}" '
        f"FOR VALUES FROM ('{month:%Y-%m-%d}') TO ('{add_months(month, 1):%Y-%m-%d}')"
    )


def existing(cursor):
    """{first day of month: partition name} of the partitions attached now."""
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
        [ParkingTransaction._meta.db_table],
    )
    found = {}
    for (name,) in cursor.fetchall():
        stamp = name.rsplit("_p", 1)[-1]
        if stamp.isdigit() and len(stamp) == 6:
            found[date(int(stamp[:4]), int(stamp[4:]), 1)] = name
    return found


def ensure(cursor, months, *, skip=()):
    """Create the missing partitions of these months (first days), except ``skip`` (archived months). Returns the
    months created. Creating a partition locks the log until the transaction ends: the window is created ahead
    so that an import rarely has to."""
    wanted = sorted(set(months) - set(skip))
    if not wanted:
        return []
    present = existing(cursor)
    missing = [month for month in wanted if month not in present]
    if missing:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CREATE_LOCK])
        for month in missing:
            cursor.execute(create_sql(month))
    return missing


def window(today=None):
    """The months that should have a partition: the retention window and ``MONTHS_AHEAD`` ahead."""
    this_month = month_start(today or timezone.localdate())
    first = add_months(this_month, -settings.PARKING_RETENTION_MONTHS)
    return list(months_between(first, add_months(this_month, MONTHS_AHEAD)))
