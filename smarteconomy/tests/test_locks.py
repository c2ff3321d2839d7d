"""The demo and bench loaders, which write in bulk past the services, do not bypass the lock: a loader that would
write into an approved period stops with the locked message and leaves nothing of its own written; once the period
is reopened it loads."""

import importlib.util
from datetime import date
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from django.utils import timezone, translation

from cashless.models import ParkingLocation, ParkingTransaction
from cashless.sources import PARKING_SOURCE
from industry_center.models import Centre, LevyBill
from industry_center.services import LEVY_SOURCE
from licensing.models import PermitApplication, PermitType
from licensing.services import APPLICATIONS_SOURCE
from msme.models import Msme
from msme.services import OUTLET_SOURCE
from smarteconomy.testing_locks import lock_period, reopen_period, says_locked

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class Out:
    def write(self, text):
        pass


def last_month():
    today = timezone.localdate()
    return f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}"


def test_the_industry_centre_demo_stops_on_a_locked_month(role_users):
    from industry_center import demo

    lock_period(LEVY_SOURCE, last_month(), role_users)
    with pytest.raises(CommandError) as stopped:
        demo.seed(Out())
    assert "nothing was loaded" in str(stopped.value) and says_locked(str(stopped.value), last_month())
    assert not Centre.objects.exists() and not LevyBill.objects.exists()
    reopen_period(LEVY_SOURCE, last_month(), role_users)
    demo.seed(Out())
    assert LevyBill.objects.exists()


def test_the_licensing_demo_stops_on_a_locked_month(role_users, reference_data):
    from licensing import demo

    lock_period(APPLICATIONS_SOURCE, last_month(), role_users)
    with pytest.raises(CommandError) as stopped:
        demo.seed(Out())
    assert says_locked(str(stopped.value), last_month())
    assert not PermitApplication.objects.exists() and not PermitType.objects.exists()


def test_the_msme_demo_stops_on_a_locked_month(role_users, reference_data):
    from msme import demo

    lock_period(OUTLET_SOURCE, "2025-03", role_users)
    with pytest.raises(CommandError) as stopped:
        demo.seed(Out())
    assert says_locked(str(stopped.value), "2025-03") and not Msme.objects.exists()


def test_the_cashless_demo_stops_on_a_location_s_locked_month(role_users):
    from cashless import demo

    ParkingLocation.objects.create(
        code="SEPINGGAN", name="Bandara Sepinggan", operator_name="PT Angkasa Pura", reporting_since=date(2024, 1, 1)
    )
    lock_period(PARKING_SOURCE, last_month(), role_users, part="SEPINGGAN")
    with pytest.raises(CommandError) as stopped:
        demo.seed(Out())
    assert says_locked(str(stopped.value), last_month()) and "(Bandara " in str(stopped.value)
    assert not ParkingTransaction.objects.exists() and ParkingLocation.objects.count() == 1
    assert ParkingLocation.objects.get().name == "Bandara Sepinggan"  # the loader's own changes rolled back too


def test_the_bench_permit_loader_stops_on_a_locked_month(role_users):
    spec = importlib.util.spec_from_file_location(
        "load_volumes", Path(__file__).resolve().parents[2] / "bench" / "load_volumes.py"
    )
    load_volumes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load_volumes)
    PermitType.objects.create(code="pbg", name="PBG", service_level_days=5, risk_level="rendah")
    lock_period(APPLICATIONS_SOURCE, "2025-06", role_users)
    with pytest.raises(SystemExit) as stopped:
        load_volumes.add_permits(200, log=lambda *_: None)
    assert says_locked(str(stopped.value), "2025-06") and not PermitApplication.objects.exists()
