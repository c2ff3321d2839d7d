"""The Importer base class, the registry of importers and ``run_import``, the one way files get in."""

import errno
import hashlib
import logging
import os
import re
import uuid
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..choices import ImportStatus
from ..models import ImportBatch
from ..registries import Registry
from ..sources import PeriodLocked, has_locks, locked_hits
from .columns import CellError
from .readers import FileRefused, read_table

logger = logging.getLogger(__name__)

DISK_FULL_MESSAGE = gettext_lazy(
    "The server has no room to store this file right now; nothing was imported. Please try again later and tell "
    "the IT office (Diskominfo) if it happens again."
)


class ImportError_(Exception):
    """Raised by ``Importer.save`` to refuse the whole file after validation (nothing is written)."""


class UnknownImporter(LookupError):
    """An importer code declared twice, or asked for but not declared."""


# Each app's importers.py declares its importers (``@register`` on the class); in the order of declaration.
IMPORTERS = Registry("importers", noun="Importer", error=UnknownImporter)
register = IMPORTERS.register  # a class decorator: the upload page, the commands and the API offer the importer
get_importer = IMPORTERS.get


def importers_for(user):
    """The importers the shared upload page offers to ``user`` (not those with an upload page of their own)."""
    return [cls for cls in IMPORTERS.all() if cls.shared_upload and user.has_perm(cls.permission)]


@dataclass
class RowError:
    row: int | None
    column: str
    message: str
    code: str = ""  # "period_locked" for a row in a locked period (the API answers 409)
    period: str = ""  # the locked period of such a row

    def as_dict(self):
        stored = {"row": self.row, "column": storable(self.column), "message": storable(self.message)}
        if self.code:
            stored.update(code=self.code, period=self.period)
        return stored


def storable(text):
    """``text`` as the import log can store it: PostgreSQL refuses the NUL character in text and JSON, and a
    refused file may well quote one (a binary file read as CSV), so it is shown as U+FFFD instead."""
    return str(text).replace("\x00", "\ufffd")


@dataclass
class ImportContext:
    """What an importer knows while it validates and saves one file."""

    user: object
    office: str
    decimal_comma: bool = False
    tz: object = field(default_factory=lambda: zoneinfo.ZoneInfo(settings.TIME_ZONE))
    warnings: list = field(default_factory=list)
    params: dict = field(default_factory=dict)  # what the caller fixes for the whole file (e.g. a location)
    _lookups: dict = field(default_factory=dict)

    def lookup_table(self, column):
        if column.name not in self._lookups:
            self._lookups[column.name] = column.lookup()
        return self._lookups[column.name]

    def warn(self, message, row=None, column=""):
        self.warnings.append(RowError(row, column, message))


class Importer:
    """Declare ``code``, ``label``, ``office``, ``permission``, ``columns`` and ``key``; implement ``save``.

    ``clean_row`` may check a row across columns (raise CellError or return [(column, message)]);
    ``clean_all`` may check the rows together (e.g. completeness) and add warnings; ``save`` writes
    the valid rows and returns (created, updated). ``save`` runs inside the import's transaction.
    """

    do_not_call_in_templates = True  # templates read the class's attributes
    code = ""
    bulk = False
    shared_upload = True  # False: the app has its own upload page (e.g. scoped to a location)
    label = ""
    description = ""
    office = ""
    permission = ""
    columns = ()
    key = ()  # column names whose combination must be unique within one file
    # The lock (smarteconomy.sources): the data source (or a mark_dirty code it covers) whose approved periods
    # refuse the rows dated in them, and the columns with a row's dates. Every such row is listed and the whole
    # file is refused, nothing written, before ``save`` runs (``mark_dirty`` in ``save`` still checks too).
    lock_source = ""
    lock_columns = ()
    # A layout other than one row per record (e.g. a published wide table): ``read`` reshapes the file into the
    # header and rows of ``columns``, which are then validated and saved like any other file. Problems that only
    # the layout can see (a total that does not add up) go to ``reading_errors`` with their row and column.
    options_form = None  # a form of the choices fixed for the whole file (passed as ``params``), or None
    offers_template = True  # False: the file is a published table, not a template to fill in
    layout_help = ()  # sentences describing the layout, shown on the upload page instead of the column list

    def __init__(self, ctx):
        self.ctx = ctx
        self.reading_errors = []

    def read(self, data, filename):
        """(header, rows, decimal_comma) of the file; rows yields (row_number, [raw cells])."""
        return read_table(data, filename)

    @classmethod
    def column_names(cls):
        return [column.name for column in cls.columns]

    def clean_row(self, values, row_number):
        return []

    def clean_all(self, rows):
        """rows: [(row_number, values)]. Return [RowError] to refuse the file; call ctx.warn for warnings."""
        return []

    def save(self, rows):
        raise NotImplementedError

    def lock_dates(self, values):
        """{column: date} of a valid row for the lock. Default: the values of ``lock_columns``."""
        return {name: values.get(name) for name in self.lock_columns}

    def lock_candidates(self, rows):
        """The rows that would write something (default: all): a row already stored unchanged changes nothing
        in a locked period and is not refused for it."""
        return rows

    def stored_lock_dates(self, rows):
        """{row number: [dates]}: the dates of the stored records that rows change (a changed record leaves its
        old period too). One query for the file; default none (the importer only adds records)."""
        return {}

    def lock_part(self, values):
        """The part of the source a row belongs to (a parking location); "" for a source without parts."""
        return ""


