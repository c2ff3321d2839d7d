"""The shared importer: every bad file is refused with a clear message naming the row and column, nothing is
written unless every row is good, and the same importer serves the upload page, the template, the
management commands and the reference data loader."""

import csv
import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from smarteconomy.choices import ImportStatus, Role
from smarteconomy.importing import get_importer, run_import
from smarteconomy.importing.command import BaseImportCommand
from smarteconomy.models import ImportBatch, Kecamatan, Kelurahan, PublicHoliday, Sector
from smarteconomy.tests.sampleapp.models import Payment

CODE = "sample-payments"
HEADER = "reference,paid_on,amount,channel,kelurahan,note"
MB = 1024 * 1024

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Stored uploads go to a temporary folder; messages are asserted in English."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def clerk(make_user):
    """A DKUMKMP user allowed to import sample payments."""
    user = make_user("clerk", Role.DKUMKMP)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="sampleapp", codename="add_payment"))
    return user


def csv_bytes(*lines, header=HEADER):
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def xlsx_bytes(rows, sheet_title="data"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_payments(data, filename="payments.csv", user=None, dry_run=False):
    return run_import(CODE, data=data, filename=filename, user=user, dry_run=dry_run)


def errors_at(batch, row=None, column=None):
    return [
        error
        for error in batch.errors
        if (row is None or error["row"] == row) and (column is None or error["column"] == column)
    ]


def assert_refused(batch, *, row, column, says):
    """The batch is refused and one of its errors is at (row, column) with a message containing ``says``."""
    assert batch.status == ImportStatus.REFUSED, batch.errors
    assert batch.errors_count >= 1
    matching = errors_at(batch, row, column)
    assert matching, f"no error at row {row}, column {column!r}: {batch.errors}"
    assert any(says.lower() in error["message"].lower() for error in matching), matching
    assert batch.message


def refused_without_writing(data, *, filename="payments.csv", row, column, says):
    before = Payment.objects.count()
    batch = import_payments(data, filename)
    assert_refused(batch, row=row, column=column, says=says)
    assert Payment.objects.count() == before
    assert ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.REFUSED).exists()
    return batch


# --- 1. Header ---------------------------------------------------------------------------------------------


def test_unknown_column_in_header_is_refused():
    batch = refused_without_writing(
        csv_bytes("INV-1,2026-01-31,1000,qris,,,blue", header=HEADER + ",colour"),
        row=1,
        column="colour",
        says="Unknown column",
    )
    assert "reference, paid_on, amount, channel, kelurahan, note" in errors_at(batch, 1, "colour")[0]["message"]


def test_missing_required_column_is_refused():
    batch = refused_without_writing(
        csv_bytes("INV-1,2026-01-31,qris", header="reference,paid_on,channel"),
        row=1,
        column="amount",
        says="Required column is missing",
    )
    # Optional columns may be left out of the header; only the required one is reported.
    assert [error["column"] for error in batch.errors] == ["amount"]


def test_every_header_problem_is_reported_together():
    batch = import_payments(csv_bytes("x,2026-01-31,qris,1", header="reference,paid_on,channel,colour"))
    assert {(error["row"], error["column"]) for error in batch.errors} == {(1, "colour"), (1, "amount")}


# --- 2.-4. Cells ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad_date", ["2026-02-30", "31/13/2026", "yesterday"])
def test_bad_date_is_refused_with_row_and_column(bad_date):
    batch = refused_without_writing(
        csv_bytes("INV-1,2026-01-31,1000,qris,,", f"INV-2,{bad_date},1000,qris,,"),
        row=3,
        column="paid_on",
        says="is not a valid date",
    )
    assert bad_date in errors_at(batch, 3, "paid_on")[0]["message"]
    assert batch.errors_count == 1


def test_negative_amount_is_refused():
    refused_without_writing(
        csv_bytes("INV-1,2026-01-31,1000,qris,,", "INV-2,2026-01-31,-5,qris,,"),
        row=3,
        column="amount",
        says="must not be negative",
    )


