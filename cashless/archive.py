"""Archiving months of the e-parking log out of the database, and restoring them (PostgreSQL only).

Archive a month: its partition is detached from the log and moved to the schema ``parking_archive`` (one short
transaction: from then on no page, export or rebuild sees the month's rows), dumped with ``pg_dump`` (plain SQL,
gzip) into ``PARKING_ARCHIVE_DIR/YYYY-MM.sql.gz``, the dump's SHA-256 recorded, the dump restored into a scratch
schema and compared with the partition (row count and a digest of every row, in id order), and only then the
partition dropped and the month recorded as archived (ParkingArchive). Any failure before the drop attaches the
partition again and removes the dump: nothing is lost.

The month's daily summaries are not touched (a summary is rebuilt only for dates an import marks dirty, and an
import refuses an archived month), so the indicators and the scorecard's history do not change.

Restore: the recorded checksum is checked, the dump restored into ``parking_archive``, compared with the recorded
row count and attached to the log again, identical row for row. Nothing is marked dirty: a locked month keeps its
figures.
"""

import gzip
import hashlib
import os
import subprocess
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import partitions
from .models import ParkingArchive, ParkingTransaction

SCHEMA = "parking_archive"
VERIFY_SCHEMA = "parking_archive_verify"


class ArchiveError(Exception):
    """An archive or restore that cannot be done; the message says why (nothing was changed, or it was undone)."""


@dataclass
class Month:
    month: date
    state: str  # "log" (a partition of the log), "archived" or "restored"
    rows: int
    file: str = ""


def _require_postgres():
    if not partitions.partitioned():
        raise ArchiveError(_("Archiving the parking log needs PostgreSQL: on SQLite the log is one table."))


def _pg_env():
    """psql and pg_dump reach the database Django uses (the test database in tests)."""
    conf = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if conf.get(key):
            env[variable] = str(conf[key])
    env["PGDATABASE"] = conf["NAME"]
    return env


def _run(command, **kwargs):
    try:
        return subprocess.run(command, env=_pg_env(), check=True, capture_output=True, **kwargs)
    except FileNotFoundError as exc:
        raise ArchiveError(_("%(program)s is not installed (postgresql-client).") % {"program": command[0]}) from exc
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode("utf-8", "replace").strip()[-500:]
        raise ArchiveError(f"{command[0]}: {message}") from exc


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _fingerprint(cursor, qualified):
    """(rows, digest of every row in id order) of a table."""
    cursor.execute(f"SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY t.id)), '') FROM {qualified} t")
    return tuple(cursor.fetchone())


def _restore_into(path, schema):
    """Run the dump (made from ``parking_archive``) with psql into ``schema``, in one transaction. Only the
    statements name the schema; the rows between COPY and its end mark are left as they are."""
    lines = []
    in_rows = False
    with gzip.open(path, "rt", encoding="utf-8") as dump:
        for line in dump:
            if in_rows:
                in_rows = line != "\\.\n"
            else:
                in_rows = line.startswith("COPY ") and line.rstrip().endswith("FROM stdin;")
                line = line.replace(f"{SCHEMA}.", f"{schema}.")
            lines.append(line)
    _run(
        ["psql", "--quiet", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "--single-transaction"],
        input="".join(lines).encode(),
    )


def _path(month):
    return settings.PARKING_ARCHIVE_DIR / f"{month:%Y-%m}.sql.gz"


def _attach(cursor, name, month):
    table = ParkingTransaction._meta.db_table
    cursor.execute(f'ALTER TABLE {SCHEMA}."{name}" SET SCHEMA public')
    cursor.execute(
        f'ALTER TABLE "{table}" ATTACH PARTITION "{name}" '
        f"FOR VALUES FROM ('{month:%Y-%m-%d}') TO ('{partitions.add_months(month, 1):%Y-%m-%d}')"
    )


def months():
    """Every month of the log (its partitions, with their row counts) and every archived month."""
    _require_postgres()
    listed = {}
    with connection.cursor() as cursor:
        for month, name in sorted(partitions.existing(cursor).items()):
            cursor.execute(f'SELECT count(*) FROM "{name}"')
            listed[month] = Month(month, "log", cursor.fetchone()[0])
    for record in ParkingArchive.objects.all():
        if record.state == ParkingArchive.State.ARCHIVED or record.month not in listed:
            listed[record.month] = Month(record.month, record.state, record.rows, record.file)
    return [listed[month] for month in sorted(listed)]


def due(today=None):
    """The months past the retention period that are still in the log with rows (oldest first). A month restored
    on purpose stays until it is archived again by name; an empty partition has nothing to archive."""
    _require_postgres()
    first_kept = partitions.window(today)[0]
    restored = set(ParkingArchive.objects.filter(state=ParkingArchive.State.RESTORED).values_list("month", flat=True))
    found = []
    with connection.cursor() as cursor:
        for month, name in sorted(partitions.existing(cursor).items()):
            if month < first_kept and month not in restored:
                cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")')
                if cursor.fetchone()[0]:
                    found.append(month)
    return found