def locked_row_errors(importer, rows):
    """A RowError for every valid row dated in a locked period of the importer's ``lock_source`` (its new dates
    or the stored record's old ones), each with the locked message (source, period, who locked it and when, how
    to ask for a reopening). One query per part of the source, whatever the number of rows."""
    if not importer.lock_source or not rows or not has_locks(importer.lock_source):
        return []
    rows = importer.lock_candidates(rows)
    stored = importer.stored_lock_dates(rows)
    by_part = {}
    for number, values in rows:
        dated = importer.lock_dates(values)
        entries = [(number, column, [day]) for column, day in dated.items()]
        if stored.get(number):
            entries.append((number, next(iter(dated)), list(stored[number])))
        by_part.setdefault(importer.lock_part(values), []).extend(entries)
    errors, seen = [], set()
    for part, entries in by_part.items():
        for number, column, lock, message in locked_hits(importer.lock_source, entries, part):
            if number not in seen:  # one error per row: the first locked date of the row
                seen.add(number)
                errors.append(RowError(number, column, message, "period_locked", lock.period))
    return sorted(errors, key=lambda error: error.row or 0)


class BulkImporter(Importer):
    """An importer for files too large for row-by-row validation (millions of rows): it validates and
    writes the whole file itself, in bulk, and reports like any other importer.

    ``import_file`` gets the file's bytes, or, when the caller gave a file (an upload, a command's file), that
    file itself, rewound and seekable: a file of millions of rows is read in pieces, never whole. It returns
    a BulkOutcome. It runs inside the import's
    transaction and must raise ImportError_ (or return errors) to leave nothing written."""

    bulk = True

    def import_file(self, data, filename, *, dry_run):
        raise NotImplementedError


@dataclass
class BulkOutcome:
    rows_total: int
    errors: list  # [RowError], at most IMPORT_MAX_STORED_ERRORS of them
    errors_total: int = 0
    created: int = 0
    updated: int = 0


@dataclass
class Validation:
    rows: list
    errors: list
    rows_total: int


def _check_header(importer_class, header):
    names = [str(name or "").strip().lstrip("\ufeff").strip().lower() for name in header]
    known = {column.name for column in importer_class.columns}
    errors = []
    seen = set()
    for name in names:
        if not name:
            continue
        if name in seen:
            errors.append(RowError(1, name, _("This column appears twice in the header.")))
        elif name not in known:
            errors.append(
                RowError(
                    1,
                    name,
                    _("Unknown column. The columns are: %(columns)s.")
                    % {"columns": ", ".join(importer_class.column_names())},
                )
            )
        seen.add(name)
    for column in importer_class.columns:
        if column.required and column.name not in seen:
            errors.append(RowError(1, column.name, _("Required column is missing from the header.")))
    positions = {name: index for index, name in enumerate(names) if name in known}
    return positions, errors


