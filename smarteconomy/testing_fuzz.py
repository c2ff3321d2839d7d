"""Fuzzing every registered importer with hypothesis: random bytes and random rows never crash an import and
never leave a partial write.

Each app lists its importers in ``<app>/tests/importer_fuzz.py`` as ``FUZZ = [FuzzCase(...), ...]``: the
importer's code, the records a valid row refers to (``setup``), and strategies for the cells whose valid
values the column types cannot tell (a NIK, a known merchant id). The valid values of every other column are
derived from its type. smarteconomy/tests/test_importer_fuzz.py collects the lists, fuzzes each importer, and
fails when a registered importer is in no app's list (as the permission matrix does for URLs).
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.apps import apps
from django.db import connection
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from smarteconomy.choices import ImportStatus
from smarteconomy.importing import (
    BooleanColumn,
    ChoiceColumn,
    DateColumn,
    DateTimeColumn,
    DecimalColumn,
    IntegerColumn,
    LookupColumn,
    TextColumn,
    get_importer,
)
from smarteconomy.importing.base import IMPORTERS
from smarteconomy.importing.template import build_template
from smarteconomy.models import ImportBatch
from smarteconomy.testing import collect_from_apps


@dataclass
class FuzzCase:
    """One registered importer. ``setup()`` creates what valid rows refer to and returns the ``params`` the
    importer needs (e.g. the parking location); ``cells`` maps a column name to a strategy of valid values
    (or to a callable returning one, evaluated after ``setup``); ``fix(draw, values)`` makes a clean row
    consistent across its columns (e.g. an exit time after the entry time)."""

    code: str
    setup: object = None
    cells: dict = field(default_factory=dict)
    fix: object = None

    @property
    def importer(self):
        return get_importer(self.code)

    @property
    def id(self):
        return self.code


def collect_fuzz_cases():
    """Every app's FUZZ, in app order."""
    return collect_from_apps("importer_fuzz", "FUZZ")


def registered_importers():
    return sorted(IMPORTERS.entries)


# --- Cell values -------------------------------------------------------------------------------------------------

GARBAGE_TEXTS = [
    " ",
    "\u00a0",
    "-",
    "0",
    "-1",
    "NaN",
    "inf",
    "-Infinity",
    "1e309",
    "1e20",
    "9223372036854775808",
    "9" * 40,
    "-" + "9" * 30,
    "1,5",
    "1.234.567,89",
    "1.5.5",
    "Rp 5.000",
    "=1+1",
    '=HYPERLINK("http://x")',
    "2025-02-30",
    "2025-13-01",
    "0001-01-01",
    "0001-01-01 00:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31",
    "9999-12-31 23:59:59",
    "9999-12-31T23:59:59-12:00",
    "31/02/2024",
    "2024-06-01T25:61",
    "ya",
    "tidak",
    "null",
    "NULL",
    "\\N",
    "'; DROP TABLE x; --",
    "x" * 1000,
    "\x00",
    "a\x00b",
    "\ufeff",
    "١٢٣٤٥٦٧٨٩٠١٢٣",  # Arabic-Indic digits: \d in a Python regex, not a number to PostgreSQL
    "Ω≈ç√∫ Ŝǿmè ŧëxŧ",
    "😀",
    "\u202e",
    "line\nbreak",
    '"',
    ",;\t",
]

# Dates and times at and beyond the edges of what Python, the database and WITA-to-UTC conversion handle.
EDGE_MOMENTS = [
    "0001-01-01",
    "0001-01-01 00:00",
    "0001-01-01T00:00:00+14:00",
    "1899-12-31",
    "1900-01-01 00:00",
    "2100-12-31 23:59",
    "2101-01-01",
    "9999-12-31",
    "9999-12-31 23:59:59",
    "9999-12-31T23:59:59-12:00",
    "2024-02-29",
    "2023-02-29",
    "2025-03-30T02:30:00",
    "31/12/9999 23:59",
]

garbage = st.one_of(
    st.sampled_from(GARBAGE_TEXTS),
    st.sampled_from(EDGE_MOMENTS),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.text(max_size=40),
    st.dates(),
    st.datetimes(),
)


def _ascii(pattern):
    return re.compile(pattern.pattern, re.ASCII)


