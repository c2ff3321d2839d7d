"""The bulk path of the e-parking import: a million-row log cannot go through per-row validation.

1. pandas reads the CSV in chunks, from the file itself (never the whole file in memory), and validates each
   column at once (vectorised), keeping only what the whole file needs afterwards: a 64-bit hash of each
   transaction id (for duplicates within the file; in a temporary file, so that memory does not grow with the
   file) and the business dates seen. Every bad cell is reported
   with its row and column.
2. PostgreSQL, the direct path (a file whose transaction ids are all new: the common case): each validated
   chunk, with its derived columns (business date and hour), is ``COPY``-ed straight into the log table by a
   thread while pandas validates the next chunk, inside a savepoint of the import's transaction. Each row is
   written once.
   PostgreSQL, the staging path (a re-upload, an overlap): when the direct ``COPY`` meets a transaction id
   already stored (a unique violation), the savepoint is rolled back and the file is loaded with ``COPY``
   into a temporary staging table (no indexes), the transaction ids already stored with other content are
   reported as conflicts, and ``INSERT ... SELECT ... WHERE NOT EXISTS`` adds what is new (identical rows
   are skipped: re-importing adds nothing).
   SQLite (the embedded default): the validated frames are compared with the stored rows in slices and
   written with ``bulk_create``: the same outcome, slower.
3. The business dates that got new rows are marked dirty; cashless.services rebuilds their summaries.

Everything runs in the import's transaction: a bad row, a conflict or a database error leaves nothing.
"""

import csv
import io
import logging
import queue
import re
import tempfile
import threading
import time
import zoneinfo
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from smarteconomy.importing import RowError
from smarteconomy.importing.readers import FileRefused, _decode, check_workbook, is_xlsx

from . import partitions
from .choices import PaymentMethod, TransactionStatus, VehicleClass
from .models import DirtyDate, ParkingTransaction

COLUMNS = (
    "transaction_id",
    "entry_time",
    "exit_time",
    "vehicle_class",
    "amount",
    "payment_method",
    "issuer",
    "status",
    "failure_reason",
    "gate",
)
REQUIRED = ("transaction_id", "entry_time", "vehicle_class", "amount", "payment_method", "status")
TEXT_LIMITS = {"transaction_id": 64, "issuer": 60, "failure_reason": 200, "gate": 60}
# Read by pandas on PostgreSQL (the staging table checks the other columns' lengths).
VALIDATED = ("transaction_id", "entry_time", "exit_time", "vehicle_class", "amount", "payment_method", "status")
CHOICES = {
    "vehicle_class": VehicleClass.values,
    "payment_method": PaymentMethod.values,
    "status": TransactionStatus.values,
}
MAX_AMOUNT = 100_000_000  # Rp 100 million: more is a typing error, not a parking fee
# A transaction cannot be later than the upload; a few minutes are allowed for a gate's clock running fast.
FUTURE_TOLERANCE = pd.Timedelta(minutes=10)
CHUNK_ROWS = 50_000
ISO_TIME = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?"
HAS_OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"
WITA = zoneinfo.ZoneInfo("Asia/Makassar")
logger = logging.getLogger(__name__)


class Clock:
    """Seconds per phase of one import, logged (the benchmark prints them)."""

    def __init__(self):
        self.start = self.last = time.perf_counter()
        self.laps = {}

    def lap(self, name):
        now = time.perf_counter()
        self.laps[name] = now - self.last
        self.last = now

    def log(self, rows, path):
        phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.laps.items())
        logger.info("parking import of %d rows (%s path): %s", rows, path, phases)


# The duplicate check's bounds (TransactionHashes): hashes read at a time, and about how many are sorted at a time.
HASH_BLOCK_ROWS = 1 << 20
HASH_PARTITION_ROWS = 1 << 20


