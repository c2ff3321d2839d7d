"""The QRIS settlement importer, fuzzed by smarteconomy/tests/test_importer_fuzz.py: a centre with its static
QRIS, an open levy bill to match, and one settlement row already imported (its RRN is skipped)."""

from datetime import date

from hypothesis import strategies as st

from industry_center.services import levy_bills_issue_month, settlement_row_record
from smarteconomy.testing_fuzz import FuzzCase

from .factories import MERCHANT_ID, at, make_centre, make_tenancy

KNOWN_RRN = "250305000001"


def setup():
    centre = make_centre()
    make_tenancy(centre)
    levy_bills_issue_month(period=date(2025, 3, 1), today=date(2025, 3, 1))
    settlement_row_record(
        centre=centre,
        row_number=2,
        transaction_at=at(2025, 3, 5),
        amount=150_000,
        rrn=KNOWN_RRN,
        merchant_id=MERCHANT_ID,
    )


FUZZ = [
    FuzzCase(
        "qris_settlement",
        setup=setup,
        cells={
            "merchant_id": st.sampled_from([MERCHANT_ID, MERCHANT_ID, "ID9999999999999"]),
            "rrn": st.one_of(
                st.sampled_from([KNOWN_RRN, "250305000002", "250305000003"]),
                st.from_regex(r"[0-9]{12}", fullmatch=True),
            ),
            "amount": st.sampled_from([150_000, 75_000, 1, 10**12]),
        },
    ),
]