def valid_cells(column):
    """A strategy of values that the column accepts on its own (cross-column and database rules aside)."""
    if isinstance(column, BooleanColumn):
        values = st.sampled_from(BooleanColumn.TRUE + BooleanColumn.FALSE + ("YA", "Tidak"))
    elif isinstance(column, ChoiceColumn):
        values = st.sampled_from(
            [str(code) for code, _label in column.choices] + [str(label) for _code, label in column.choices]
        )
    elif isinstance(column, LookupColumn):
        codes = sorted(str(code) for code in column.lookup())
        values = st.sampled_from(codes) if codes else st.just(column.example)
    elif isinstance(column, IntegerColumn):
        low = -(10**6) if column.min_value is None else int(column.min_value)
        high = 10**9 if column.max_value is None else int(column.max_value)
        values = st.integers(min_value=low, max_value=high)
    elif isinstance(column, DecimalColumn):
        high = 10**12
        if column.max_digits is not None:
            high = min(high, 10 ** (column.max_digits - (column.decimal_places or 0)) - 1)
        values = st.decimals(
            min_value=column.min_value if column.min_value is not None else -(10**9),
            max_value=column.max_value if column.max_value is not None else high,
            places=column.decimal_places if column.decimal_places is not None else 2,
            allow_nan=False,
            allow_infinity=False,
        )
    elif isinstance(column, DateTimeColumn):
        values = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 12, 31)).map(
            lambda moment: moment.replace(microsecond=0)
        )
    elif isinstance(column, DateColumn):
        values = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
    elif isinstance(column, TextColumn) and column.regex is not None:
        values = st.from_regex(_ascii(column.regex), fullmatch=True)
        if column.max_length:
            values = values.filter(lambda text: len(text) <= column.max_length)
    elif isinstance(column, TextColumn):
        values = st.text(
            alphabet=st.characters(categories=("L", "N", "P", "Zs"), exclude_characters="\u00a0"),
            min_size=1,
            max_size=min(column.max_length or 60, 60),
        ).filter(str.strip)
    else:
        values = st.nothing()
    if column.example and not isinstance(column, DateColumn | DateTimeColumn):  # dates stay typed for ``fix``
        values = st.one_of(st.just(column.example), values)
    if not column.required:
        values = st.one_of(values, st.just(""))
    return values


# --- Files -------------------------------------------------------------------------------------------------------