class TransactionHashes:
    """The 64-bit hash of every row's transaction id, in file order (row n at position n - 2), kept in an anonymous
    temporary file (8 bytes a row on disk) rather than in memory: an import's memory does not grow with its file.
    The duplicates are found one slice of the hash space at a time (about HASH_PARTITION_ROWS hashes, read in blocks
    of HASH_BLOCK_ROWS), so that whatever the file's length the check holds a few times 8 MB."""

    def __init__(self):
        # An anonymous file (no name on disk): its space is freed when the import drops it.
        self.file = tempfile.TemporaryFile(prefix="se-parking-ids-")  # noqa: SIM115
        self.count = 0

    def append(self, hashes):
        self.file.seek(0, io.SEEK_END)
        self.file.write(np.ascontiguousarray(hashes, dtype=np.uint64).tobytes())
        self.count += len(hashes)

    def blocks(self):
        """(position of the block's first hash, the block's hashes), from the first row on."""
        self.file.flush()
        self.file.seek(0)
        start = 0
        while start < self.count:
            block = np.frombuffer(self.file.read(HASH_BLOCK_ROWS * 8), dtype=np.uint64)
            yield start, block
            start += len(block)

    def duplicates(self):
        """Rows whose transaction id appeared earlier in the file: [(row, first row)], sorted. By 64-bit hash: a
        false duplicate would need a hash collision (about 1 in 10^7 for a million ids)."""
        slices = max(1, -(-self.count // HASH_PARTITION_ROWS))
        pairs = []
        for part in range(slices):
            picked = []  # (position of the block's first hash, where in the block or None: all of it, the hashes)
            for start, block in self.blocks():
                if slices == 1:
                    picked.append((start, None, block))
                else:
                    where = np.flatnonzero(block % np.uint64(slices) == part)
                    picked.append((start, where, block[where]))
            hashes = np.concatenate([chosen for *_where, chosen in picked]) if picked else np.empty(0, np.uint64)
            # One sorted copy says whether any id repeats (the common answer: no); only then the positions and the
            # argsort that name the rows.
            ordered = np.sort(hashes)
            if not (ordered[1:] == ordered[:-1]).any():
                continue
            del ordered
            positions = np.concatenate(
                [start + (np.arange(len(chosen)) if where is None else where) for start, where, chosen in picked]
            )
            order = np.argsort(hashes, kind="stable")  # equal hashes keep the file's order
            sorted_hashes, sorted_positions = hashes[order], positions[order]
            for index in np.flatnonzero(sorted_hashes[1:] == sorted_hashes[:-1]) + 1:
                first = sorted_positions[np.searchsorted(sorted_hashes, sorted_hashes[index])]
                pairs.append((int(sorted_positions[index]) + 2, int(first) + 2))
        return sorted(pairs)

    def rows_of(self, transaction_ids):
        """The row numbers of some transaction ids (for the conflict report): {id: first row with it}."""
        if not transaction_ids:
            return {}
        wanted = pd.Series(list(transaction_ids))
        by_hash = {}
        for text, value in zip(wanted, pd.util.hash_pandas_object(wanted, index=False).to_numpy(), strict=True):
            by_hash.setdefault(int(value), []).append(text)
        targets = np.fromiter(by_hash, dtype=np.uint64)
        found = {}
        for start, block in self.blocks():
            for position in np.flatnonzero(np.isin(block, targets)):
                for text in by_hash[int(block[position])]:
                    found.setdefault(text, start + int(position) + 2)
        return found


@dataclass
class Checked:
    """What validation leaves for the write: counts, errors, and per-row keys of the whole file."""

    rows_total: int = 0
    errors: list = field(default_factory=list)
    errors_total: int = 0
    hashes: TransactionHashes = field(default_factory=TransactionHashes)  # of every row's transaction id
    dates: set = field(default_factory=set)
    frames: list = field(default_factory=list)  # validated frames (kept only for the SQLite path)
    locked: dict = field(default_factory=dict)  # {"YYYY-MM": locked message} of the location's approved months

    def error(self, row, column, message):
        self.errors_total += 1
        if len(self.errors) < settings.IMPORT_MAX_STORED_ERRORS:
            self.errors.append(RowError(row, column, message))

    def errors_at(self, rows, column, message, code="", period=""):
        for row in rows[: max(0, settings.IMPORT_MAX_STORED_ERRORS - len(self.errors))]:
            self.errors.append(RowError(int(row), column, message, code, period))
        self.errors_total += len(rows)


def _parse_slow(text):
    """Element by element: mixed naive and offset times in one chunk, or invalid ones."""
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    shaped = (text != "") & text.str.fullmatch(ISO_TIME).fillna(False).astype(bool)
    offset = shaped & text.str.contains(HAS_OFFSET, regex=True).fillna(False).astype(bool)
    naive = shaped & ~offset
    if naive.any():
        local = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
        result[naive] = local.dt.tz_localize(WITA, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    if offset.any():
        result[offset] = pd.to_datetime(text[offset], format="ISO8601", errors="coerce", utc=True)
    return result


def parse_times(text):
    """ISO 8601 strings (with an offset, or without one meaning WITA) to UTC timestamps; NaT where empty or
    not a valid time.

    A log's times usually share one form: then pandas' C parser does the whole column at once (all naive:
    WITA; all with one offset: that offset). Anything else falls back to the element-wise path."""
    try:
        parsed = pd.to_datetime(text.where(text != "", None), format="ISO8601", errors="raise")
    except (ValueError, TypeError, OverflowError):
        return _parse_slow(text)
    if not isinstance(parsed.dtype, pd.DatetimeTZDtype):
        if not pd.api.types.is_datetime64_dtype(parsed.dtype):
            return _parse_slow(text)
        parsed = parsed.dt.tz_localize(WITA, ambiguous="NaT", nonexistent="NaT")
    return parsed.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")


def check_chunk(frame, first_row, checked, keep_frame):
    """Validate one chunk (all cells are text); add its errors and keys to ``checked``. Returns the chunk
    with its parsed and derived columns when ``keep_frame`` and no row of the file so far is bad, else None.

    Works on numpy object arrays, one pass per check. The optional free-text columns (issuer, failure
    reason, gate) are only length-checked here when they were read (the frames are wanted); otherwise the
    staging table's column types check them and COPY names the row."""
    rows = np.arange(first_row, first_row + len(frame))
    cells = {name: frame[name].to_numpy(dtype=object) for name in frame.columns}
    empty = {name: values == "" for name, values in cells.items()}
    bad = np.zeros(len(frame), dtype=bool)

    def refuse(mask, column, message):
        nonlocal bad
        if mask.any():
            checked.errors_at(rows[mask], column, message)
            bad |= mask

    for column in REQUIRED:
        refuse(empty[column], column, _("This column is required."))
    for column, limit in TEXT_LIMITS.items():
        if column in cells:
            lengths = np.fromiter(map(len, cells[column]), dtype=np.int64, count=len(frame))
            refuse(lengths > limit, column, _("At most %(max)d characters allowed.") % {"max": limit})
    for column, allowed in CHOICES.items():
        wrong = ~pd.Series(cells[column]).isin(allowed).to_numpy() & ~empty[column]
        refuse(wrong, column, _("Unknown value. Use one of: %(values)s.") % {"values": ", ".join(allowed)})
    # to_numeric also takes "5.0", "1e3" and " 5": only plain ASCII digits are whole rupiah.
    digits = np.fromiter(
        (text.isdigit() and text.isascii() and len(text) <= 12 for text in cells["amount"]),
        dtype=bool,
        count=len(frame),
    )
    amount = pd.to_numeric(pd.Series(np.where(digits, cells["amount"], "0")), errors="coerce").to_numpy()
    refuse(~digits & ~empty["amount"], "amount", _("Give the amount in whole rupiah, digits only (e.g. 5000)."))
    refuse(digits & (amount > MAX_AMOUNT), "amount", _("The amount is above Rp 100.000.000."))
    times = {}
    for column in ("entry_time", "exit_time"):
        times[column] = parse_times(pd.Series(cells[column]))
        refuse(
            ~empty[column] & times[column].isna().to_numpy(),
            column,
            _("Not a valid time. Use ISO 8601, e.g. 2025-03-04T09:15:00+08:00 (no offset means WITA)."),
        )
    refuse(
        (times["exit_time"] < times["entry_time"]).to_numpy(),
        "exit_time",
        _("The exit time is before the entry time."),
    )
    latest = pd.Timestamp.now(tz=WITA) + FUTURE_TOLERANCE
    for column in ("entry_time", "exit_time"):
        refuse(
            (times[column] > latest).to_numpy(),
            column,
            _("This time is in the future (after %(now)s WITA): check the gate's clock.")
            % {"now": latest.strftime("%d/%m/%Y %H:%M")},
        )

    checked.hashes.append(pd.util.hash_array(cells["transaction_id"]))
    moment = times["exit_time"].fillna(times["entry_time"]).dt.tz_convert(WITA)
    if checked.locked:
        # The lock (smarteconomy.sources): a row whose business day falls in an approved month of the location is
        # refused, the whole file with it; one comparison per locked month, whatever the number of rows.
        months = (moment.dt.year * 100 + moment.dt.month).to_numpy()  # NaN where a time is bad
        has_exit = ~empty["exit_time"]
        for period, message in checked.locked.items():
            hit = (months == int(period[:4]) * 100 + int(period[5:7])) & ~bad
            if hit.any():
                for column, mask in (("exit_time", hit & has_exit), ("entry_time", hit & ~has_exit)):
                    if mask.any():
                        checked.errors_at(rows[mask], column, message, "period_locked", period)
                bad |= hit
    days = moment[~bad].dt.tz_localize(None).dt.normalize().unique()
    checked.dates.update(day.date() for day in pd.DatetimeIndex(days))
    if keep_frame and not checked.errors_total:
        # Arrays, not Series (their index is not the chunk's), and not to_numpy(): that would make a Python
        # object of every timestamp.
        frame = frame.copy()
        frame["entry"] = times["entry_time"].array
        frame["exit"] = times["exit_time"].array
        frame["amount_value"] = np.nan_to_num(amount).astype("int64")
        frame["moment"] = moment.array  # the payment moment in WITA: the business date and hour
        frame["business_hour"] = moment.dt.hour.to_numpy()
        frame["row"] = rows
        return frame
    return None


@dataclass
class Source:
    """The file's CSV text, read from where it lies (an uploaded or stored file is never read whole into
    memory): a seekable binary file and the offset of its first byte after a BOM."""

    file: object
    start: int = 0

    def rewind(self):
        self.file.seek(self.start)
        return self.file

    def blocks(self, size=1 << 20):
        file = self.rewind()
        while block := file.read(size):
            yield block


def _csv_source(data, filename):
    """(Source of the CSV text, delimiter, first line). ``data`` is bytes or a seekable binary file. An XLSX
    workbook is turned into CSV first (in memory: the workbook's limits bound it)."""
    file = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
    file.seek(0)
    head = file.read(4)
    if is_xlsx(head, filename):
        file.seek(0)
        workbook = file.read()
        check_workbook(workbook)  # the shared importer's limits: unpacked size, members, ratio, XML entities
        try:
            frame = pd.read_excel(io.BytesIO(workbook), dtype=str, keep_default_na=False)
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            raise FileRefused(_("The workbook cannot be opened: %(error)s") % {"error": exc}) from None
        del workbook
        file = io.BytesIO(frame.to_csv(index=False).encode())
        head = file.read(4)
    source = Source(file, 3 if head.startswith(b"\xef\xbb\xbf") else 0)
    first_line = source.rewind().readline(1 << 16).split(b"\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter.encode()) for delimiter in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    return source, delimiter, first_line


def _is_blank(source):
    return all(not block.strip() for block in source.blocks())


def read_header(first_line, delimiter):
    first_line = first_line.decode("utf-8", errors="replace").strip("\r")
    return [name.strip().strip('"').strip().lower() for name in first_line.split(delimiter)]


def check_header(header):
    errors = []
    seen = set()
    for name in header:
        if name in seen:
            errors.append(RowError(1, name, _("This column appears twice in the header.")))
        elif name not in COLUMNS:
            errors.append(
                RowError(1, name, _("Unknown column. The columns are: %(columns)s.") % {"columns": ", ".join(COLUMNS)})
            )
        seen.add(name)
    for name in REQUIRED:
        if name not in seen:
            errors.append(RowError(1, name, _("Required column is missing from the header.")))
    return errors


def prepare(data, filename):
    """The file's Source and its header, checked. Returns (Checked, Source or None, delimiter, header)."""
    checked = Checked()
    try:
        source, delimiter, first_line = _csv_source(data, filename)
    except FileRefused as refused:
        checked.error(refused.row, refused.column, refused.message)
        return checked, None, ",", []
    if _is_blank(source):
        checked.error(None, "", _("The file is empty."))
        return checked, source, delimiter, []
    header = read_header(first_line, delimiter)
    header_errors = check_header(header)
    if header_errors:
        for error in header_errors:
            checked.error(error.row, error.column, error.message)
    return checked, source, delimiter, header


def _ragged_row(source, delimiter, width):
    """(row number, cells) of the first row with more cells than the header, or (None, 0)."""
    text = io.TextIOWrapper(source.rewind(), encoding="utf-8", newline="")
    try:
        for number, cells in enumerate(csv.reader(text, delimiter=delimiter), start=1):
            if len(cells) > width:
                return number, len(cells)
    except (csv.Error, UnicodeDecodeError):
        return None, 0
    finally:
        text.detach()  # the file stays open: it is the caller's
    return None, 0


def validate_rows(checked, source, delimiter, header, *, keep_frames, sink=None):
    """Read and check every row (pandas, by chunks, from the file). Nothing touches the database here.

    ``keep_frames``: keep every validated chunk with its derived columns in ``checked.frames`` (SQLite).
    ``sink``: a callable given each such chunk instead, as soon as it is validated, while no row of the file
    is bad (the direct COPY on PostgreSQL). With neither, pandas reads only the columns it checks (the
    staging table's COPY checks the others, and the field count); otherwise it reads them all, so that a
    row with too many cells is an error, not silently cut."""
    read_all = keep_frames or sink is not None
    wanted = COLUMNS if read_all else VALIDATED
    positions = [index for index, name in enumerate(header) if name in wanted]
    usecols = None if read_all else positions
    try:
        reader = pd.read_csv(
            source.rewind(),
            sep=delimiter,
            usecols=usecols,
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            chunksize=CHUNK_ROWS,
            encoding="utf-8",
            engine="c",
        )
        first_row = 2
        with reader:
            for chunk in reader:
                chunk.columns = header if usecols is None else [header[index] for index in positions]
                for name in wanted:
                    if name not in chunk.columns:
                        chunk[name] = ""
                frame = check_chunk(chunk[list(wanted)], first_row, checked, read_all)
                if frame is not None and sink is not None:
                    sink(frame)
                elif frame is not None:
                    checked.frames.append(frame)
                checked.rows_total += len(chunk)
                first_row += len(chunk)
    except UnicodeDecodeError:
        try:
            _decode(source.rewind().read())  # only to name the line of a file that is not UTF-8
        except FileRefused as refused:
            checked.error(refused.row, "", refused.message)
    except (pd.errors.ParserError, ValueError) as exc:
        # pandas names the line but not in the user's terms (and not at all with usecols): find the row.
        row, cells = _ragged_row(source, delimiter, len(header))
        if row is None:
            checked.error(None, "", _("The file cannot be read as CSV: %(error)s") % {"error": exc})
        else:
            checked.error(
                row,
                "",
                _("This row has %(cells)d cells; the header has %(header)d. A comma inside a value needs quotes.")
                % {"cells": cells, "header": len(header)},
            )
    if checked.rows_total == 0 and not checked.errors:
        checked.error(None, "", _("The file has a header but no data rows."))
    for row, first in checked.hashes.duplicates():
        checked.error(
            row,
            "transaction_id",
            _("Duplicate of row %(row)d: the same transaction_id appears twice in this file.") % {"row": first},
        )
    checked.errors.sort(key=lambda error: (error.row or 0, error.column))
    return checked


def validate_file(data, filename, *, keep_frames):
    """prepare + validate_rows, without loading anything."""
    checked, source, delimiter, header = prepare(data, filename)
    if not checked.errors_total:
        validate_rows(checked, source, delimiter, header, keep_frames=keep_frames)
    return checked, source, delimiter, header


# --- Writing -----------------------------------------------------------------------------------------------------

COMPARED = (
    "entry_time",
    "exit_time",
    "vehicle_class",
    "amount",
    "payment_method",
    "issuer",
    "status",
    "failure_reason",
    "gate",
)
STAGING_COLUMNS = {
    "transaction_id": "text",
    "entry_time": "timestamptz",
    "exit_time": "timestamptz",
    "vehicle_class": "text",
    "amount": "bigint",
    "payment_method": "text",
    "issuer": "varchar(60)",
    "status": "text",
    "failure_reason": "varchar(200)",
    "gate": "varchar(60)",
}
MAX_CONFLICTS_REPORTED = 1000


@dataclass
class Written:
    created: int = 0
    conflicts: list = field(default_factory=list)  # [(transaction_id, stored values dict or None)]
    conflicts_total: int = 0
    dates: set = field(default_factory=set)  # dates with new rows (the generic path knows them exactly)
    path: str = ""  # how the rows were written: "direct" (COPY into the log), "staging" or "generic"


def conflict_message(transaction_id):
    return _(
        "Transaction %(id)s is already stored with other content; it is not overwritten. Correct the file "
        "or ask the administrators to void the stored transaction."
    ) % {"id": transaction_id}


class PostgresLoad:
    """The PostgreSQL write, in a thread while pandas validates the same bytes: COPY the file into a
    temporary staging table (no indexes), look for transaction ids stored with other content (conflicts),
    and INSERT ... SELECT what is new. PostgreSQL works on its own core; the thread waits on the socket
    without holding the GIL. Nothing is committed here: if pandas finds a bad row, the import's transaction
    rolls all of it back, so the file is still all or nothing.

    The main thread must not use the database connection between ``start`` and ``join``."""

    def __init__(self, location, source, delimiter, header, dates):
        self.location, self.source, self.delimiter, self.header = location, source, delimiter, header
        self.first_day, self.last_day = min(dates), max(dates)  # the file's business dates (validated)
        self.error = None
        self.written = Written()
        self.laps = {}
        self.thread = None

    def start(self):
        columns_sql = ", ".join(f"{name} {kind}" for name, kind in STAGING_COLUMNS.items())
        with connection.cursor() as cursor:
            # Times without an offset are WITA while COPY parses them; back to UTC before Django reads again.
            cursor.execute("SET LOCAL TIME ZONE 'Asia/Makassar'")
            cursor.execute("DROP TABLE IF EXISTS cashless_staging")
            cursor.execute(f"CREATE TEMPORARY TABLE cashless_staging ({columns_sql}) ON COMMIT DROP")
        self.raw = connection.connection  # psycopg's connection: Django's wrapper is per thread
        self.thread = threading.Thread(target=self._run, name="cashless-bulk-load", daemon=True)
        self.thread.start()
        return self

    def _run(self):
        started = time.perf_counter()
        try:
            with self.raw.cursor() as cursor:
                self._copy(cursor)
                self.laps["staging copy"] = time.perf_counter() - started
                cursor.execute("SET LOCAL TIME ZONE 'UTC'")
                self._insert(cursor)
        except psycopg.Error as exc:
            self.error = exc
        self.laps["conflict check and insert"] = time.perf_counter() - started - self.laps.get("staging copy", 0)

    def _copy(self, cursor):
        header_sql = ", ".join(self.header)
        options = f"FORMAT csv, HEADER true, DELIMITER '{self.delimiter}', FORCE_NULL ({header_sql})"
        with cursor.copy(f"COPY cashless_staging ({header_sql}) FROM STDIN WITH ({options})") as copy:
            for block in self.source.blocks():
                copy.write(block)

    def _insert(self, cursor):
        table = ParkingTransaction._meta.db_table
        location_id = self.location.pk
        moment = "coalesce(s.exit_time, s.entry_time) AT TIME ZONE 'Asia/Makassar'"
        # A transaction is (location, id, business date); the file's first and last dates as constants let
        # PostgreSQL read only the partitions of the file's months.
        same = (
            f"t.location_id = {int(location_id)} AND t.transaction_id = s.transaction_id "
            f"AND t.business_date = ({moment})::date "
            f"AND t.business_date BETWEEN '{self.first_day:%Y-%m-%d}' AND '{self.last_day:%Y-%m-%d}'"
        )
        partitions.ensure(cursor, partitions.months_between(self.first_day, self.last_day))
        differs = " OR ".join(
            f"t.{name} IS DISTINCT FROM s.{name}"
            if STAGING_COLUMNS[name] in ("timestamptz", "bigint")
            else f"t.{name} IS DISTINCT FROM coalesce(s.{name}, '')"
            for name in COMPARED
        )
        # One pass over the file's rows: how many are stored, how many of those differ, how many in all.
        cursor.execute(
            f"SELECT count(t.id), count(t.id) FILTER (WHERE {differs}), count(*) "
            f"FROM cashless_staging s LEFT JOIN {table} t ON {same}"
        )
        already_stored, differing, total = cursor.fetchone()
        if differing:
            cursor.execute(
                f"SELECT s.transaction_id FROM cashless_staging s JOIN {table} t ON {same} WHERE {differs} "
                f"LIMIT {MAX_CONFLICTS_REPORTED}"
            )
            self.written.conflicts = [row[0] for row in cursor.fetchall()]
            self.written.conflicts_total = differing
            return
        if already_stored == total:  # a re-import of stored rows: nothing to add
            cursor.execute("DROP TABLE cashless_staging")
            return
        # The rows stored already are identical: skip them. A concurrent import of the same ids fails on the
        # unique index instead, and writes nothing.
        new_only = f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {same})" if already_stored else ""
        cursor.execute(
            f"INSERT INTO {table} (location_id, transaction_id, entry_time, exit_time, vehicle_class, amount, "
            "payment_method, issuer, status, failure_reason, gate, business_date, business_hour) "
            "SELECT %s, s.transaction_id, s.entry_time, s.exit_time, s.vehicle_class, s.amount, s.payment_method, "
            "coalesce(s.issuer, ''), s.status, coalesce(s.failure_reason, ''), coalesce(s.gate, ''), "
            f"({moment})::date, extract(hour FROM {moment})::smallint FROM cashless_staging s {new_only}",
            [location_id],
        )
        self.written.created = cursor.rowcount
        cursor.execute("DROP TABLE cashless_staging")

    def wait(self):
        self.thread.join()

    def join(self, clock):
        """Wait for the thread. Returns (Written, RowError or None): the RowError names the row PostgreSQL
        could not load (what pandas does not check: an optional text too long, a short row missing optional
        cells at its end)."""
        self.thread.join()
        clock.lap("waited for PostgreSQL")
        clock.laps.update({f"  {name}": seconds for name, seconds in self.laps.items()})
        if isinstance(self.error, psycopg.errors.DataError):
            context = self.error.diag.context or ""
            line = re.search(r"line (\d+)", context)
            column = re.search(r'column "?(\w+)', f"{context} {self.error.diag.message_primary}")
            return self.written, RowError(
                int(line.group(1)) if line else None,
                column.group(1) if column else "",
                _("This row cannot be loaded: %(error)s") % {"error": self.error.diag.message_primary},
            )
        if self.error is not None:
            with connection.wrap_database_errors:  # as django.db's error, which the shared importer reports
                raise self.error
        return self.written, None


DIRECT_COLUMNS = ("location_id", *COLUMNS, "business_date", "business_hour")
HOURS = [str(hour) for hour in range(24)]
_END, _ABORT = object(), object()  # the end of the file; a bad row (the COPY-ed chunks are rolled back)


def copy_text(frame, location_id):
    """A validated chunk as the CSV that COPY loads into the log: the times as pandas parsed them (UTC, so
    that the session's time zone does not matter), the amount as a number, the business date and hour as
    pandas derived them (the dates marked dirty are the same ones). Joined by Python's str.join, which is
    several times faster than DataFrame.to_csv; a text column holding a comma, a quote or a line break is
    quoted whole."""

    def utc_text(values):
        moments = values.to_numpy(dtype="datetime64[us]")
        missing = np.isnat(moments)
        whole = not (moments[~missing].astype("int64") % 1_000_000).any()  # no fractions: shorter text
        text = np.datetime_as_string(moments, unit="s" if whole else "us", timezone="UTC")
        return np.where(missing, "", text).tolist() if missing.any() else text.tolist()

    def text(name):
        values = frame[name].tolist()
        joined = "".join(values)
        if any(special in joined for special in (",", '"', "\n", "\r")):
            return ['"' + value.replace('"', '""') + '"' for value in values]
        return values

    local = frame["moment"].dt.tz_localize(None).to_numpy(dtype="datetime64[D]")
    columns = (
        [str(int(location_id))] * len(frame),
        text("transaction_id"),
        utc_text(frame["entry"]),
        utc_text(frame["exit"]),
        text("vehicle_class"),
        frame["amount"].tolist(),  # validated: ASCII digits only
        text("payment_method"),
        text("issuer"),
        text("status"),
        text("failure_reason"),
        text("gate"),
        np.datetime_as_string(local, unit="D").tolist(),
        list(map(HOURS.__getitem__, frame["business_hour"].tolist())),
    )
    return ("\n".join(map(",".join, zip(*columns, strict=True))) + "\n").encode()


class DirectLoad:
    """The direct PostgreSQL write: a thread ``COPY``-s each validated chunk straight into the log table while
    pandas validates the next one, inside a savepoint. Each row is written once: the common case (a day's or
    a month's new log) costs about one COPY.

    A transaction id already stored (a re-upload, an overlap, or a duplicate within the file) makes the COPY
    fail with a unique violation: ``finish`` then rolls the savepoint back and says so, and the caller takes
    the staging path (which reports conflicts and skips identical rows). A bad row found by pandas stops the
    feed and aborts the COPY. The main thread must not use the database connection between ``start`` and
    ``finish``."""

    def __init__(self, location):
        self.location = location
        self.error = None
        self.created = 0
        self.first_row = 2  # the file's row of the chunk being COPY-ed
        self.sent = 0  # rows handed to the COPY
        self.seconds_serialising = 0.0
        self.queue = queue.Queue(maxsize=4)
        self.thread = None
        self.savepoint = None

    def start(self):
        self.savepoint = transaction.savepoint()
        self.raw = connection.connection  # psycopg's connection: Django's wrapper is per thread
        self.thread = threading.Thread(target=self._run, name="cashless-direct-copy", daemon=True)
        self.thread.start()
        return self

    @property
    def failed(self):
        return self.error is not None

    def __call__(self, frame):
        """The ``sink`` of validate_rows: one validated chunk."""
        if self.failed:
            return  # the COPY has already failed: the staging path will load the file
        if frame.empty:
            return  # nothing to copy (a workbook's empty rows: validate_rows reports a file without data)
        started = time.perf_counter()
        text = copy_text(frame, self.location.pk)
        self.seconds_serialising += time.perf_counter() - started
        self.sent += len(frame)
        moments = frame["moment"]
        months = set(partitions.months_between(moments.min().date(), moments.max().date()))
        self._put((int(frame["row"].iloc[0]), text, months))

    def _put(self, item):
        while self.thread.is_alive():
            try:
                self.queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def _run(self):
        table = ParkingTransaction._meta.db_table
        columns = ", ".join(DIRECT_COLUMNS)
        statement = (
            f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (issuer, failure_reason, gate))"
        )
        try:
            with self.raw.cursor() as cursor:
                # One COPY per chunk: a stored transaction id (a re-upload) is then known after the first chunk,
                # and the feed stops there instead of sending the whole file to a COPY that has failed.
                ready = set()  # the months whose partition exists (PostgreSQL creates a missing one here)
                while (item := self.queue.get()) is not _END:
                    if item is _ABORT:
                        break
                    self.first_row, text, months = item
                    if not months <= ready:
                        partitions.ensure(cursor, months)
                        ready |= months
                    with cursor.copy(statement) as copy:
                        copy.write(text)
                    self.created += cursor.rowcount
        except psycopg.Error as exc:
            self.error = exc
        finally:
            while True:  # let a producer blocked on a full queue go
                try:
                    self.queue.get_nowait()
                except queue.Empty:
                    break

    def finish(self, *, abort):
        """End the load (``abort``: pandas found a bad row; what was COPY-ed is rolled back). Returns "done",
        "conflict" (a transaction id already stored: rolled back, the caller takes the staging path), "aborted"
        or "error" (another database error, rolled back: ``refused`` reports or raises it)."""
        self._put(_ABORT if abort else _END)
        self.thread.join()
        if abort:
            transaction.savepoint_rollback(self.savepoint)
            return "aborted"
        if isinstance(self.error, psycopg.errors.UniqueViolation):
            transaction.savepoint_rollback(self.savepoint)
            return "conflict"
        if self.error is not None:
            transaction.savepoint_rollback(self.savepoint)
            return "error"
        transaction.savepoint_commit(self.savepoint)
        return "done"

    def refused(self):
        """The error PostgreSQL gave, as a RowError (a DataError names its row) or raised as Django's error."""
        if isinstance(self.error, psycopg.errors.DataError | psycopg.errors.IntegrityError):
            context = self.error.diag.context or ""
            line = re.search(r"line (\d+)", context)
            column = re.search(r'column "?(\w+)', f"{context} {self.error.diag.message_primary}")
            return RowError(
                self.first_row + int(line.group(1)) - 1 if line else None,  # line 1 of a chunk's COPY: its first row
                column.group(1) if column else "",
                _("This row cannot be loaded: %(error)s") % {"error": self.error.diag.message_primary},
            )
        with connection.wrap_database_errors:  # as django.db's error, which the shared importer reports
            raise self.error


def _stored_values(transaction):
    return {name: getattr(transaction, name) for name in COMPARED}


def _file_values(row):
    return {
        "entry_time": row.entry.to_pydatetime(),
        "exit_time": None if pd.isna(row.exit) else row.exit.to_pydatetime(),
        "vehicle_class": row.vehicle_class,
        "amount": int(row.amount_value),
        "payment_method": row.payment_method,
        "issuer": row.issuer,
        "status": row.status,
        "failure_reason": row.failure_reason,
        "gate": row.gate,
    }


def write_generic(location, frames):
    """The portable path (SQLite): compare with stored rows slice by slice, then bulk_create what is new."""
    written = Written()
    new = []
    for frame in frames:
        frame["business_date"] = frame["moment"].dt.date
        for start in range(0, len(frame), 500):
            part = frame.iloc[start : start + 500]
            # A transaction is (location, id, business date), as the unique key (and PostgreSQL's partitions) say.
            stored = {
                (t.transaction_id, t.business_date): t
                for t in ParkingTransaction.objects.filter(
                    location=location, transaction_id__in=list(part["transaction_id"])
                )
            }
            for row in part.itertuples(index=False):
                values = _file_values(row)
                existing = stored.get((row.transaction_id, row.business_date))
                if existing is None:
                    new.append((row, values))
                elif _stored_values(existing) != values:
                    written.conflicts_total += 1
                    if len(written.conflicts) < MAX_CONFLICTS_REPORTED:
                        written.conflicts.append(row.transaction_id)
    if written.conflicts:
        return written
    objects = []
    for row, values in new:
        objects.append(
            ParkingTransaction(
                location=location,
                transaction_id=row.transaction_id,
                business_date=row.business_date,
                business_hour=int(row.business_hour),
                **values,
            )
        )
        written.dates.add(row.business_date)
    ParkingTransaction.objects.bulk_create(objects, batch_size=2000)
    written.created = len(objects)
    return written


def mark_dates_dirty(location, dates):
    DirtyDate.objects.bulk_create(
        [DirtyDate(location=location, business_date=day) for day in sorted(dates)],
        update_conflicts=True,
        unique_fields=["location", "business_date"],
        update_fields=["marked_at"],
    )
