"""DPMPTSP's worklist on the home page: each count is the length of the list it links to, for DPMPTSP only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from licensing.models import PermitType, ServiceDisruption
from licensing.services import permit_application_create, permit_application_transition
from smarteconomy.testing_worklist import assert_count_is_list_length, home_worklist
from smarteconomy.worklist import get_item

CODES = ("licensing.due_soon", "licensing.overdue", "licensing.waiting_for_applicant", "licensing.disruptions_open")


def make(permit_type, number, submitted):
    return permit_application_create(
        registration_number=number,
        applicant_name="CV Maju Jaya",
        applicant_kind="company",
        nib="1234567890123",
        permit_type=permit_type,
        channel="spontan",
        submitted_at=submitted,
    )


@pytest.fixture
def queue(db):
    """Fresh, due today, late and long-returned applications (no holidays: weekdays and weekends only)."""
    now = timezone.now()
    short = PermitType.objects.create(code="short", name="Izin singkat", service_level_days=1, risk_level="rendah")
    long = PermitType.objects.create(code="long", name="Izin panjang", service_level_days=60, risk_level="rendah")
    make(short, "REG-DUE", now - timedelta(minutes=5))  # 1 working day at most: due within 2 working days
    make(short, "REG-DUE-2", now - timedelta(minutes=10))
    make(long, "REG-FRESH", now - timedelta(minutes=5))  # 60 working days left: nothing to do
    make(short, "REG-LATE", now - timedelta(days=30))  # long past its one working day
    waiting = make(long, "REG-WAIT", now - timedelta(days=40))
    permit_application_transition(application=waiting, to_status="verification", at=now - timedelta(days=39))
    permit_application_transition(
        application=waiting, to_status="returned", reason="wrong_file", at=now - timedelta(days=20)
    )
    recent = make(long, "REG-BACK", now - timedelta(days=10))
    permit_application_transition(application=recent, to_status="verification", at=now - timedelta(days=9))
    permit_application_transition(
        application=recent, to_status="returned", reason="wrong_file", at=now - timedelta(days=3)
    )
    ServiceDisruption.objects.create(system="oss", started_at=now - timedelta(hours=3), impact="OSS tidak bisa diakses")
    ServiceDisruption.objects.create(
        system="spontan", started_at=now - timedelta(days=2), ended_at=now - timedelta(days=1), impact="Selesai"
    )


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("licensing.due_soon", 2),
        ("licensing.overdue", 1),
        ("licensing.waiting_for_applicant", 1),
        ("licensing.disruptions_open", 1),
    ],
)
def test_each_count_is_the_length_of_its_list(client, role_users, queue, code, expected):
    client.force_login(role_users["dpmptsp"])
    assert_count_is_list_length(client, code, expected)


def test_the_counts_are_the_selectors_querysets(role_users, queue):
    user = role_users["dpmptsp"]
    due = get_item("licensing.due_soon").records(user)
    assert set(due.values_list("registration_number", flat=True)) == {"REG-DUE", "REG-DUE-2"}
    waiting = get_item("licensing.waiting_for_applicant").records(user)
    assert list(waiting.values_list("registration_number", flat=True)) == ["REG-WAIT"]


@pytest.mark.parametrize("username", ["dkumkmp", "operator_airport", "bappeda", "admin"])
def test_other_roles_do_not_see_dpmptsp_items(client, role_users, queue, username):
    client.force_login(role_users[username])
    assert not set(CODES) & set(home_worklist(client))


def test_nothing_to_do_is_a_calm_zero(client, role_users, db):
    client.force_login(role_users["dpmptsp"])
    items = home_worklist(client)
    assert {code: items[code]["count"] for code in CODES} == dict.fromkeys(CODES, 0)
    page = client.get("/").content.decode()
    assert "Tidak ada yang perlu dikerjakan" in page