def test_duplicate_key_reports_the_later_row_and_names_the_earlier_one():
    batch = refused_without_writing(
        csv_bytes("INV-1,2026-01-31,1000,qris,,", "INV-2,2026-01-31,1000,qris,,", "INV-1,2026-02-01,5,cash,,"),
        row=4,
        column="reference",
        says="Duplicate of row 2",
    )
    assert batch.errors_count == 1  # the first occurrence is not an error


# --- 5.-8. Whole-file problems -------------------------------------------------------------------------------


def test_non_utf8_file_is_refused_naming_the_line():
    data = (HEADER + "\nINV-1,2026-01-31,1000,qris,,Kopi\nINV-2,2026-01-31,1000,qris,,Caf\xe9\n").encode("cp1252")
    batch = refused_without_writing(data, row=3, column="", says="not UTF-8")
    message = batch.errors[0]["message"]
    assert "line 3" in message
    assert "0xE9" in message


def test_xlsx_formula_is_refused_with_row_and_column():
    data = xlsx_bytes(
        [
            ["reference", "paid_on", "amount", "channel"],
            ["INV-1", date(2026, 1, 31), 1000, "qris"],
            ["INV-2", date(2026, 1, 31), "=1+1", "qris"],
        ]
    )
    batch = refused_without_writing(data, filename="payments.xlsx", row=3, column="amount", says="Formulas are not")
    assert "=1+1" in batch.errors[0]["message"]
    assert batch.errors_count == 1


def test_oversized_file_is_refused_before_reading(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1 * MB
    data = csv_bytes(*[f"INV-{n},2026-01-31,1000,qris,,{'x' * 90}" for n in range(15_000)])
    assert len(data) > 1.3 * MB
    batch = refused_without_writing(data, row=None, column="", says="at most 1 MB are accepted")
    assert "The file is 1." in batch.errors[0]["message"]
    assert batch.size_bytes == len(data)
    assert not batch.file  # an oversized upload is not stored


def test_oversized_upload_through_the_page_is_refused(settings, client, clerk):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1 * MB
    client.force_login(clerk)
    before = Payment.objects.count()
    upload = SimpleUploadedFile("big.csv", csv_bytes(*["INV-1,2026-01-31,1000,qris,,"] * 60_000))
    response = client.post(reverse("imports:upload", kwargs={"importer": CODE}), {"file": upload})
    # Refused while it arrives (smarteconomy.uploads), before it is stored: 413 Content Too Large.
    assert response.status_code == 413
    assert "at most 1 MB are accepted" in response.content.decode()
    assert Payment.objects.count() == before


def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def openpyxl_must_not_open(monkeypatch):
    """The zip limits are checked before openpyxl unpacks anything."""

    def fail(*args, **kwargs):
        raise AssertionError("openpyxl was asked to open a refused workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", fail)


def test_xlsx_zip_bomb_is_refused(settings, openpyxl_must_not_open):
    settings.IMPORT_XLSX_MAX_UNPACKED_BYTES = 1 * MB
    data = zip_bytes(
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/worksheets/sheet1.xml", b"<" + b" " * (5 * MB) + b"/>"),
        ]
    )
    assert len(data) < 50_000  # small upload, huge content
    batch = refused_without_writing(data, filename="bomb.xlsx", row=None, column="", says="unpacks to 5 MB")
    assert "at most 1 MB" in batch.errors[0]["message"]


def test_xlsx_with_too_many_entries_is_refused(settings, openpyxl_must_not_open):
    settings.IMPORT_XLSX_MAX_ENTRIES = 10
    data = zip_bytes([(f"xl/part{n}.xml", b"<x/>") for n in range(25)])
    batch = refused_without_writing(data, filename="many.xlsx", row=None, column="", says="holds 25 internal files")
    assert "at most 10" in batch.errors[0]["message"]


