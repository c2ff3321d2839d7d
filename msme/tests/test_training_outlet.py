"""Trainings (priority score, quota, waitlist, attendance) and the SME Center outlet (stock, payouts)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from msme.models import MarketplaceCategory, OutletMovement, OutletPayout, TrainingParticipant
from msme.services import (
    listing_save,
    outlet_movement_record,
    outlet_outstanding,
    outlet_payout_record,
    outlet_product_save,
    participant_record,
    participant_select,
    participant_withdraw,
    priority_scores,
    training_apply,
    training_run_selection,
    training_save,
)

from .factories import kelurahan, make_msme

pytestmark = pytest.mark.django_db


def _training(**overrides):
    values = {"title": "Digitalisasi UMKM", "starts_on": date(2023, 12, 20), "ends_on": date(2023, 12, 21), "quota": 2}
    values.update(overrides)
    return training_save(**values)


def test_priority_score_is_the_weighted_sum_of_its_criteria(reference_data):
    category = MarketplaceCategory.objects.create(code="m", name="Makanan")
    earlier = _training(title="Earlier", starts_on=date(2022, 1, 10), ends_on=date(2022, 1, 11), quota=5)
    trained = make_msme(1, qris_since=date(2021, 1, 1))
    participant_select(participant=training_apply(training=earlier, msme=trained))
    participant_record(participant=TrainingParticipant.objects.get(msme=trained), attended=True)
    fresh = make_msme(2, kelurahan=kelurahan("64.71.02.1001"))
    listing_save(msme=fresh, product_name="Amplang", category=category, price=1, listed_on=date(2023, 1, 1))
    training = _training(
        weight_never_trained=40, weight_no_digital_payment=30, weight_kecamatan_equity=20, weight_has_products=10
    )
    scores = priority_scores(training, [trained, fresh])
    # fresh: never trained (40), no QRIS (30), a kecamatan nobody was trained in (20), has products (10)
    assert scores[fresh.pk][0] == Decimal("100.00")
    # trained: trained before (0), QRIS since 2021 (0), the most covered kecamatan (0), no products (0)
    assert scores[trained.pk][0] == Decimal("0.00")
    assert scores[fresh.pk][1]["has_products"] == {"value": 1.0, "weight": 10}


def test_selection_fills_the_quota_by_score_and_waitlists_the_rest(reference_data):
    training = _training(quota=2)
    low = make_msme(1, qris_since=date(2020, 1, 1))
    high = make_msme(2)
    mid = make_msme(3, qris_since=date(2020, 1, 1))
    for msme in (low, high, mid):
        training_apply(training=training, msme=msme)
    assert training_run_selection(training=training) == (2, 1)
    statuses = dict(TrainingParticipant.objects.values_list("msme_id", "status"))
    assert statuses[high.pk] == "selected"
    assert sorted(statuses.values()) == ["selected", "selected", "waitlisted"]


def test_over_quota_is_refused_and_a_withdrawal_promotes_the_waitlist(reference_data):
    training = _training(quota=1)
    first, second = make_msme(1), make_msme(2)
    p1 = training_apply(training=training, msme=first)
    p2 = training_apply(training=training, msme=second)
    participant_select(participant=p1)
    with pytest.raises(ValidationError, match="full: 1 of 1"):
        participant_select(participant=p2)
    p2.refresh_from_db()
    assert p2.status == "applied"
    training_run_selection(training=training)
    p2.refresh_from_db()
    assert p2.status == "waitlisted"
    promoted = participant_withdraw(participant=p1)
    assert promoted.pk == p2.pk and TrainingParticipant.objects.get(pk=p2.pk).status == "selected"
    with pytest.raises(ValidationError):
        training_apply(training=training, msme=first)  # applied already


def test_quota_cannot_go_below_the_seats_taken(reference_data):
    training = _training(quota=2)
    for n in (1, 2):
        participant_select(participant=training_apply(training=training, msme=make_msme(n)))
    with pytest.raises(ValidationError) as caught:
        training_save(training=training, quota=1)
    assert "quota" in caught.value.message_dict


def test_only_selected_participants_attend_and_qris_follow_up_updates_the_registry(reference_data):
    training = _training()
    msme = make_msme(1)
    participant = training_apply(training=training, msme=msme)
    with pytest.raises(ValidationError):
        participant_record(participant=participant, attended=True)
    participant_select(participant=participant)
    participant_record(participant=participant, attended=True, qris_adopted_on=date(2024, 1, 3))
    msme.refresh_from_db()
    assert msme.qris_since == date(2024, 1, 3)


@pytest.fixture
def product(reference_data):
    return outlet_product_save(
        msme=make_msme(1), name="Amplang", unit_price=Decimal(25000), commission_percent=Decimal(20)
    )


def test_stock_sales_returns_and_outstanding_balance(product):
    outlet_movement_record(product=product, kind="intake", quantity=10, on=date(2024, 5, 2))
    outlet_movement_record(product=product, kind="sale", quantity=4, on=date(2024, 5, 10))
    outlet_movement_record(product=product, kind="return", quantity=2, on=date(2024, 5, 30))
    with pytest.raises(ValidationError, match="Only 4 in stock"):
        outlet_movement_record(product=product, kind="sale", quantity=5, on=date(2024, 5, 31))
    assert OutletMovement.objects.count() == 3
    assert outlet_outstanding(product.msme) == Decimal("80000.00")  # 4 × 25,000 less 20 %


def test_payout_above_the_outstanding_balance_is_refused(product):
    outlet_movement_record(product=product, kind="intake", quantity=10, on=date(2024, 5, 2))
    outlet_movement_record(product=product, kind="sale", quantity=4, on=date(2024, 5, 10))
    with pytest.raises(ValidationError) as caught:
        outlet_payout_record(
            msme=product.msme,
            month=date(2024, 5, 1),
            amount=Decimal(80001),
            paid_on=date(2024, 6, 5),
            method="qris",
            reference="QR-1",
        )
    assert "Rp80.000" in caught.value.message_dict["amount"][0]
    assert OutletPayout.objects.count() == 0
    outlet_payout_record(
        msme=product.msme,
        month=date(2024, 5, 20),
        amount=Decimal(80000),
        paid_on=date(2024, 6, 5),
        method="qris",
        reference="QR-1",
    )
    assert outlet_outstanding(product.msme) == 0
    assert OutletPayout.objects.get().month == date(2024, 5, 1)
