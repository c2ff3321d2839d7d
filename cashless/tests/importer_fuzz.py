"""The e-parking importer (bulk: pandas, and COPY on PostgreSQL), fuzzed by smarteconomy/tests/test_importer_fuzz.py
with one location and one transaction already stored (the same row again adds nothing; other content is a
conflict)."""

from datetime import timedelta

from hypothesis import strategies as st

from cashless.choices import PaymentMethod, TransactionStatus, VehicleClass
from cashless.ingest import MAX_AMOUNT
from cashless.services import parking_transactions_import
from smarteconomy.testing_fuzz import FuzzCase

from .factories import csv_of, make_location, row

new_ids = st.builds(lambda uuid: f"SPG-{uuid.hex[:16]}", st.uuids())


def setup():
    location = make_location()
    parking_transactions_import(location=location, data=csv_of(row("T1")), filename="log.csv", user=None)
    return {"location": location}


def exit_after_entry(draw, values):
    if values["exit_time"]:
        values["exit_time"] = values["entry_time"] + timedelta(minutes=draw(st.integers(0, 600)))


FUZZ = [
    FuzzCase(
        "parking",
        setup=setup,
        cells={
            # ingest takes the codes only (the template's drop-down lists offer them), not the labels.
            "vehicle_class": st.sampled_from(VehicleClass.values),
            "payment_method": st.sampled_from(PaymentMethod.values),
            "status": st.sampled_from(TransactionStatus.values),
            "amount": st.integers(min_value=0, max_value=MAX_AMOUNT),
            "transaction_id": st.one_of(new_ids, new_ids, new_ids, st.just("T1")),
        },
        fix=exit_after_entry,
    ),
]