def test_xlsx_bomb_with_understated_sizes_is_refused():
    """A zip can lie about its unpacked size; reading stops at the stated size and the file is refused."""
    sheet = xlsx_bytes([["reference", "paid_on", "amount", "channel"], ["INV-1", "2026-01-31", 1000, "qris"]])
    with zipfile.ZipFile(io.BytesIO(sheet)) as original:
        entries = [(info.filename, original.read(info.filename)) for info in original.infolist()]
    target = "xl/worksheets/sheet1.xml"
    entries = [(name, content + b" " * (5 * MB) if name == target else content) for name, content in entries]
    data = bytearray(zip_bytes(entries))
    # Overwrite the stated uncompressed size of the sheet (local header and central directory) with 100 bytes.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(target)
        real_size = info.file_size
    stated = real_size.to_bytes(4, "little")
    assert data.count(stated) >= 2
    data = bytes(data).replace(stated, (100).to_bytes(4, "little"))
    before = Payment.objects.count()
    batch = import_payments(data, "liar.xlsx")
    assert batch.status == ImportStatus.REFUSED
    assert "workbook" in batch.errors[0]["message"]
    assert Payment.objects.count() == before


def test_damaged_xlsx_sheet_is_refused_not_crashed():
    good = xlsx_bytes([["reference", "paid_on", "amount", "channel"], ["INV-1", "2026-01-31", 1000, "qris"]])
    with zipfile.ZipFile(io.BytesIO(good)) as original:
        entries = [
            (
                info.filename,
                original.read(info.filename)[:-40]
                if info.filename.endswith("sheet1.xml")
                else original.read(info.filename),
            )
            for info in original.infolist()
        ]
    before = Payment.objects.count()
    batch = import_payments(zip_bytes(entries), "damaged.xlsx")
    assert batch.status == ImportStatus.REFUSED
    assert "workbook" in batch.errors[0]["message"]
    assert Payment.objects.count() == before


def test_csv_that_is_really_not_an_xlsx_is_refused():
    refused_without_writing(
        csv_bytes("INV-1,2026-01-31,1000,qris,,"), filename="renamed.xlsx", row=None, column="", says="not a valid XLSX"
    )


def test_header_without_rows_is_refused():
    refused_without_writing(csv_bytes(), row=None, column="", says="no data rows")


# --- 9.-12. All or nothing, dry runs, formats, complete reports ----------------------------------------------

GOOD_ROWS = (
    "INV-1,2026-01-31,150000,QRIS,64.71.01.1001,first",
    "INV-2,15/02/2026,2500.5,Tunai,,",
    "INV-3,01-03-2026,0,cash,64.71.02.1001,",
)


def test_one_bad_row_writes_nothing_then_the_good_rows_import(reference_data):
    before = Payment.objects.count()
    bad = refused_without_writing(
        csv_bytes(GOOD_ROWS[0], "INV-9,2026-01-31,100,paypal,,", *GOOD_ROWS[1:]),
        row=3,
        column="channel",
        says="is not allowed; use one of: qris, cash",
    )
    assert bad.rows_total == 4
    assert bad.message == "1 problem found; nothing was written."

    batch = import_payments(csv_bytes(*GOOD_ROWS))
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert (batch.rows_total, batch.rows_created, batch.rows_updated) == (3, 3, 0)
    assert Payment.objects.count() == before + 3
    first, second, third = Payment.objects.order_by("reference")
    assert (first.paid_on, first.amount, first.channel, first.kelurahan.code, first.note) == (
        date(2026, 1, 31),
        Decimal("150000.00"),
        "qris",
        "64.71.01.1001",
        "first",
    )
    assert (second.paid_on, second.amount, second.channel, second.kelurahan, second.note) == (
        date(2026, 2, 15),
        Decimal("2500.50"),
        "cash",
        None,
        "",
    )
    assert (third.paid_on, third.amount, third.channel, third.kelurahan.name) == (
        date(2026, 3, 1),
        Decimal("0"),
        "cash",
        "Baru Ilir",
    )
    assert isinstance(second.amount, Decimal)


def test_unknown_kelurahan_code_is_refused(reference_data):
    refused_without_writing(
        csv_bytes("INV-1,2026-01-31,1000,qris,64.71.99.9999,"),
        row=2,
        column="kelurahan",
        says="Unknown kelurahan code “64.71.99.9999”",
    )


