"""The lock of an approved year of the regional GRDP (Bappeda's own source): the importer lists every row that
would change a locked year (rows equal to the stored values pass: a BPS table repeats earlier years), the back
office refuses a change, a delete and a revert from the history with its message; after a reopening they go
through. And any PeriodLocked reaching the API is a 409 in the API's error shape."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from analytics.demo import DEMO_FILE
from analytics.models import GrdpValue
from analytics.services import GRDP_SOURCE, grdp_value_upsert
from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import
from smarteconomy.testing_locks import dirty_periods, flash, lock_period, reopen_period, says_locked, superuser

HEADER = "region_code,region_name,sector_code,year,price_basis,value,unit,source\n"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def demo(reference_data, role_users):
    batch = run_import("grdp", data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, user=role_users["bappeda"])
    assert batch.status == ImportStatus.COMMITTED, batch.errors[:3]
    lock_period(GRDP_SOURCE, "2023", role_users)


def value_of(sector="A", year=2023, region="64.71"):
    return GrdpValue.objects.get(region__code=region, sector__code=sector, year=year, price_basis="ADHK")


def test_the_import_lists_the_rows_that_change_a_locked_year(demo, role_users):
    # The same file again changes nothing: not refused.
    again = run_import("grdp", data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, user=role_users["bappeda"])
    assert again.status == ImportStatus.COMMITTED, again.errors[:3]

    source = "Reconstructed from published tables, not official BPS data"
    text = HEADER + "".join(
        [
            f'64.71,Kota Balikpapan,A,2023,ADHK,796652.01,juta rupiah,"{source}"\n',  # unchanged: passes
            f'64.71,Kota Balikpapan,B,2023,ADHK,1.00,juta rupiah,"{source}"\n',  # revised: locked
            "64.71,Kota Balikpapan,A,2024,ADHK,800000,juta rupiah,BPS 2025\n",  # a new year: open
            "64,Provinsi Kalimantan Timur,A,2023,ADHK,1,juta rupiah,BPS 2025\n",  # the province's 2023: locked too
        ]
    )
    dirty = dirty_periods()
    batch = run_import("grdp", data=text.encode(), filename="grdp.csv", user=role_users["bappeda"])
    assert batch.status == ImportStatus.REFUSED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "year"), (5, "year")]
    assert all(says_locked(e["message"], "2023") and "Regional GRDP" in e["message"] for e in batch.errors)
    assert not GrdpValue.objects.filter(year=2024).exists() and dirty_periods() == dirty

    reopen_period(GRDP_SOURCE, "2023", role_users)
    batch = run_import("grdp", data=text.encode(), filename="grdp.csv", user=role_users["bappeda"])
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert value_of("B").value == Decimal("1.00")


def test_the_back_office_refuses_a_change_a_delete_and_a_revert_of_a_locked_year(client, demo, role_users, make_user):
    value = value_of()
    reopen_period(GRDP_SOURCE, "2023", role_users)
    grdp_value_upsert(
        region=value.region,
        sector=value.sector,
        year=2023,
        price_basis="ADHK",
        value=Decimal("5"),
        unit=value.unit,
        source=value.source,
    )
    lock_period(GRDP_SOURCE, "2023", role_users)
    client.force_login(superuser(make_user))
    change = reverse("admin:analytics_grdpvalue_change", args=[value.pk])
    data = {
        "region": value.region_id,
        "sector": value.sector_id,
        "year": "2023",
        "price_basis": "ADHK",
        "value": "7",
        "unit": value.unit,
        "source": value.source,
        "release": value.release_id,
        "status": "final",
    }
    response = client.post(change, data)
    assert response.status_code == 302 and says_locked(flash(client, response), "2023")
    assert value_of().value == Decimal("5")
    # Moving a value of an open year into the locked one is refused too.
    open_year = value_of(year=2019)
    response = client.post(reverse("admin:analytics_grdpvalue_change", args=[open_year.pk]), {**data, "year": "2022"})
    assert response.status_code == 302  # 2022 is open: allowed
    assert value_of(year=2022).value == Decimal("7")

    response = client.post(reverse("admin:analytics_grdpvalue_delete", args=[value.pk]), {"post": "yes"})
    assert says_locked(flash(client, response), "2023") and GrdpValue.objects.filter(pk=value.pk).exists()

    first = value.history.order_by("history_date").first()
    revert = reverse("admin:analytics_grdpvalue_simple_history", args=[value.pk, first.history_id])
    form = client.get(revert).context["adminform"].form
    posted = {name: form[name].value() for name in form.fields}
    posted["value"] = str(posted["value"]).replace(".", ",")  # typed the Indonesian way
    response = client.post(revert, {k: v for k, v in posted.items() if v is not None})
    assert response.status_code == 302, (posted, response.context["adminform"].form.errors)
    assert says_locked(flash(client, response), "2023")
    assert value_of().value == Decimal("5") and value.history.count() == 2

    reopen_period(GRDP_SOURCE, "2023", role_users)
    response = client.post(revert, {k: v for k, v in posted.items() if v is not None})
    assert response.status_code == 302
    assert value_of().value == first.value


def test_a_period_locked_error_in_the_api_is_a_409_in_the_api_error_shape(demo, role_users):
    from smarteconomy.api_input import exception_handler
    from smarteconomy.sources import PeriodLocked, ensure_unlocked

    with pytest.raises(PeriodLocked) as refused:
        ensure_unlocked(GRDP_SOURCE, [2023])
    response = exception_handler(refused.value, {})
    assert response.status_code == 409
    body = response.data
    assert says_locked(body["detail"], "2023") and body["code"] == "period_locked"
    assert body["source"] == GRDP_SOURCE and body["periods"] == ["2023"] and body["locked_by"] == "bappeda"
    assert body["locks"][0]["period"] == "2023" and "Bappeda" in body["reopen"]
