"""Issue 19: which write path the e-parking import takes, and that every path gives the same outcome.

PostgreSQL (with DATABASE_URL): a file whose transaction ids are all new is COPY-ed straight into the log
(the "direct" path, no staging table); a file with one stored id falls back to the staging path. SQLite
keeps its "generic" path. The outcome is the same everywhere: idempotent, conflicts reported, all or nothing,
daily summaries of the dates that got new rows."""

import logging
import re
from datetime import date

import pytest
from django.core.files import File
from django.db import connection

from cashless import ingest
from cashless.importers import ParkingTransactionImporter
from cashless.models import DailySummary, DirtyDate, ParkingTransaction
from cashless.services import parking_transactions_import
from smarteconomy.choices import ImportStatus

from .factories import csv_of, day_file, make_location, row

pytestmark = pytest.mark.django_db(transaction=False)
POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def paths(monkeypatch, caplog):
    """The path each committed import took (from the import's log line) and the staging loads started."""
    caplog.set_level(logging.INFO, logger="cashless.ingest")
    staging = []
    start = ingest.PostgresLoad.start

    def counted(self):
        staging.append(self)
        return start(self)

    monkeypatch.setattr(ingest.PostgresLoad, "start", counted)

    class Paths:
        staging_loads = staging

        @staticmethod
        def taken():
            found = (re.match(r"parking import of \d+ rows \((\w+) path\)", r.getMessage()) for r in caplog.records)
            return [match.group(1) for match in found if match]

    return Paths


def run(data, location=None, dry_run=False):
    return parking_transactions_import(
        location=location or make_location(), data=data, filename="log.csv", user=None, dry_run=dry_run
    )


def stored():
    fields = ("transaction_id", "entry_time", "exit_time", "vehicle_class", "amount", "payment_method", "issuer")
    fields += ("status", "failure_reason", "gate", "business_date", "business_hour")
    return sorted(ParkingTransaction.objects.values_list(*fields))


def summaries():
    return sorted(DailySummary.objects.values_list("business_date", "hour", "payment_method", "count", "amount"))


def test_a_file_of_new_transaction_ids_takes_the_direct_path(paths):
    batch = run(day_file(per_day=400))
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert batch.rows_created == batch.rows_total == ParkingTransaction.objects.count() > 300
    assert paths.taken() == ["direct" if POSTGRES else "generic"]
    assert paths.staging_loads == []  # no staging table
    assert sum(DailySummary.objects.values_list("count", flat=True)) == batch.rows_total
    assert DirtyDate.objects.count() == 0


def test_the_direct_path_spans_chunks_and_stores_what_the_generic_path_stores(paths, monkeypatch):
    monkeypatch.setattr(ingest, "CHUNK_ROWS", 97)  # many chunks, each COPY-ed while the next is validated
    data = csv_of(
        row("N1", entry="2025-03-04T23:30:00", exit_="2025-03-05T00:20:00"),
        row("U1", entry="2025-03-04T15:00:00Z", exit_=""),
        row("Q1", issuer='"Bank ""Satu"", Tbk"', gate='"G,2"', reason='"line\nbreak"', status="failed"),
        row("F1", entry="2025-03-04T09:00:00.123456+07:00", exit_="2025-03-04T10:00:00+0700", amount="0005000"),
    )
    extra = day_file(per_day=600).decode().split("\n", 1)[1]
    batch = run(data + extra.encode())
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert paths.taken() == ["direct" if POSTGRES else "generic"]
    night = ParkingTransaction.objects.get(transaction_id="N1")
    assert (night.business_date, night.business_hour) == (date(2025, 3, 5), 0)
    utc = ParkingTransaction.objects.get(transaction_id="U1")
    assert (utc.exit_time, utc.business_date, utc.business_hour) == (None, date(2025, 3, 4), 23)
    quoted = ParkingTransaction.objects.get(transaction_id="Q1")
    assert (quoted.issuer, quoted.gate, quoted.failure_reason) == ('Bank "Satu", Tbk', "G,2", "line\nbreak")
    fraction = ParkingTransaction.objects.get(transaction_id="F1")
    assert fraction.entry_time.microsecond == 123456 and fraction.amount == 5000
    assert (fraction.business_date, fraction.business_hour) == (date(2025, 3, 4), 11)
    assert ParkingTransaction.objects.exclude(failure_reason__isnull=False).count() == 0  # '' not NULL
    assert sum(DailySummary.objects.values_list("count", flat=True)) == batch.rows_total


