"""DKUMKMP's MSME worklist on the home page: each count is the length of the list it links to (possible duplicates,
trainings this week, MSMEs owed an outlet payout), for DKUMKMP only."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from msme.models import Training
from msme.services import outlet_movement_record, outlet_payout_record, outlet_product_save
from msme.tests.factories import kelurahan, make_msme
from smarteconomy.testing_worklist import assert_count_is_list_length, home_worklist

CODES = ("msme.duplicates", "msme.trainings_this_week", "msme.outlet_payouts_due")


@pytest.fixture
def office_data(reference_data):
    make_msme(1, name="Amplang Bu Sri", nib="1111111111111")
    make_msme(2, name="Kripik Pak Budi", nib="1111111111111")  # the same NIB: a duplicate pair
    make_msme(3, name="CV Tahu Sumedang")
    make_msme(4, name="tahu sumedang")  # the same name (legal form and case ignored), same kelurahan
    make_msme(5, name="Tahu Sumedang", kelurahan=kelurahan("64.71.02.1001"))  # same name, another kelurahan
    make_msme(6, name="Soto Banjar", owner_nik="6471011203900001")
    make_msme(7, name="Es Teh Manis", owner_nik="6471011203900001")  # one owner, two businesses: not a duplicate

    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    for title, start, end in [
        ("Digitalisasi UMKM", monday - timedelta(days=2), monday),  # ends on Monday: this week
        ("Foto produk", monday + timedelta(days=6), monday + timedelta(days=8)),  # starts on Sunday: this week
        ("QRIS", monday - timedelta(days=10), monday - timedelta(days=1)),  # ended last Sunday
        ("Ekspor", monday + timedelta(days=7), monday + timedelta(days=7)),  # next week
    ]:
        Training.objects.create(title=title, starts_on=start, ends_on=end, quota=20)

    last_month = today.replace(day=1) - timedelta(days=1)
    owed = make_msme(8, name="Amplang Kuning")
    paid = make_msme(9, name="Bingka Kentang")
    current = make_msme(10, name="Lempok Durian")
    for msme in (owed, paid, current):
        product = outlet_product_save(msme=msme, name="Produk", unit_price=Decimal(25000), commission_percent=10)
        outlet_movement_record(product=product, kind="intake", quantity=10, on=last_month.replace(day=1))
        day = today if msme is current else last_month
        outlet_movement_record(product=product, kind="sale", quantity=2, on=day)
    outlet_payout_record(
        msme=paid, month=last_month.replace(day=1), amount=Decimal(45000), paid_on=today, method="qris", reference="Q1"
    )


@pytest.mark.parametrize(
    ("code", "expected"),
    [("msme.duplicates", 4), ("msme.trainings_this_week", 2), ("msme.outlet_payouts_due", 1)],
)
def test_each_count_is_the_length_of_its_list(client, role_users, office_data, code, expected):
    client.force_login(role_users["dkumkmp"])
    assert_count_is_list_length(client, code, expected)


def test_the_lists_show_exactly_those_records(client, role_users, office_data):
    client.force_login(role_users["dkumkmp"])

    def names(url, field="name"):
        return {getattr(row, field) for row in client.get(url + "&per_page=250").context["page"].rows}

    items = home_worklist(client)
    assert names(items["msme.duplicates"]["url"]) == {
        "Amplang Bu Sri",
        "Kripik Pak Budi",
        "CV Tahu Sumedang",
        "tahu sumedang",
    }
    assert names(items["msme.trainings_this_week"]["url"], "title") == {"Digitalisasi UMKM", "Foto produk"}
    assert names(items["msme.outlet_payouts_due"]["url"]) == {"Amplang Kuning"}


@pytest.mark.parametrize("username", ["dpmptsp", "operator_airport", "bappeda", "admin"])
def test_other_roles_do_not_see_the_msme_items(client, role_users, office_data, username):
    client.force_login(role_users[username])
    assert not set(CODES) & set(home_worklist(client))
