"""The lock of an approved month on DKUMKMP's MSME sources: the registry and catalogue importers list every row in
a locked month (a merge or an update: the stored record's month too), the entry forms and the training's record
actions refuse with the locked message; nothing written, no period made dirty, until Bappeda reopens the month.
Deliberate exceptions, data of their own day: a delisting and a QRIS follow-up."""

from datetime import date

import pytest
from django.urls import reverse

from msme.models import Listing, MarketplaceCategory, Msme, TrainingParticipant
from msme.services import (
    LISTINGS_SOURCE,
    REGISTRY_SOURCE,
    TRAININGS_SOURCE,
    listing_save,
    participant_select,
    training_apply,
    training_save,
)
from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import
from smarteconomy.testing_locks import dirty_periods, flash, lock_period, reopen_period, says_locked

from .factories import make_msme

pytestmark = pytest.mark.django_db

HEADER = (
    "name,owner_name,owner_nik,nib,phone,address,kelurahan,business_category,scale,registered_on,status,qris_since,"
    "duplicate_of"
)
LISTING_HEADER = "external_id,msme_id,product_name,category,price,listed_on,active,delisted_on"


def csv(*rows, header=HEADER):
    return ("\n".join([header, *rows]) + "\n").encode()


@pytest.fixture
def officer(client, role_users, reference_data):
    client.cookies["django_language"] = "en"  # the pages answer in English, as the assertions read
    return role_users["dkumkmp"]


def test_the_registry_import_lists_the_rows_of_a_locked_month(officer, role_users):
    march = make_msme(1, name="Amplang Ibu Sari", registered_on=date(2025, 3, 5))
    lock_period(REGISTRY_SOURCE, "2025-03", role_users)
    rows = [
        "Toko Satu,Ani,6471054107850011,,,,64.71.01.1001,culinary,micro,2025-02-27,,,",
        "Toko Dua,Ani,6471054107850012,,,,64.71.01.1001,culinary,micro,2025-03-31,,,",
        # A merge into the MSME registered in March changes that record: listed although the row says April.
        f"Amplang Ibu Sari,Sari,6471054107850013,,,,64.71.02.1001,culinary,micro,2025-04-02,,,{march.pk}",
    ]
    dirty = dirty_periods()
    batch = run_import("msmes", data=csv(*rows), filename="umkm.csv", user=officer)
    assert batch.status == ImportStatus.REFUSED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "registered_on"), (4, "registered_on")]
    assert all(says_locked(e["message"], "2025-03") and "MSME registry" in e["message"] for e in batch.errors)
    assert Msme.objects.count() == 1 and dirty_periods() == dirty
    march.refresh_from_db()
    assert march.registered_on == date(2025, 3, 5)

    reopen_period(REGISTRY_SOURCE, "2025-03", role_users)
    batch = run_import("msmes", data=csv(*rows), filename="umkm.csv", user=officer)
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert Msme.objects.count() == 3


def test_the_catalogue_import_refuses_an_update_of_a_locked_listing(officer, role_users):
    msme = make_msme(1)
    category = MarketplaceCategory.objects.create(code="makanan", name="Makanan")
    listing_save(
        msme=msme, product_name="Amplang", category=category, price=1000, listed_on=date(2025, 3, 2), external_id="SU-1"
    )
    lock_period(LISTINGS_SOURCE, "2025-03", role_users)
    rows = [
        f"SU-1,{msme.pk},Amplang 250 g,makanan,25000,2025-04-02,ya,",  # moves it out of March: March changes
        f"SU-2,{msme.pk},Kopi,makanan,30000,2025-02-02,,2025-03-20",  # delisted in March
        f"SU-3,{msme.pk},Kopi,makanan,30000,2025-04-02,,",
    ]
    batch = run_import("listings", data=csv(*rows, header=LISTING_HEADER), filename="c.csv", user=officer)
    assert batch.status == ImportStatus.REFUSED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "listed_on"), (3, "delisted_on")], batch.errors
    assert Listing.objects.get().product_name == "Amplang" and Listing.objects.count() == 1

    reopen_period(LISTINGS_SOURCE, "2025-03", role_users)
    batch = run_import("listings", data=csv(rows[0], rows[2], header=LISTING_HEADER), filename="c.csv", user=officer)
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert Listing.objects.get(external_id="SU-1").listed_on == date(2025, 4, 2)


def test_the_listing_form_refuses_a_change_but_lets_a_locked_listing_be_delisted(client, officer, role_users):
    client.force_login(officer)
    category = MarketplaceCategory.objects.create(code="m", name="Makanan")
    listing = listing_save(
        msme=make_msme(1), product_name="Amplang", category=category, price=1000, listed_on=date(2025, 3, 2)
    )
    lock_period(LISTINGS_SOURCE, "2025-03", role_users)
    url = reverse("msme:listing_edit", args=[listing.pk])
    data = {
        "msme": listing.msme_id,
        "product_name": "Amplang Istimewa",
        "category": category.pk,
        "price": "1000",
        "listed_on": "2025-03-02",
        "active": "on",
        "delisted_on": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    refusal = " ".join(response.context["form"].non_field_errors())
    assert says_locked(refusal, "2025-03") and "E-marketplace listings" in refusal
    listing.refresh_from_db()
    assert listing.product_name == "Amplang" and listing.history.count() == 1

    today = date.today().isoformat()
    response = client.post(url, {**data, "product_name": "Amplang", "delisted_on": today})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.delisted_on is not None and not listing.active

    reopen_period(LISTINGS_SOURCE, "2025-03", role_users)
    assert client.post(url, {**data, "delisted_on": today}).status_code == 302
    listing.refresh_from_db()
    assert listing.product_name == "Amplang Istimewa"


def test_the_training_actions_refuse_attendance_of_a_locked_month_but_take_the_qris_follow_up(
    client, officer, role_users
):
    client.force_login(officer)
    training = training_save(title="Digitalisasi", starts_on=date(2025, 3, 10), ends_on=date(2025, 3, 11), quota=2)
    msme = make_msme(1)
    participant = participant_select(participant=training_apply(training=training, msme=msme))
    lock_period(TRAININGS_SOURCE, "2025-03", role_users)
    dirty = dirty_periods()
    action = reverse("msme:participant_action", args=[training.pk, participant.pk])
    response = client.post(action, {"action": "attended"})
    assert response.status_code == 302
    assert says_locked(flash(client, response), "2025-03")
    participant.refresh_from_db()
    assert not participant.attended and dirty_periods() == dirty

    # Refused as well: a new application, a participant withdrawn (data of the locked month).
    other = make_msme(2)
    response = client.post(reverse("msme:training_apply", args=[training.pk]), {"msme": other.pk})
    assert says_locked(flash(client, response), "2025-03") and training.participants.count() == 1
    response = client.post(action, {"action": "withdraw"})
    participant.refresh_from_db()
    assert participant.status == "selected"

    # The follow-up: QRIS adopted in a later, open month is that month's data.
    response = client.post(action, {"action": "qris", "qris_adopted_on": "2025-05-05"})
    participant.refresh_from_db()
    msme.refresh_from_db()
    assert participant.qris_adopted_on == date(2025, 5, 5) and msme.qris_since == date(2025, 5, 5)

    reopen_period(TRAININGS_SOURCE, "2025-03", role_users)
    client.post(action, {"action": "attended"})
    assert TrainingParticipant.objects.get(pk=participant.pk).attended