def validate(importer, data, filename):
    """Read and check every row. Nothing is written here."""
    try:
        header, raw_rows, decimal_comma = importer.read(data, filename)
    except FileRefused as refused:
        return Validation([], [RowError(refused.row, refused.column, refused.message)], 0)
    importer.ctx.decimal_comma = decimal_comma
    positions, errors = _check_header(type(importer), header)
    if errors:
        return Validation([], errors, 0)
    errors = list(importer.reading_errors)
    columns = [(column, positions.get(column.name)) for column in importer.columns]
    key_seen = {}
    valid_rows = []
    rows_total = 0
    try:
        for row_number, cells in raw_rows:
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
                continue  # blank lines and formatted but empty spreadsheet rows
            rows_total += 1
            values = {}
            row_errors = []
            for column, position in columns:
                raw = cells[position] if position is not None and position < len(cells) else None
                try:
                    values[column.name] = column.parse(raw, importer.ctx)
                except CellError as exc:
                    row_errors.append(RowError(row_number, column.name, str(exc)))
            if len(cells) > len(header) and any(cell not in (None, "") for cell in cells[len(header) :]):
                row_errors.append(RowError(row_number, "", _("This row has more cells than the header.")))
            if not row_errors:
                try:
                    row_errors.extend(
                        RowError(row_number, column, message)
                        for column, message in importer.clean_row(values, row_number)
                    )
                except CellError as exc:
                    row_errors.append(RowError(row_number, "", str(exc)))
            if not row_errors and importer.key:
                key = tuple(values[name] for name in importer.key)
                if key in key_seen:
                    row_errors.append(
                        RowError(
                            row_number,
                            ", ".join(importer.key),
                            _("Duplicate of row %(row)d: the same %(key)s appears twice in this file.")
                            % {"row": key_seen[key], "key": " + ".join(importer.key)},
                        )
                    )
                else:
                    key_seen[key] = row_number
            if row_errors:
                errors.extend(row_errors)
            else:
                valid_rows.append((row_number, values))
    except FileRefused as refused:
        errors.append(RowError(refused.row, refused.column, refused.message))
    if rows_total == 0 and not errors:
        errors.append(RowError(None, "", _("The file has a header but no data rows.")))
    if not errors:
        errors.extend(importer.clean_all(valid_rows))
    errors.extend(locked_row_errors(importer, valid_rows))
    return Validation(valid_rows, errors, rows_total)


def _validate_and_save(importer, data, filename, dry_run):
    """The row-by-row path: every row through the columns, then ``save`` in one transaction."""
    result = validate(importer, data, filename)
    if result.errors or dry_run:
        return BulkOutcome(result.rows_total, result.errors, len(result.errors))
    try:
        with transaction.atomic():
            created, updated = importer.save(result.rows)
    except PeriodLocked as locked:
        return _locked_outcome(locked, result.rows_total)
    return BulkOutcome(result.rows_total, [], 0, created, updated)


def _locked_outcome(locked, rows_total):
    """A write in ``save`` reached a locked period that the rows did not show (e.g. a settlement matched to a bill
    whose levy month is locked, or a period approved while the file was being checked): refused like a bad row,
    nothing written (the transaction rolled back)."""
    errors = [
        RowError(None, "", message, "period_locked", row.period)
        for message, row in zip(locked.messages, locked.locks, strict=True)
    ]
    return BulkOutcome(rows_total, errors, len(errors))


def _bulk(importer, data, filename, dry_run):
    with transaction.atomic():
        outcome = importer.import_file(data, filename, dry_run=dry_run)
        if outcome.errors or dry_run:
            transaction.set_rollback(True)
    return outcome


def _stored_name(filename):
    """The name the file is stored under: a random one with the given name's extension. The given name may hold
    personal data (a NIK, a phone number: "daftar 6471... 0817....xlsx") and is kept in the ImportBatch row only,
    where the pages mask it; it never becomes a path either."""
    extension = os.path.splitext(os.path.basename(filename.replace("\\", "/")))[1].lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", extension):
        extension = ""
    return uuid.uuid4().hex + extension


def _discard_file(batch):
    """A dry run or a refused file keeps nothing on disk: only a committed import's file is worth keeping (for
    the audit of what was written); the import log row says what happened either way."""
    if batch.file:
        try:
            batch.file.delete(save=False)
        except OSError:
            logger.exception("import file %s could not be deleted", batch.file.name)
        batch.file = None


class _Unmovable(File):
    """A caller's file to store by copying it in chunks: the storage must not move an upload's temporary file
    away (FileSystemStorage does when the file has a ``temporary_file_path``), since the import reads it after."""

    def __init__(self, file):
        super().__init__(file, name=getattr(file, "name", None))


