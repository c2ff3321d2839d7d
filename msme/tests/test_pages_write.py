"""The write pages of trainings, listings and the outlet, through the browser's forms (Django test client)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from msme.models import Listing, MarketplaceCategory, OutletMovement, OutletPayout, OutletProduct, Training
from msme.services import listing_save, outlet_product_save

from .factories import make_msme

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, role_users, reference_data):
    client.force_login(role_users["dkumkmp"])
    return role_users["dkumkmp"]


def test_training_pages_add_apply_select_attend(client, officer):
    response = client.post(
        reverse("msme:training_add"),
        {
            "title": "Digitalisasi UMKM",
            "partner": "Mitra",
            "starts_on": "2023-12-20",
            "ends_on": "2023-12-19",  # before the start: refused
            "quota": "1",
            "budget": "1000000",
            "weight_never_trained": "40",
            "weight_no_digital_payment": "30",
            "weight_kecamatan_equity": "20",
            "weight_has_products": "10",
            "follow_up_days": "30",
        },
    )
    assert response.status_code == 200 and Training.objects.count() == 0
    data = response.context["form"].data.copy()
    data["ends_on"] = "2023-12-21"
    response = client.post(reverse("msme:training_add"), data)
    training = Training.objects.get()
    assert response.status_code == 302 and response["Location"] == training.get_absolute_url()

    first, second = make_msme(1), make_msme(2)
    for msme in (first, second):
        client.post(reverse("msme:training_apply", args=[training.pk]), {"msme": msme.pk})
    response = client.post(reverse("msme:training_apply", args=[training.pk]), {"msme": 999999}, follow=True)
    assert "Tidak ada UMKM dengan nomor pendataan ini" in response.content.decode()  # Indonesian by default
    assert training.participants.count() == 2
    client.post(reverse("msme:training_selection", args=[training.pk]))
    assert sorted(training.participants.values_list("status", flat=True)) == ["selected", "waitlisted"]
    waiting = training.participants.get(status="waitlisted")
    response = client.post(
        reverse("msme:participant_action", args=[training.pk, waiting.pk]), {"action": "select"}, follow=True
    )
    assert "Pelatihan sudah penuh: 1 dari 1 kursi terisi" in response.content.decode()
    seated = training.participants.get(status="selected")
    client.post(reverse("msme:participant_action", args=[training.pk, seated.pk]), {"action": "attended"})
    client.post(
        reverse("msme:participant_action", args=[training.pk, seated.pk]),
        {"action": "qris", "qris_adopted_on": "2024-01-05"},
    )
    seated.refresh_from_db()
    assert seated.attended and seated.qris_adopted_on == date(2024, 1, 5)
    client.post(reverse("msme:participant_action", args=[training.pk, seated.pk]), {"action": "withdraw"})
    waiting.refresh_from_db()
    assert waiting.status == "selected"


def test_listing_edit_delists(client, officer):
    category = MarketplaceCategory.objects.create(code="m", name="Makanan")
    listing = listing_save(
        msme=make_msme(1), product_name="Amplang", category=category, price=1000, listed_on=date(2024, 1, 2)
    )
    response = client.post(
        reverse("msme:listing_edit", args=[listing.pk]),
        {
            "msme": listing.msme_id,
            "product_name": "Amplang",
            "category": category.pk,
            "price": "1000",
            "listed_on": "2024-01-02",
            "active": "on",
            "delisted_on": "2024-03-01",
        },
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.active is False and listing.delisted_on == date(2024, 3, 1)
    assert Listing.objects.count() == 1


def test_prices_and_amounts_are_typed_the_indonesian_way(client, officer):
    """A price 25.000 was refused (and 2,5 anywhere too): Rp25.000 is twenty-five thousand rupiah; an ambiguous
    25.00 is refused with a message, never read as 25 or 2.500."""
    category = MarketplaceCategory.objects.create(code="m", name="Makanan")
    msme = make_msme(1)
    form = {"msme": msme.pk, "product_name": "Amplang", "category": category.pk, "listed_on": "2024-01-02"}
    page = client.get(reverse("msme:listing_add")).content.decode()
    assert 'name="price" inputmode="decimal"' in page and '<span class="input-group-text">Rp</span>' in page
    response = client.post(reverse("msme:listing_add"), {**form, "price": "25.00", "active": "on"})
    assert response.status_code == 200 and not Listing.objects.exists()
    assert "tulis desimal dengan koma (2,5) dan ribuan dengan titik (25.000)" in response.content.decode()
    assert 'value="25.00"' in response.content.decode()  # shown again as typed
    response = client.post(reverse("msme:listing_add"), {**form, "price": "25.000", "active": "on"})
    assert response.status_code == 302 and Listing.objects.get().price == 25000
    listing = Listing.objects.get()
    assert 'value="25.000"' in client.get(reverse("msme:listing_edit", args=[listing.pk])).content.decode()
    client.post(
        reverse("msme:outlet_product_add"),
        {"msme": msme.pk, "name": "Kerupuk", "unit_price": "12.500", "commission_percent": "7,5"},
    )
    product = OutletProduct.objects.get()
    assert (product.unit_price, product.commission_percent) == (12500, Decimal("7.5"))


def test_outlet_pages(client, officer):
    msme = make_msme(1)
    response = client.post(
        reverse("msme:outlet_product_add"),
        {"msme": msme.pk, "name": "Amplang", "unit_price": "20000", "commission_percent": "10"},
    )
    product = OutletProduct.objects.get()
    assert response.status_code == 302 and response["Location"] == product.get_absolute_url()
    url = reverse("msme:outlet_movement_add", args=[product.pk])
    client.post(url, {"kind": "intake", "quantity": "5", "on": "2024-05-02"})
    response = client.post(url, {"kind": "sale", "quantity": "9", "on": "2024-05-03"}, follow=True)
    assert OutletMovement.objects.count() == 1
    assert response.context["stock"] == 5
    client.post(url, {"kind": "sale", "quantity": "2", "on": "2024-05-03"})
    page = client.get(product.get_absolute_url())
    assert page.context["stock"] == 3 and page.context["outstanding"] == Decimal("36000.00")

    payout = {
        "msme": msme.pk,
        "month": "2024-05-01",
        "amount": "50000",
        "paid_on": "2024-06-05",
        "method": "qris",
        "reference": "QR-9",
    }
    response = client.post(reverse("msme:outlet_payout_add"), payout)
    assert response.status_code == 200 and "amount" in response.context["form"].errors
    assert OutletPayout.objects.count() == 0
    response = client.post(reverse("msme:outlet_payout_add"), {**payout, "amount": "36000"})
    assert response.status_code == 302 and OutletPayout.objects.get().amount == 36000
    listing_page = client.get(reverse("msme:outlet_payout_list"))
    assert listing_page.status_code == 200 and listing_page.context["balances"] == []


def test_bappeda_cannot_post_to_the_write_pages(client, role_users, reference_data):
    product = outlet_product_save(msme=make_msme(1), name="Amplang", unit_price=Decimal(1000))
    client.force_login(role_users["bappeda"])
    response = client.post(
        reverse("msme:outlet_movement_add", args=[product.pk]), {"kind": "intake", "quantity": "5", "on": "2024-05-02"}
    )
    assert response.status_code == 403
    assert OutletMovement.objects.count() == 0