def archive_month(month):
    """Archive one month (its first day). Returns the ParkingArchive record."""
    _require_postgres()
    month = partitions.month_start(month)
    if ParkingArchive.objects.filter(month=month, state=ParkingArchive.State.ARCHIVED).exists():
        raise ArchiveError(_("%(month)s is archived already.") % {"month": f"{month:%Y-%m}"})
    name = partitions.partition_name(month)
    table = ParkingTransaction._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if month not in partitions.existing(cursor):
            raise ArchiveError(_("The parking log has no partition for %(month)s.") % {"month": f"{month:%Y-%m}"})
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        cursor.execute(f'ALTER TABLE "{table}" DETACH PARTITION "{name}"')
        cursor.execute(f'ALTER TABLE "{name}" SET SCHEMA {SCHEMA}')
    path = _path(month)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        _run(
            [
                "pg_dump",
                "--format=plain",
                "--compress=6",
                "--no-owner",
                "--no-privileges",
                f"--table={SCHEMA}.{name}",
                f"--file={partial}",
            ]
        )
        os.replace(partial, path)
        with connection.cursor() as cursor:
            expected = _fingerprint(cursor, f'{SCHEMA}."{name}"')
            cursor.execute(f"DROP SCHEMA IF EXISTS {VERIFY_SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {VERIFY_SCHEMA}")
        try:
            _restore_into(path, VERIFY_SCHEMA)
            with connection.cursor() as cursor:
                restored = _fingerprint(cursor, f'{VERIFY_SCHEMA}."{name}"')
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {VERIFY_SCHEMA} CASCADE")
        if restored != expected:
            raise ArchiveError(
                _("The dump of %(month)s does not restore identically (%(restored)s rows of %(rows)s).")
                % {"month": f"{month:%Y-%m}", "restored": restored[0], "rows": expected[0]}
            )
        with transaction.atomic(), connection.cursor() as cursor:
            record, _created = ParkingArchive.objects.update_or_create(
                month=month,
                defaults={
                    "state": ParkingArchive.State.ARCHIVED,
                    "file": path.name,
                    "sha256": _sha256(path),
                    "size": path.stat().st_size,
                    "rows": expected[0],
                    "archived_at": timezone.now(),
                    "restored_at": None,
                },
            )
            cursor.execute(f'DROP TABLE {SCHEMA}."{name}"')
    except BaseException:
        with transaction.atomic(), connection.cursor() as cursor:
            _attach(cursor, name, month)
        for leftover in (path, path.with_name(path.name + ".partial")):
            leftover.unlink(missing_ok=True)
        raise
    return record


def archive_due(today=None):
    """Archive every month past the retention period. Returns the records."""
    return [archive_month(month) for month in due(today)]


def restore_month(month):
    """Bring an archived month back into the log, identical row for row. Returns the ParkingArchive record."""
    _require_postgres()
    month = partitions.month_start(month)
    record = ParkingArchive.objects.filter(month=month, state=ParkingArchive.State.ARCHIVED).first()
    if record is None:
        raise ArchiveError(_("%(month)s is not archived.") % {"month": f"{month:%Y-%m}"})
    path = settings.PARKING_ARCHIVE_DIR / record.file
    if not path.exists():
        raise ArchiveError(_("The dump %(path)s is missing.") % {"path": path})
    if _sha256(path) != record.sha256:
        raise ArchiveError(_("The dump %(path)s is not the one archived (its checksum differs).") % {"path": path})
    name = partitions.partition_name(month)
    table = ParkingTransaction._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        present = partitions.existing(cursor)
        if month in present:
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")')
            if cursor.fetchone()[0]:
                raise ArchiveError(
                    _("The parking log has rows of %(month)s again; it cannot be restored over them.")
                    % {"month": f"{month:%Y-%m}"}
                )
            cursor.execute(f'ALTER TABLE "{table}" DETACH PARTITION "{name}"')
            cursor.execute(f'DROP TABLE "{name}"')
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        cursor.execute(f'DROP TABLE IF EXISTS {SCHEMA}."{name}"')
    _restore_into(path, SCHEMA)
    with transaction.atomic(), connection.cursor() as cursor:
        rows, _digest = _fingerprint(cursor, f'{SCHEMA}."{name}"')
        if rows != record.rows:
            cursor.execute(f'DROP TABLE {SCHEMA}."{name}"')
            raise ArchiveError(
                _("The dump of %(month)s restored %(restored)s rows, not %(rows)s.")
                % {"month": f"{month:%Y-%m}", "restored": rows, "rows": record.rows}
            )
        _attach(cursor, name, month)
        record.state = ParkingArchive.State.RESTORED
        record.restored_at = timezone.now()
        record.save(update_fields=["state", "restored_at"])
    return record


def archived_months():
    """{"YYYY-MM": message} of the archived months, which an import refuses (as it refuses a locked month)."""
    return {
        f"{month:%Y-%m}": _("%(month)s is archived out of the parking log; an administrator restores it first.")
        % {"month": f"{month:%Y-%m}"}
        for month in ParkingArchive.objects.filter(state=ParkingArchive.State.ARCHIVED).values_list("month", flat=True)
    }