def run_import(code, *, data, filename, user, dry_run=False, source="web", params=None, max_bytes=None):
    """Validate a file and, unless it is a dry run or any row is bad, write all its rows in one
    transaction. ``data`` is bytes or an uploaded file (read only when within the size limit).
    ``params`` are fixed for the whole file (the importer reads them from ``ctx.params``); ``max_bytes``
    overrides IMPORT_MAX_UPLOAD_BYTES (e.g. for a command run by an administrator).
    Always returns the ImportBatch that records the attempt."""
    importer_class = get_importer(code)
    size = len(data) if isinstance(data, bytes) else data.size
    batch = ImportBatch(
        importer=code,
        office=importer_class.office,
        uploaded_by=user if getattr(user, "pk", None) else None,
        source=source,
        original_name=storable(filename[:255]),
        size_bytes=size,
        dry_run=dry_run,
        status=ImportStatus.REFUSED,
    )
    max_bytes = max_bytes or settings.IMPORT_MAX_UPLOAD_BYTES
    if size > max_bytes:
        batch.errors_count = 1
        batch.errors = [
            RowError(
                None,
                "",
                _("The file is %(size).1f MB; at most %(max)d MB are accepted. Split it into smaller files.")
                % {"size": size / (1024 * 1024), "max": max_bytes // (1024 * 1024)},
            ).as_dict()
        ]
        batch.message = batch.errors[0]["message"]
        batch.finished_at = timezone.now()
        batch.save()
        return batch

    if isinstance(data, bytes):
        batch.sha256 = hashlib.sha256(data).hexdigest()
        stored = ContentFile(data)
    elif importer_class.bulk:  # streamed: hashed, stored and read in pieces (a log of millions of rows)
        digest = hashlib.sha256()
        data.seek(0)
        while block := data.read(1 << 20):
            digest.update(block)
        batch.sha256 = digest.hexdigest()
        data.seek(0)
        stored = _Unmovable(data)
    else:
        data = data.read()
        batch.sha256 = hashlib.sha256(data).hexdigest()
        stored = ContentFile(data)
    try:
        if not dry_run:  # a check only keeps nothing
            batch.file.save(_stored_name(filename), stored, save=False)
            if not isinstance(data, bytes):
                data.seek(0)
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        # Disk full: refuse the file whole (nothing validated, nothing written) and say so.
        logger.error("import %s refused: no space left to store the file", code)
        batch.file = None
        batch.errors_count = 1
        batch.errors = [RowError(None, "", str(DISK_FULL_MESSAGE)).as_dict()]
        batch.message = batch.errors[0]["message"]
        batch.finished_at = timezone.now()
        batch.save()
        return batch
    ctx = ImportContext(user=user, office=importer_class.office, params=dict(params or {}))
    importer = importer_class(ctx)
    errors, errors_total, created, updated = [], 0, 0, 0
    try:
        run = _bulk if importer_class.bulk else _validate_and_save
        outcome = run(importer, data, filename, dry_run)
    except PeriodLocked as locked:  # from a bulk importer's own writes (the row-by-row path reports it itself)
        outcome = _locked_outcome(locked, 0)
    except (ImportError_, ValidationError, DatabaseError) as exc:
        logger.warning("import %s refused while saving: %s", code, exc)
        batch.status = ImportStatus.FAILED
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        batch.errors_count = 1
        batch.errors = [RowError(None, "", message).as_dict()]
        batch.message = _("The file could not be saved; nothing was written: %(error)s") % {"error": message}
        outcome = None
    except BaseException:
        _discard_file(batch)  # an unforeseen error: no import log row will point at the file
        raise
    if outcome is not None:
        errors, errors_total = outcome.errors, max(outcome.errors_total, len(outcome.errors))
        created, updated = outcome.created, outcome.updated
        batch.rows_total = outcome.rows_total
    if outcome is None:
        pass  # FAILED, reported above
    elif errors:
        batch.status = ImportStatus.REFUSED
        batch.errors_count = errors_total
        batch.errors = [error.as_dict() for error in errors[: settings.IMPORT_MAX_STORED_ERRORS]]
        batch.message = ngettext(
            "%(count)d problem found; nothing was written.",
            "%(count)d problems found; nothing was written.",
            errors_total,
        ) % {"count": errors_total}
    elif dry_run:
        batch.status = ImportStatus.VALIDATED
        batch.message = batch.get_message_display()
    else:
        batch.status = ImportStatus.COMMITTED
        batch.rows_created = created
        batch.rows_updated = updated
        batch.message = batch.get_message_display()  # says how many rows were already there unchanged
    if batch.status != ImportStatus.COMMITTED:
        _discard_file(batch)
    batch.warnings = [warning.as_dict() for warning in ctx.warnings]
    batch.message = storable(batch.message)
    batch.finished_at = timezone.now()
    batch.save()
    return batch