def test_a_file_with_one_stored_id_falls_back_to_staging_with_the_same_outcome(paths):
    location = make_location()
    run(csv_of(row("A1"), row("A2")), location=location)
    first_paths = paths.taken()
    batch = run(csv_of(row("A3"), row("A2"), row("A4", exit_="")), location=location)
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert (batch.rows_total, batch.rows_created) == (3, 2)
    assert paths.taken()[len(first_paths) :] == ["staging" if POSTGRES else "generic"]
    assert len(paths.staging_loads) == (1 if POSTGRES else 0)
    assert [tid for tid, *_ in stored()] == ["A1", "A2", "A3", "A4"]
    assert ParkingTransaction.objects.get(transaction_id="A4").exit_time is None
    assert sum(DailySummary.objects.values_list("count", flat=True)) == 4


def test_the_fallback_reports_a_conflict_with_its_row_and_writes_nothing(paths, monkeypatch):
    monkeypatch.setattr(ingest, "CHUNK_ROWS", 50)
    location = make_location()
    run(csv_of(row("A1"), row("A2")), location=location)
    before = (stored(), summaries())
    lines = [row(f"B{number}") for number in range(300)]
    lines[200] = row("A2", amount="9000")
    batch = run(csv_of(*lines), location=location)
    assert batch.status == ImportStatus.REFUSED
    assert batch.errors_count == 1
    assert batch.errors[0]["row"] == 202 and batch.errors[0]["column"] == "transaction_id"
    assert "A2" in batch.errors[0]["message"]
    assert (stored(), summaries()) == before
    assert len(paths.staging_loads) == (1 if POSTGRES else 0)


def test_re_importing_is_idempotent_and_the_second_time_takes_the_staging_path(paths):
    data = day_file(per_day=500, days=2)
    first = run(data)
    assert first.status == ImportStatus.COMMITTED
    after_first = (stored(), summaries())
    again = run(data)
    assert again.status == ImportStatus.COMMITTED and again.rows_created == 0
    assert (stored(), summaries()) == after_first
    assert paths.taken() == (["direct", "staging"] if POSTGRES else ["generic", "generic"])


def test_a_bad_row_in_a_late_chunk_leaves_nothing_though_earlier_chunks_were_copied(paths, monkeypatch):
    monkeypatch.setattr(ingest, "CHUNK_ROWS", 100)
    lines = day_file(per_day=1500).decode().splitlines()
    cells = lines[-3].split(",")
    cells[4] = "-1"
    lines[-3] = ",".join(cells)
    batch = run(("\n".join(lines) + "\n").encode())
    assert batch.status == ImportStatus.REFUSED
    assert [(error["row"], error["column"]) for error in batch.errors] == [(len(lines) - 2, "amount")]
    assert ParkingTransaction.objects.count() == 0
    assert DailySummary.objects.count() == DirtyDate.objects.count() == 0
    assert paths.staging_loads == []
    # The connection is usable and the same file, corrected, goes in whole.
    cells[4] = "5000"
    lines[-3] = ",".join(cells)
    assert run(("\n".join(lines) + "\n").encode()).rows_created == len(lines) - 1


def test_a_duplicate_id_in_two_chunks_of_one_file_is_refused_and_nothing_is_written(paths, monkeypatch):
    monkeypatch.setattr(ingest, "CHUNK_ROWS", 10)
    lines = [row(f"D{number}") for number in range(40)]
    lines[35] = row("D3")
    batch = run(csv_of(*lines))
    assert batch.status == ImportStatus.REFUSED
    assert (batch.errors[0]["row"], batch.errors[0]["column"]) == (37, "transaction_id")
    assert " 5" in batch.errors[0]["message"]  # D3 is on row 5
    assert ParkingTransaction.objects.count() == 0


