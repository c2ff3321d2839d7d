"""DKUMKMP's industry-centre worklist on the home page: each count is the length of the list it links to (levy bills
overdue by age, QRIS settlement rows to look at), for DKUMKMP only."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from industry_center.models import LevyBill, SettlementRow
from industry_center.tests.factories import make_centre, make_tenancy
from smarteconomy.testing_worklist import assert_count_is_list_length, home_worklist

CODES = (
    "industry_center.bills_overdue_0-30",
    "industry_center.bills_overdue_31-60",
    "industry_center.bills_overdue_61-90",
    "industry_center.bills_overdue_90+",
    "industry_center.settlements_open",
)


@pytest.fixture
def arrears(db):
    """Bills 1, 30, 31, 45, 61 and 200 days past due; one due today, one paid, one cancelled (none of them late)."""
    centre = make_centre()
    tenancy = make_tenancy(centre, start=date(2020, 1, 1))
    today = timezone.localdate()
    late_by = {"A": 1, "B": 30, "C": 31, "D": 45, "E": 61, "F": 200, "G": 0, "H": 100, "I": 100}
    statuses = {"H": "paid", "I": "cancelled", "B": "overdue", "C": "partly_paid"}
    for index, (name, days) in enumerate(late_by.items()):
        due = today - timedelta(days=days)
        LevyBill.objects.create(
            number=f"SKRD-{name}",
            tenancy=tenancy,
            period=date(2021 + index // 12, index % 12 + 1, 1),
            amount=150_000,
            paid_amount=150_000 if statuses.get(name) == "paid" else (50_000 if name == "C" else 0),
            issued_on=due - timedelta(days=10),
            due_date=due,
            status=statuses.get(name, "issued"),
            cancel_reason="Salah tagih" if name == "I" else "",
        )
    for n, status in enumerate(["unmatched", "ambiguous", "review", "matched", "resolved", "ignored"]):
        SettlementRow.objects.create(
            transaction_at=timezone.now(), amount=1000, rrn=f"RRN-{n}", merchant_id="ID1", centre=centre, status=status
        )


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("industry_center.bills_overdue_0-30", 2),
        ("industry_center.bills_overdue_31-60", 2),
        ("industry_center.bills_overdue_61-90", 1),
        ("industry_center.bills_overdue_90+", 1),
        ("industry_center.settlements_open", 3),
    ],
)
def test_each_count_is_the_length_of_its_list(client, role_users, arrears, code, expected):
    client.force_login(role_users["dkumkmp"])
    assert_count_is_list_length(client, code, expected)


def test_the_overdue_filter_is_the_sum_of_the_ages(client, role_users, arrears):
    client.force_login(role_users["dkumkmp"])
    response = client.get("/industry-centre/bills/", {"overdue": "true", "per_page": 250})
    assert {row.number for row in response.context["page"].rows} == {
        "SKRD-A",
        "SKRD-B",
        "SKRD-C",
        "SKRD-D",
        "SKRD-E",
        "SKRD-F",
    }


@pytest.mark.parametrize("username", ["dpmptsp", "operator_airport", "bappeda", "admin"])
def test_other_roles_do_not_see_the_centre_items(client, role_users, arrears, username):
    client.force_login(role_users[username])
    assert not set(CODES) & set(home_worklist(client))
