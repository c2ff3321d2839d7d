"""The e-parking log partitioned by month of its business date (PostgreSQL), every row moved, none lost.

A transaction is now identified by (location, transaction_id, business_date): PostgreSQL requires the partition key
in every unique index. SQLite keeps one table and only swaps the unique constraint.

PostgreSQL: the table is renamed, a partitioned table of the same columns (identity, defaults, checks) is created
with its primary key (id, business_date), its unique key and its keyset index, partitions are created for every
month from the oldest row (or the retention window's first month) to three months ahead, the rows are copied, the
identity continues after the highest id, and the old table is dropped. In one transaction: all or nothing.
The reverse moves the rows back into one table (it fails, keeping everything, if an id was reused on two days).

This migration keeps its own copy of the partition names and bounds (cashless.partitions may change later)."""

from datetime import date

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

TABLE = "cashless_parkingtransaction"
OLD = "cashless_parkingtransaction_unpartitioned"
OLD_UNIQUE = "parking_tx_unique_per_location"
NEW_UNIQUE = "parking_tx_unique_per_location_day"


def add_months(month, count):
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def create_partitions(execute, first, last):
    month = date(first.year, first.month, 1)
    while month <= last:
        end = add_months(month, 1)
        execute(
            f'CREATE TABLE IF NOT EXISTS "{TABLE}_p{month:%Y%m}" PARTITION OF "{TABLE}" '
            f"FOR VALUES FROM ('{month:%Y-%m-%d}') TO ('{end:%Y-%m-%d}')"
        )
        month = end


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    execute(f'ALTER TABLE "{TABLE}" RENAME TO "{OLD}"')
    execute(f'ALTER TABLE "{OLD}" RENAME CONSTRAINT "{TABLE}_pkey" TO "{OLD}_pkey"')
    execute(f'ALTER TABLE "{OLD}" RENAME CONSTRAINT "{OLD_UNIQUE}" TO "{OLD_UNIQUE}_old"')
    execute('ALTER INDEX "parking_tx_keyset" RENAME TO "parking_tx_keyset_old"')
    execute(
        f'CREATE TABLE "{TABLE}" (LIKE "{OLD}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY) '
        "PARTITION BY RANGE (business_date)"
    )
    execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_pkey" PRIMARY KEY (id, business_date)')
    execute(
        f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{NEW_UNIQUE}" UNIQUE (location_id, transaction_id, business_date)'
    )
    execute(f'CREATE INDEX "parking_tx_keyset" ON "{TABLE}" (location_id, business_date, entry_time, id)')
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f'SELECT min(business_date), max(business_date), max(id) FROM "{OLD}"')
        oldest, newest, highest = cursor.fetchone()
    today = timezone.localdate()
    this_month = date(today.year, today.month, 1)
    first = add_months(this_month, -settings.PARKING_RETENTION_MONTHS)
    last = add_months(this_month, 3)
    if oldest is not None:
        first, last = min(first, oldest), max(last, newest)
    create_partitions(execute, first, last)
    execute(f'INSERT INTO "{TABLE}" SELECT * FROM "{OLD}"')
    execute(f'DROP TABLE "{OLD}"')
    if highest is not None:
        execute(f"SELECT setval(pg_get_serial_sequence('\"{TABLE}\"', 'id'), {int(highest)})")
    execute(f'ANALYZE "{TABLE}"')


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    execute(f'ALTER TABLE "{TABLE}" RENAME TO "{OLD}"')
    execute(f'ALTER TABLE "{OLD}" RENAME CONSTRAINT "{TABLE}_pkey" TO "{OLD}_pkey"')
    execute('ALTER INDEX "parking_tx_keyset" RENAME TO "parking_tx_keyset_old"')
    execute(
        f'CREATE TABLE "{TABLE}" (LIKE "{OLD}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY)'
    )
    execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_pkey" PRIMARY KEY (id)')
    execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{OLD_UNIQUE}" UNIQUE (location_id, transaction_id)')
    execute(f'CREATE INDEX "parking_tx_keyset" ON "{TABLE}" (location_id, business_date, entry_time, id)')
    execute(f'INSERT INTO "{TABLE}" SELECT * FROM "{OLD}"')
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f'SELECT max(id) FROM "{TABLE}"')
        (highest,) = cursor.fetchone()
    execute(f'DROP TABLE "{OLD}" CASCADE')
    if highest is not None:
        execute(f"SELECT setval(pg_get_serial_sequence('\"{TABLE}\"', 'id'), {int(highest)})")


class OnSQLite:
    """A constraint operation that changes the database only where the log is not partitioned (on PostgreSQL the
    RunPython below builds the new table with the new key)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class RemoveConstraintOnSQLite(OnSQLite, migrations.RemoveConstraint):
    pass


class AddConstraintOnSQLite(OnSQLite, migrations.AddConstraint):
    pass


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("cashless", "0002_location_reporting_dates"),
    ]

    operations = [
        RemoveConstraintOnSQLite(model_name="parkingtransaction", name=OLD_UNIQUE),
        AddConstraintOnSQLite(
            model_name="parkingtransaction",
            constraint=models.UniqueConstraint(fields=("location", "transaction_id", "business_date"), name=NEW_UNIQUE),
        ),
        migrations.RunPython(partition, unpartition),
    ]