def test_duplicates_and_conflicts_are_named_when_the_ids_are_checked_in_slices_and_blocks(paths, monkeypatch):
    """The file's ids are hashed into a temporary file and checked a slice of the hash space at a time, read in
    blocks (so that memory does not grow with the file): with 7 ids per block and slices of about 20, every
    duplicate of a 200-row file is still named with its first row, and a conflict with a stored row by its row."""
    monkeypatch.setattr(ingest, "CHUNK_ROWS", 30)
    monkeypatch.setattr(ingest, "HASH_BLOCK_ROWS", 7)
    monkeypatch.setattr(ingest, "HASH_PARTITION_ROWS", 20)
    ids = [f"S{number}" for number in range(200)]
    for later, earlier in ((19, 3), (120, 3), (150, 149), (199, 0), (77, 50)):
        ids[later] = ids[earlier]
    batch = run(csv_of(*(row(tid) for tid in ids)))
    assert batch.status == ImportStatus.REFUSED
    expected = {}  # the plain way: row of each later occurrence -> row of the first (rows start at 2)
    first_row = {}
    for position, tid in enumerate(ids):
        if tid in first_row:
            expected[position + 2] = first_row[tid]
        else:
            first_row[tid] = position + 2
    named = {error["row"]: int(re.search(r"\d+", error["message"]).group()) for error in batch.errors}
    assert named == expected == {21: 5, 122: 5, 152: 151, 201: 2, 79: 52}
    assert ParkingTransaction.objects.count() == 0

    location = make_location()
    run(csv_of(row("C1"), row("C2")), location=location)
    lines = [row(f"E{number}") for number in range(100)]
    lines[93] = row("C2", amount="9000")
    lines[8] = row("C1", amount="9000")
    batch = run(csv_of(*lines), location=location)
    assert batch.status == ImportStatus.REFUSED
    assert sorted((error["row"], "C1" in error["message"]) for error in batch.errors) == [(10, True), (95, False)]
    assert ParkingTransaction.objects.count() == 2


def test_a_workbook_whose_only_row_is_empty_is_refused_as_a_file_without_data(paths):
    """Found by the importer fuzz test on PostgreSQL: a header and one empty row gave the direct path a chunk of no
    rows, whose months it could not compute (a TypeError, a server error). Now, as on SQLite, a clear refusal."""
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["TRANSACTION_ID", "ENTRY_TIME", "VEHICLE_CLASS", "AMOUNT", "PAYMENT_METHOD", "STATUS"])
    workbook.active.append([None] * 6)
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = parking_transactions_import(
        location=make_location(), data=buffer.getvalue(), filename="upload.xlsx", user=None, dry_run=False
    )
    assert batch.status == ImportStatus.REFUSED
    assert [error["message"] for error in batch.errors] == ["Berkas memiliki baris judul, tetapi tidak ada baris data."]
    assert ParkingTransaction.objects.count() == 0


def test_a_file_is_read_in_pieces_not_as_bytes(monkeypatch, tmp_path):
    """A command's or an upload's file reaches the bulk importer as the file itself (so that 5 million rows do
    not sit in memory), and it is still hashed and stored whole."""
    seen = []
    original = ParkingTransactionImporter.import_file

    def spy(self, data, filename, *, dry_run):
        seen.append(data)
        return original(self, data, filename, dry_run=dry_run)

    monkeypatch.setattr(ParkingTransactionImporter, "import_file", spy)
    content = b"\xef\xbb\xbf" + day_file(per_day=200)
    path = tmp_path / "log.csv"
    path.write_bytes(content)
    with path.open("rb") as handle:
        batch = run(File(handle, name="log.csv"))
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert not isinstance(seen[0], bytes)
    assert batch.rows_created == ParkingTransaction.objects.count() == content.count(b"\n") - 1
    import hashlib

    assert batch.sha256 == hashlib.sha256(content).hexdigest()
    with batch.file.open("rb") as kept:
        assert kept.read() == content


def test_a_value_postgresql_refuses_in_a_late_chunk_is_named_by_its_row(monkeypatch):
    """What pandas lets through but the database refuses (a NUL character in a text) is reported with the
    file's row, counted across the chunks COPY-ed one by one, and nothing is written."""
    monkeypatch.setattr(ingest, "CHUNK_ROWS", 10)
    lines = [row(f"V{number}") for number in range(30)]
    lines[23] = row("V23", gate="G\x00")
    batch = run(csv_of(*lines))
    if POSTGRES:
        assert batch.status == ImportStatus.REFUSED
        assert batch.errors[0]["row"] == 25 and "0x00" in batch.errors[0]["message"]
        assert ParkingTransaction.objects.count() == 0
    else:  # SQLite stores the character as it is (as it did before issue 19)
        assert batch.status == ImportStatus.COMMITTED
        assert ParkingTransaction.objects.get(transaction_id="V23").gate == "G\x00"