def test_failure_while_saving_rolls_back_every_row():
    Payment.objects.create(reference="INV-2", paid_on=date(2026, 1, 1), amount=1, channel="qris")
    before = Payment.objects.count()
    batch = import_payments(csv_bytes("INV-1,2026-01-31,1000,qris,,", "INV-2,2026-01-31,1000,qris,,"))
    assert batch.status == ImportStatus.FAILED
    assert "nothing was written" in batch.message
    assert Payment.objects.count() == before
    assert not Payment.objects.filter(reference="INV-1").exists()


def test_dry_run_validates_and_writes_nothing(reference_data):
    before = Payment.objects.count()
    batch = import_payments(csv_bytes(*GOOD_ROWS), dry_run=True)
    assert batch.status == ImportStatus.VALIDATED == "validated"
    assert batch.dry_run is True
    assert (batch.rows_total, batch.rows_created, batch.errors) == (3, 0, [])
    assert "Nothing was written (dry run)" in batch.message
    assert Payment.objects.count() == before


def test_dry_run_of_a_bad_file_is_refused():
    batch = import_payments(csv_bytes("INV-1,2026-01-31,-1,qris,,"), dry_run=True)
    assert batch.status == ImportStatus.REFUSED
    assert errors_at(batch, 2, "amount")


def test_bom_semicolon_csv_with_decimal_comma():
    data = (
        "\ufeffreference;paid_on;amount;channel\r\nINV-1;31/01/2026;1.250.000,50;QRIS\r\nINV-2;31/01/2026;7,5;QRIS\r\n"
    )
    batch = import_payments(data.encode("utf-8"))
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert Payment.objects.get(reference="INV-1").amount == Decimal("1250000.50")
    assert Payment.objects.get(reference="INV-2").amount == Decimal("7.50")


def test_semicolon_csv_refuses_a_point_that_is_not_a_thousands_separator():
    """In a decimal-comma file "1250000.50" is ambiguous; it must not silently become 125000050."""
    before = Payment.objects.count()
    batch = import_payments(b"reference;paid_on;amount;channel\nINV-1;2026-01-31;1250000.50;qris\n")
    assert_refused(batch, row=2, column="amount", says="decimal separator is a comma")
    assert Payment.objects.count() == before


def test_decimal_comma_in_comma_csv_is_refused_clearly():
    batch = refused_without_writing(
        csv_bytes('INV-1,2026-01-31,"1,5",qris,,'),
        row=2,
        column="amount",
        says="use a point as the decimal separator",
    )
    assert "1,5" in batch.errors[0]["message"]


def test_every_bad_row_is_reported_not_only_the_first():
    before = Payment.objects.count()
    batch = import_payments(
        csv_bytes(
            "INV-1,2026-01-31,1000,qris,,",
            "INV-2,2026-02-30,1000,qris,,",
            "INV-3,2026-01-31,-1,qris,,",
            "INV-4,2026-01-31,1000,bitcoin,,",
            "INV-5,not a date,abc,qris,,",
        )
    )
    assert batch.status == ImportStatus.REFUSED
    assert {(e["row"], e["column"]) for e in batch.errors} == {
        (3, "paid_on"),
        (4, "amount"),
        (5, "channel"),
        (6, "paid_on"),
        (6, "amount"),
    }
    assert batch.errors_count == 5
    assert batch.message == "5 problems found; nothing was written."
    assert Payment.objects.count() == before


# --- 13. The XLSX template ---------------------------------------------------------------------------------