def _csv_text(value, decimal_comma):
    if isinstance(value, Decimal | float) and decimal_comma:
        return str(value).replace(".", ",")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _xlsx_value(value):
    """A value openpyxl can store: typed numbers and dates where Excel has them, text otherwise."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, int):
        return value if abs(value) < 10**15 else str(value)
    if isinstance(value, datetime):
        return value if value.tzinfo is None and 1900 <= value.year <= 9998 else value.isoformat()
    if isinstance(value, date | time):
        return value if getattr(value, "year", 2000) >= 1900 else value.isoformat()
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def encode(header, rows, fmt):
    """(filename, bytes) of a header and rows in one of the formats an office uploads: a comma CSV, a
    semicolon CSV with decimal commas (Excel with Indonesian settings), or an XLSX workbook."""
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "data"
        sheet.append(header)
        for row in rows:
            sheet.append([_xlsx_value(value) for value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return "upload.xlsx", buffer.getvalue()
    delimiter = ";" if fmt == "csv;" else ","
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_text(value, delimiter == ";") for value in row])
    return "upload.csv", buffer.getvalue().encode("utf-8", errors="surrogatepass")


@st.composite
def row_files(draw, case, valid):
    """A file built from the importer's real header: columns shuffled, optional ones sometimes left out,
    sometimes a header mistake; in a clean file every cell is valid on its own, otherwise cells are
    replaced by empty values, garbage, huge numbers, unicode and impossible dates."""
    columns = case.importer.columns
    names = [column.name for column in columns]
    kept = [column.name for column in columns if column.required or draw(st.booleans())]
    header = list(draw(st.permutations(kept)))
    mistake = draw(st.integers(min_value=0, max_value=12))
    if mistake == 12:
        header.append(draw(st.sampled_from(["unknown", header[0], ""])))
    elif mistake == 11:
        header = [name.upper() for name in header]
    elif mistake == 10 and len(header) > 1:
        header.pop(draw(st.integers(min_value=0, max_value=len(header) - 1)))
    clean = draw(st.booleans())
    rows = []
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        values = {name: draw(valid[name]) for name in names}
        if case.fix:
            case.fix(draw, values)
        if not clean:
            for name in names:
                if draw(st.integers(min_value=0, max_value=2)) == 2:
                    values[name] = draw(garbage)
        row = [values.get(name, "") for name in header]
        if not clean and draw(st.integers(min_value=0, max_value=5)) == 5:
            row = row[: draw(st.integers(min_value=0, max_value=len(row)))] + draw(st.lists(garbage, max_size=2))
        rows.append(row)
    return encode(header, rows, draw(st.sampled_from(["csv", "csv;", "xlsx"])))


EXTENSIONS = ("csv", "CSV", "xlsx", "XLSX", "xlsm", "txt", "")


def seed_files(case):
    """Real files of the importer: its XLSX template and a CSV of its examples. Built once per test (a workbook
    holds the time it was saved, and hypothesis needs the same bytes for every replay of an example)."""
    header = ",".join(case.importer.column_names()).encode()
    example = header + b"\n" + ",".join(str(column.example) for column in case.importer.columns).encode() + b"\n"
    return {"template": build_template(case.importer), "example": example}


@st.composite
def byte_files(draw, case, seeds):
    """Random bytes, alone or after a real header line or the zip signature of an XLSX, and real files
    (``seed_files``) with bytes flipped, cut or inserted."""
    header = ",".join(case.importer.column_names()).encode()
    kind = draw(st.sampled_from(["bytes", "header", "zip", "template", "example"]))
    noise = draw(st.binary(max_size=600))
    if kind == "bytes":
        data = noise
    elif kind == "header":
        data = header + draw(st.sampled_from([b"\n", b"\r\n", b";", b""])) + noise
    elif kind == "zip":
        data = b"PK\x03\x04" + noise
    else:
        data = bytearray(seeds[kind])
        for _ in range(draw(st.integers(min_value=1, max_value=4))):
            position = draw(st.integers(min_value=0, max_value=len(data) - 1))
            operation = draw(st.sampled_from(["flip", "cut", "insert"]))
            if operation == "flip":
                data[position] ^= draw(st.integers(min_value=1, max_value=255))
            elif operation == "cut":
                del data[position:]
                if not data:
                    break
            else:
                data[position:position] = noise[:16]
        data = bytes(data)
    extension = draw(st.sampled_from(EXTENSIONS))
    stem = draw(st.one_of(st.just("upload"), st.sampled_from(STEMS), st.text(min_size=1, max_size=300)))
    return f"{stem}.{extension}" if extension else stem, data


# Names an upload may carry: paths, NUL, very long, unicode, dots only.
STEMS = ["../../etc/passwd", "C:\\Users\\x\\data", "a\x00b", "x" * 300, "laporan parkir – Mei 2025 ✓", "..", " "]


# --- Checks ------------------------------------------------------------------------------------------------------


def table_counts():
    """{table: rows} of every table of the product (records, their history and the import log), in one query."""
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


def readable(text):
    text = str(text or "")
    return bool(text.strip()) and "Traceback" not in text and " object at 0x" not in text


def check_outcome(batch, before, after, *, dry_run):
    """The import either succeeded or refused the file with readable messages and wrote nothing but its
    ImportBatch. A FAILED batch (refused only while saving, without naming a row) means validation let
    through a value that the database or a model refused: a bug to fix in the importer."""
    log = ImportBatch._meta.db_table
    assert after[log] == before[log] + 1, "every attempt leaves one ImportBatch"
    assert readable(batch.message), batch.message
    assert batch.status != ImportStatus.FAILED, f"refused only while saving: {batch.message}"
    changed = {
        table: (before[table], after[table]) for table in before if table != log and before[table] != after[table]
    }
    if batch.status == ImportStatus.REFUSED:
        assert batch.errors and batch.errors_count >= len(batch.errors), batch.message
        for error in batch.errors:
            assert readable(error["message"]), error
            assert error["row"] is None or isinstance(error["row"], int), error
        assert not changed, f"refused ({batch.errors[:3]}) but written: {changed}"
    elif dry_run:
        assert batch.status == ImportStatus.VALIDATED, batch.message
        assert not changed, f"dry run but written: {changed}"
    else:
        assert batch.status == ImportStatus.COMMITTED, batch.message
        assert batch.rows_created + batch.rows_updated <= batch.rows_total
