"""The bank's QRIS settlement file: import through the shared importer, matching, duplicates, ambiguities, bad
rows, and the people who resolve what the matching could not."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from industry_center.choices import BillStatus, SettlementStatus
from industry_center.models import LevyBill, Payment, SettlementRow
from industry_center.services import levy_bills_issue_month, settlement_row_resolve, settlement_row_set_aside
from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import

from .factories import MERCHANT_ID, make_centre, make_tenancy

pytestmark = pytest.mark.django_db
HEADER = "transaction_time,amount,rrn,bill_number,merchant_id,payer\n"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def bills():
    centre = make_centre()
    make_tenancy(centre, "RP-01", "UD Tempe Barokah", owner_name="Siti Aminah", levy=150_000)
    make_tenancy(centre, "RP-02", "CV Tahu Sumedang", owner_name="Budi Santoso", levy=150_000)
    make_tenancy(centre, "RP-03", "UD Keripik Manggar", owner_name="Rina", levy=120_000)
    levy_bills_issue_month(period=date(2025, 3, 1), today=date(2025, 3, 1))
    return {bill.tenancy.house.unit_code: bill for bill in LevyBill.objects.select_related("tenancy__house")}


def upload(text, user=None, dry_run=False):
    return run_import(
        "qris_settlement", data=(HEADER + text).encode(), filename="settlement.csv", user=user, dry_run=dry_run
    )


def test_rows_match_by_bill_number_or_by_amount_and_window_and_record_qris_payments(bills):
    rp1, rp3 = bills["RP-01"], bills["RP-03"]
    batch = upload(
        f"2025-03-05 10:21,150000,250305000001,{rp1.number},{MERCHANT_ID},\n"
        f"2025-03-06 08:00,120000,250306000002,,{MERCHANT_ID},RINA\n"
    )
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert batch.rows_created == 2
    rp1.refresh_from_db()
    rp3.refresh_from_db()
    assert (rp1.status, rp1.paid_amount) == (BillStatus.PAID, 150_000)
    assert rp3.status == BillStatus.PAID
    payment = Payment.objects.get(bill=rp1)
    assert (payment.channel, payment.reference) == ("qris", "250305000001")
    assert set(SettlementRow.objects.values_list("status", flat=True)) == {SettlementStatus.MATCHED}


def test_reimporting_the_same_file_matches_nothing_twice(bills):
    text = f"2025-03-05 10:21,150000,250305000001,{bills['RP-01'].number},{MERCHANT_ID},\n"
    first = upload(text)
    second = upload(text)
    assert (first.rows_created, second.rows_created) == (1, 0)
    assert second.status == ImportStatus.COMMITTED
    assert "already imported" in second.warnings[0]["message"]
    assert Payment.objects.count() == 1 and SettlementRow.objects.count() == 1


def test_two_open_bills_of_the_same_amount_without_a_payer_are_ambiguous(bills):
    upload(f"2025-03-05 10:21,150000,250305000009,,{MERCHANT_ID},\n")
    row = SettlementRow.objects.get()
    assert row.status == SettlementStatus.AMBIGUOUS
    assert set(row.candidates.values_list("pk", flat=True)) == {bills["RP-01"].pk, bills["RP-02"].pk}
    assert not Payment.objects.exists()
    settlement_row_resolve(row=row, bill=bills["RP-02"])
    row.refresh_from_db()
    assert row.status == SettlementStatus.RESOLVED
    assert Payment.objects.get().bill == bills["RP-02"]


def test_the_payer_name_narrows_the_candidates(bills):
    upload(f"2025-03-05 10:21,150000,250305000010,,{MERCHANT_ID},Budi Santoso\n")
    row = SettlementRow.objects.get()
    assert row.status == SettlementStatus.MATCHED
    assert row.payment.bill == bills["RP-02"]


def test_double_payment_and_overpayment_wait_for_a_person(bills):
    rp1 = bills["RP-01"]
    batch = upload(
        f"2025-03-05 10:21,150000,R1,{rp1.number},{MERCHANT_ID},\n"
        f"2025-03-05 10:25,150000,R2,{rp1.number},{MERCHANT_ID},\n"
        f"2025-03-05 11:00,999000,R3,{bills['RP-03'].number},{MERCHANT_ID},\n"
    )
    assert batch.status == ImportStatus.COMMITTED
    rows = {row.rrn: row for row in SettlementRow.objects.all()}
    assert rows["R1"].status == SettlementStatus.MATCHED
    assert rows["R2"].status == SettlementStatus.REVIEW and "Double payment" in rows["R2"].reason
    assert rows["R3"].status == SettlementStatus.REVIEW and "Overpayment" in rows["R3"].reason
    assert Payment.objects.count() == 1
    with pytest.raises(ValidationError, match="Double payment"):
        settlement_row_resolve(row=rows["R2"], bill=rp1)
    settlement_row_set_aside(row=rows["R2"], reason="Refunded to the tenant")
    rows["R2"].refresh_from_db()
    assert rows["R2"].status == SettlementStatus.IGNORED


def test_same_amount_again_without_bill_number_after_payment_is_a_possible_double_payment(bills):
    upload(f"2025-03-05 10:21,120000,R1,,{MERCHANT_ID},\n2025-03-05 10:22,120000,R2,,{MERCHANT_ID},\n")
    rows = {row.rrn: row for row in SettlementRow.objects.all()}
    assert rows["R1"].status == SettlementStatus.MATCHED
    assert rows["R2"].status == SettlementStatus.REVIEW and "Possible double payment" in rows["R2"].reason


def test_unknown_bill_number_and_no_candidate_are_unmatched(bills):
    upload(f"2025-03-05 10:21,150000,R1,SKRD-X-1,{MERCHANT_ID},\n2025-03-05 10:21,777,R2,,{MERCHANT_ID},\n")
    assert set(SettlementRow.objects.values_list("status", flat=True)) == {SettlementStatus.UNMATCHED}


def test_a_transaction_outside_the_window_does_not_match(bills, settings):
    settings.QRIS_MATCH_WINDOW_DAYS = 10
    upload(f"2025-04-20 10:21,120000,R1,,{MERCHANT_ID},\n")
    assert SettlementRow.objects.get().status == SettlementStatus.UNMATCHED


@pytest.mark.parametrize(
    ("rows", "column", "message"),
    [
        ("2025-03-05 10:21,150000,R1,,ID999,\n", "merchant_id", "Unknown merchant “ID999”"),
        (f"2025-03-05 10:21,15O000,R1,,{MERCHANT_ID},\n", "amount", "not a number"),
        (f"yesterday,150000,R1,,{MERCHANT_ID},\n", "transaction_time", ""),
        (f"2025-03-05 10:21,150000,R 1,,{MERCHANT_ID},\n", "rrn", "letters and digits"),
        (
            f"2025-03-05 10:21,150000,R1,,{MERCHANT_ID},\n2025-03-05 10:22,150000,R1,,{MERCHANT_ID},\n",
            "rrn",
            "Duplicate",
        ),
    ],
)
def test_bad_rows_refuse_the_whole_file_with_the_rows_listed(bills, rows, column, message):
    good = f"2025-03-04 09:00,150000,GOOD1,{bills['RP-01'].number},{MERCHANT_ID},\n"
    batch = upload(good + rows)
    assert batch.status == ImportStatus.REFUSED
    assert any(
        error["column"] == column and message in error["message"] and error["row"] >= 3 for error in batch.errors
    )
    assert not SettlementRow.objects.exists() and not Payment.objects.exists()
    bills["RP-01"].refresh_from_db()
    assert bills["RP-01"].paid_amount == 0


def test_dry_run_writes_nothing(bills):
    batch = upload(f"2025-03-05 10:21,150000,R1,{bills['RP-01'].number},{MERCHANT_ID},\n", dry_run=True)
    assert batch.status == ImportStatus.VALIDATED
    assert not SettlementRow.objects.exists()


def test_the_command_imports_the_file(bills, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "settlement.csv"
    path.write_text(HEADER + f"2025-03-05 10:21,150000,R1,{bills['RP-01'].number},{MERCHANT_ID},\n")
    out = StringIO()
    call_command("import_qris_settlement", str(path), stdout=out, stderr=StringIO())
    assert "1 row imported" in out.getvalue()
    assert SettlementRow.objects.get().status == SettlementStatus.MATCHED


def test_an_xlsx_settlement_file_with_typed_cells_imports_the_same(bills):
    from datetime import datetime
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append([datetime(2025, 3, 5, 10, 21), 150000, "250305000001", bills["RP-01"].number, MERCHANT_ID, None])
    buffer = BytesIO()
    book.save(buffer)
    batch = run_import("qris_settlement", data=buffer.getvalue(), filename="settlement.xlsx", user=None)
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert SettlementRow.objects.get().status == SettlementStatus.MATCHED


def test_an_amount_longer_than_a_qris_amount_is_refused_with_its_row(bills):
    """Found by fuzzing: 2^63 passed the column and failed only while saving, without the row."""
    batch = upload(f"2025-03-05 10:21,{10**13},250305123456,,{MERCHANT_ID},\n")
    assert batch.status == ImportStatus.REFUSED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "amount")]
    assert SettlementRow.objects.count() == 0
    assert upload(f"2025-03-05 10:21,{10**13 - 1},250305123456,,{MERCHANT_ID},\n").status == ImportStatus.COMMITTED


@pytest.mark.parametrize("moment", ["0001-01-01", "0001-01-01T00:00:00+14:00", "9999-12-31 23:59"])
def test_a_transaction_time_in_year_1_or_9999_is_refused_not_a_crash(bills, moment):
    """Found by fuzzing: matching looked for bills 45 days before year 1 (OverflowError, a server error)."""
    batch = upload(f"{moment},150000,250305123456,,{MERCHANT_ID},\n")
    assert batch.status == ImportStatus.REFUSED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "transaction_time")]
    assert SettlementRow.objects.count() == 0


def test_the_matchers_reason_reads_in_each_readers_language(bills):
    """A reason was stored in the language of the upload: "Bayar ganda: ..." on the English pages."""
    rp1 = bills["RP-01"]
    with translation.override("id"):
        upload(
            f"2025-03-05 10:00,150000,R3,,{MERCHANT_ID},\n"  # RP-01 and RP-02 are both open at 150.000
            f"2025-03-05 10:21,150000,R1,{rp1.number},{MERCHANT_ID},\n"
            f"2025-03-05 10:25,150000,R2,{rp1.number},{MERCHANT_ID},\n"
        )
    rows = {row.rrn: row for row in SettlementRow.objects.all()}
    assert rows["R2"].reason.startswith("Bayar ganda")  # stored as the uploader read it (search, exports)
    assert rows["R2"].reason_text["message"].startswith("Double payment: bill %(number)s")
    with translation.override("en"):
        assert rows["R2"].get_reason_display().startswith(f"Double payment: bill {rp1.number} was already paid")
        assert rows["R3"].get_reason_display() == "2 open bills of this amount in the window; choose one."
    with translation.override("id"):
        assert rows["R2"].get_reason_display().startswith(f"Bayar ganda: tagihan {rp1.number}")
    settlement_row_set_aside(row=rows["R2"], reason="Dikembalikan ke penyewa")
    rows["R2"].refresh_from_db()
    with translation.override("en"):
        assert rows["R2"].get_reason_display() == "Dikembalikan ke penyewa"  # a person's words, as typed


def test_the_settlement_page_states_the_status_once_as_its_badge(bills, client, make_user):
    """The details card listed "Status Ambigu" and the badge below it said it again."""
    from django.urls import reverse

    from smarteconomy.choices import Role

    upload(f"2025-03-05 10:00,150000,R9,,{MERCHANT_ID},\n")  # two open bills of 150.000: ambiguous
    row = SettlementRow.objects.get(rrn="R9")
    client.force_login(make_user("officer", Role.DKUMKMP))
    html = client.get(reverse("industry_center:settlement_detail", args=[row.pk])).content.decode()
    assert html.count(str(row.get_status_display())) == 1
    assert 'data-testid="status">' + str(row.get_status_display()) in html