def test_template_download_and_filled_template_imports(client, clerk, reference_data):
    client.force_login(clerk)
    response = client.get(reverse("imports:template", kwargs={"importer": CODE}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="template-sample-payments.xlsx"' in response["Content-Disposition"]

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    data = workbook["data"]
    names = get_importer(CODE).column_names()
    assert (
        [cell.value for cell in data[1]] == names == ["reference", "paid_on", "amount", "channel", "kelurahan", "note"]
    )

    channel_letter = "D"
    lists = [dv for dv in data.data_validations.dataValidation if f"{channel_letter}2" in dv.sqref]
    assert len(lists) == 1
    assert lists[0].type == "list"
    assert lists[0].formula1 == "=pilihan!$D$1:$D$2"
    assert [workbook["pilihan"]["D1"].value, workbook["pilihan"]["D2"].value] == ["qris", "cash"]

    guide_rows = [list(row) for row in workbook["petunjuk"].iter_rows(values_only=True)]
    header_at = max(index for index, row in enumerate(guide_rows) if row[: len(names)] == names)
    assert guide_rows[header_at + 1][:5] == ["INV-1", "2026-01-31", "150000", "qris", "64.71.01.1001"]

    data.append(["INV-T1", date(2026, 1, 31), 150000, "QRIS", "64.71.01.1001", "from the template"])
    data.append(["INV-T2", "2026-02-01", 99.5, "cash", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = run_import(CODE, data=buffer.getvalue(), filename="template-sample-payments.xlsx", user=clerk)
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert batch.rows_created == 2
    payment = Payment.objects.get(reference="INV-T1")
    assert (payment.paid_on, payment.amount, payment.channel, payment.kelurahan.code, payment.note) == (
        date(2026, 1, 31),
        Decimal("150000"),
        "qris",
        "64.71.01.1001",
        "from the template",
    )
    assert Payment.objects.get(reference="INV-T2").amount == Decimal("99.50")


def test_template_needs_the_importers_permission(client, role_users):
    client.force_login(role_users["bappeda"])
    assert client.get(reverse("imports:template", kwargs={"importer": CODE})).status_code == 403


# --- 14. The upload page -----------------------------------------------------------------------------------


def test_upload_page_lists_errors_and_offers_the_error_report(client, clerk):
    client.force_login(clerk)
    url = reverse("imports:upload", kwargs={"importer": CODE})
    assert client.get(url).status_code == 200

    before = Payment.objects.count()
    bad = csv_bytes("INV-1,2026-01-31,-5,qris,,", "INV-2,2026-02-30,1000,qris,,")
    response = client.post(url, {"file": SimpleUploadedFile("bad.csv", bad, content_type="text/csv")})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Must not be negative (got -5)." in page
    assert "2026-02-30" in page and "is not a valid date" in page
    assert "2 problems found; nothing was written." in page
    assert Payment.objects.count() == before

    batch = ImportBatch.objects.get(importer=CODE)
    assert (batch.status, batch.uploaded_by, batch.source, batch.original_name) == (
        ImportStatus.REFUSED,
        clerk,
        "web",
        "bad.csv",
    )
    errors_url = reverse("imports:batch_errors", kwargs={"pk": batch.pk})
    assert errors_url in page

    report = client.get(errors_url)
    assert report.status_code == 200
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(report.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["row", "column", "message"]
    assert rows[1][:2] == ["2", "amount"] and "must not be negative" in rows[1][2].lower()
    assert rows[2][:2] == ["3", "paid_on"] and "2026-02-30" in rows[2][2]


def test_upload_page_dry_run_and_import(client, clerk):
    client.force_login(clerk)
    url = reverse("imports:upload", kwargs={"importer": CODE})
    good = csv_bytes("INV-1,2026-01-31,1000,qris,,")
    response = client.post(url, {"file": SimpleUploadedFile("good.csv", good), "dry_run": "1"})
    assert response.status_code == 200
    assert response.context["batch"].status == ImportStatus.VALIDATED
    assert Payment.objects.count() == 0
    response = client.post(url, {"file": SimpleUploadedFile("good.csv", good)})
    assert response.status_code == 200
    assert response.context["batch"].status == ImportStatus.COMMITTED
    assert Payment.objects.count() == 1


def test_upload_page_needs_the_importers_permission(client, role_users):
    client.force_login(role_users["bappeda"])
    url = reverse("imports:upload", kwargs={"importer": CODE})
    assert client.get(url).status_code == 403
    upload = SimpleUploadedFile("good.csv", csv_bytes("INV-1,2026-01-31,1000,qris,,"))
    assert client.post(url, {"file": upload}).status_code == 403
    assert Payment.objects.count() == 0
    assert not ImportBatch.objects.exists()


def test_upload_page_redirects_anonymous_users_to_login(client):
    url = reverse("imports:upload", kwargs={"importer": CODE})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("imports:template", kwargs={"importer": CODE})).status_code == 302


def test_unknown_importer_is_not_found(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("imports:upload", kwargs={"importer": "no-such-import"})).status_code == 404


def test_error_report_of_another_offices_import_is_not_found(client, clerk, role_users):
    batch = run_import(CODE, data=csv_bytes("INV-1,2026-01-31,-5,qris,,"), filename="bad.csv", user=clerk)
    client.force_login(role_users["dpmptsp"])
    assert client.get(reverse("imports:batch_errors", kwargs={"pk": batch.pk})).status_code == 404


# --- 15. Management commands -------------------------------------------------------------------------------


def test_load_reference_is_idempotent(reference_data):
    counts = (Kecamatan.objects.count(), Kelurahan.objects.count(), Sector.objects.count())
    assert counts == (6, 34, 17)
    history = (Kecamatan.history.count(), Kelurahan.history.count(), Sector.history.count())

    out = io.StringIO()
    call_command("load_reference", stdout=out, stderr=io.StringIO())

    assert (Kecamatan.objects.count(), Kelurahan.objects.count(), Sector.objects.count()) == counts
    assert (Kecamatan.history.count(), Kelurahan.history.count(), Sector.history.count()) == history
    latest = {batch.importer: batch for batch in ImportBatch.objects.order_by("id")}
    for code in ("wilayah", "sectors"):
        assert latest[code].status == ImportStatus.COMMITTED
        assert (latest[code].rows_created, latest[code].rows_updated) == (0, 0)
        assert latest[code].source == "command"
    assert "0 new, 0 updated" in out.getvalue()


def test_reference_holidays_follow_the_skb_and_its_amendment(reference_data):
    by_year = {}
    for holiday in PublicHoliday.objects.all():
        by_year.setdefault((holiday.date.year, holiday.kind), []).append(holiday.date)
    # SKB 3 Menteri 2025: 17 national holidays, 10 cuti bersama, plus 18 August added by the 2025 amendment.
    assert (len(by_year[2025, "national"]), len(by_year[2025, "collective_leave"])) == (17, 11)
    assert date(2025, 8, 18) in by_year[2025, "collective_leave"]
    # SKB 3 Menteri 2026: 17 national holidays, 8 cuti bersama.
    assert (len(by_year[2026, "national"]), len(by_year[2026, "collective_leave"])) == (17, 8)


class ImportPaymentsCommand(BaseImportCommand):
    importer_code = CODE


def test_import_command_refuses_a_bad_file(tmp_path):
    path = tmp_path / "payments.csv"
    path.write_bytes(csv_bytes("INV-1,2026-01-31,1000,qris,,", "INV-2,2026-01-31,-5,qris,,"))
    before = Payment.objects.count()
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command(ImportPaymentsCommand(), str(path), stdout=io.StringIO(), stderr=stderr)
    assert "row 3, column amount: Must not be negative" in stderr.getvalue()
    assert Payment.objects.count() == before
    batch = ImportBatch.objects.get()
    assert (batch.source, batch.status) == ("command", ImportStatus.REFUSED)


def test_import_command_dry_run_and_import(tmp_path, make_user):
    user = make_user("loader")
    path = tmp_path / "payments.csv"
    path.write_bytes(csv_bytes("INV-1,2026-01-31,1000,qris,,"))
    call_command(ImportPaymentsCommand(), str(path), "--dry-run", stdout=io.StringIO())
    assert Payment.objects.count() == 0
    call_command(ImportPaymentsCommand(), str(path), "--user", "loader", stdout=io.StringIO())
    assert Payment.objects.count() == 1
    assert ImportBatch.objects.order_by("id").last().uploaded_by == user
    with pytest.raises(CommandError, match="No such file"):
        call_command(ImportPaymentsCommand(), str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="No such user"):
        call_command(ImportPaymentsCommand(), str(path), "--user", "nobody")


# --- 16. The wilayah importer --------------------------------------------------------------------------------

WILAYAH_HEADER = "kode_kemendagri,level,kecamatan,nama,kode_pos"


def import_wilayah(*lines):
    data = ("\n".join([WILAYAH_HEADER, *lines]) + "\n").encode()
    return run_import("wilayah", data=data, filename="wilayah.csv", user=None)


def test_wilayah_refuses_a_kelurahan_without_its_kecamatan(reference_data):
    before = (Kelurahan.objects.count(), Kecamatan.objects.count())
    batch = import_wilayah(
        "64.71.01.1001,kelurahan,Balikpapan Timur,Manggar,76116",
        "64.71.09.1001,kelurahan,Balikpapan Baru,Somewhere,76100",
    )
    assert_refused(batch, row=3, column="kode_kemendagri", says="Kecamatan 64.71.09 is neither in this file nor")
    assert batch.errors_count == 1
    assert (Kelurahan.objects.count(), Kecamatan.objects.count()) == before


def test_wilayah_kelurahan_with_its_kecamatan_in_the_same_file_imports(reference_data):
    batch = import_wilayah(
        "64.71.09,kecamatan,Balikpapan Baru,Balikpapan Baru,",
        "64.71.09.1001,kelurahan,Balikpapan Baru,Somewhere,76100",
    )
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert (batch.rows_created, batch.rows_updated) == (2, 0)
    assert Kelurahan.objects.get(code="64.71.09.1001").kecamatan.name == "Balikpapan Baru"


def test_wilayah_code_shape_must_match_the_level(reference_data):
    before = Kelurahan.objects.count()
    batch = import_wilayah("64.71.01,kelurahan,Balikpapan Timur,Manggar,76116", "64.71.01.1001,kelurahan,,Manggar,")
    assert_refused(batch, row=2, column="kode_kemendagri", says="shape of a kelurahan code")
    assert_refused(batch, row=3, column="kecamatan", says="needs its kecamatan")
    assert Kelurahan.objects.count() == before


def test_wilayah_reimport_updates_the_postal_code_with_history(reference_data):
    manggar = Kelurahan.objects.get(code="64.71.01.1001")
    assert manggar.postal_code == "76116"
    history_before = manggar.history.count()

    batch = import_wilayah("64.71.01.1001,kelurahan,Balikpapan Timur,Manggar,76199")

    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert (batch.rows_created, batch.rows_updated) == (0, 1)
    assert Kelurahan.objects.count() == 34
    manggar.refresh_from_db()
    assert manggar.postal_code == "76199"
    assert manggar.history.count() == history_before + 1
    newest, previous = manggar.history.order_by("-history_date", "-history_id")[:2]
    assert newest.history_type == "~"
    changes = {change.field: (change.old, change.new) for change in newest.diff_against(previous).changes}
    assert changes == {"postal_code": ("76116", "76199")}


# --- 17. Found by fuzzing (test_importer_fuzz.py) -------------------------------------------------------------


def test_wilayah_refuses_a_kelurahan_name_already_used_in_its_kecamatan(reference_data):
    """The database allows one name per kecamatan: refused with the row, not only when saving."""
    before = (Kelurahan.objects.count(), Kelurahan.history.count())
    batch = import_wilayah(
        "64.71.01.1999,kelurahan,Balikpapan Timur,Manggar,76116",
        "64.71.02.1998,kelurahan,Balikpapan Barat,Baru,76131",
        "64.71.02.1999,kelurahan,Balikpapan Barat,Baru,76131",
    )
    assert_refused(batch, row=2, column="nama", says="Kelurahan 64.71.01.1001 of the same kecamatan has the same name")
    assert_refused(batch, row=3, column="nama", says="64.71.02.1999")
    assert_refused(batch, row=4, column="nama", says="64.71.02.1998")
    assert (Kelurahan.objects.count(), Kelurahan.history.count()) == before


def test_wilayah_refuses_a_kecamatan_name_already_used_but_a_rename_in_the_file_is_fine(reference_data):
    batch = import_wilayah("64.71.09,kecamatan,,Balikpapan Timur,")
    assert_refused(batch, row=2, column="nama", says="Kecamatan 64.71.01 has the same name")
    assert Kecamatan.objects.count() == 6

    renamed = import_wilayah("64.71.01,kecamatan,,Balikpapan Timur Lama,", "64.71.09,kecamatan,,Balikpapan Timur,")
    assert renamed.status == ImportStatus.COMMITTED, renamed.errors


def test_sectors_refuse_an_order_held_by_another_sector(reference_data):
    before = (Sector.objects.count(), Sector.history.count())
    data = b"order,code,name_id,name_en,label_in_paper\n1,ZZ,Sektor baru,New sector,\n"
    batch = run_import("sectors", data=data, filename="sectors.csv", user=None)
    assert_refused(batch, row=2, column="order", says="Sector A already has the order 1")
    assert (Sector.objects.count(), Sector.history.count()) == before

    again = b"order,code,name_id,name_en,label_in_paper\n99,ZZ,Sektor baru,New sector,\n"
    assert run_import("sectors", data=again, filename="sectors.csv", user=None).status == ImportStatus.COMMITTED


def test_a_nul_character_in_a_cell_is_refused_with_its_row_and_column():
    refused_without_writing(
        csv_bytes("INV-1,2026-01-31,150000,qris,,a\x00b"), row=2, column="note", says="NUL character"
    )


def test_a_nul_character_in_the_header_is_stored_readably_in_the_import_log():
    """PostgreSQL cannot store NUL in text or JSON: the refusal quoting the header must still be saved."""
    batch = import_payments(csv_bytes("INV-1,2026-01-31,150000,qris,,", header=HEADER + ",x\x00y"))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.REFUSED
    assert errors_at(batch, row=1, column="x\ufffdy")
    assert "\x00" not in str(batch.errors)


@pytest.mark.parametrize(
    "filename, extension",
    [("../../etc/passwd.csv", ".csv"), ("C:\\Users\\x\\pay ments.CSV", ".csv"), ("..", ""), ("a.c/sv", "")],
)
def test_the_stored_file_never_takes_a_path_from_the_given_name(filename, extension):
    """The file is stored under a random name with the given name's extension; the name itself (which may hold a
    NIK or a phone number) stays in the import log only."""
    batch = import_payments(csv_bytes("INV-1,2026-01-31,150000,qris,,"), filename=filename)
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    stored = batch.file.name.rsplit("/", 1)[-1]
    assert re.fullmatch(r"[0-9a-f]{32}" + re.escape(extension), stored), stored
    assert batch.file.name.startswith("imports/")
    assert batch.original_name == filename


@pytest.mark.parametrize("amount", ["9" * 40, "1e20", "1000000000000.00"])
def test_a_number_too_large_for_the_database_column_is_refused_with_its_row(amount):
    refused_without_writing(csv_bytes(f"INV-1,2026-01-31,{amount},qris,,"), row=2, column="amount", says="Too large")


def test_the_largest_number_the_column_holds_is_accepted():
    assert import_payments(csv_bytes("INV-1,2026-01-31,999999999999.99,qris,,")).status == ImportStatus.COMMITTED


def test_sectors_may_swap_their_orders_in_one_file(reference_data):
    """Found by fuzzing: the order is unique, so the first row collided with the second while saving."""
    data = b"order,code,name_id,name_en,label_in_paper\n2,A,Pertanian,Agriculture,\n1,B,Pertambangan,Mining,\n"
    batch = run_import("sectors", data=data, filename="sectors.csv", user=None)
    assert batch.status == ImportStatus.COMMITTED, batch.message
    assert dict(Sector.objects.filter(code__in="AB").values_list("code", "order")) == {"A": 2, "B": 1}
    newest = Sector.objects.get(code="A").history.order_by("-history_id")
    changes = {change.field: (change.old, change.new) for change in newest[0].diff_against(newest[1]).changes}
    assert changes["order"] == (1, 2)


@pytest.mark.parametrize("paid_on", ["0001-01-01", "1899-12-31", "31/12/9999", "2101-01-01"])
def test_a_date_outside_plausible_years_is_refused_with_its_row(paid_on):
    refused_without_writing(csv_bytes(f"INV-1,{paid_on},150000,qris,,"), row=2, column="paid_on", says="year must be")
