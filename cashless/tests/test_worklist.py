"""The parking operators' worklist on the home page: the days without an upload, the last day uploaded and the
failure-rate spikes of their own locations only; other roles do not see them."""

from datetime import timedelta

import pytest
from django.utils import formats, timezone, translation

from cashless.models import DailySummary
from cashless.selectors import days_without_data, failure_rate_spikes
from cashless.tests.factories import link, make_location
from smarteconomy.testing_worklist import home_worklist

CODES = ("cashless.days_without_upload", "cashless.last_upload", "cashless.failure_spike")


def log_day(location, day, paid, failed):
    for status, count in (("paid", paid), ("failed", failed)):
        DailySummary.objects.create(
            location=location,
            business_date=day,
            hour=9,
            payment_method="qris",
            vehicle_class="car",
            status=status,
            count=count,
            amount=count * 5000 if status == "paid" else 0,
        )


@pytest.fixture
def logs(role_users):
    """The airport logs from 40 days ago to yesterday but for two days; one day of last week fails 30 % of the
    time (usually 5 %). The mall's log belongs to the other operator and has gaps of its own."""
    yesterday = timezone.localdate() - timedelta(days=1)
    airport = make_location()
    airport.reporting_since = yesterday - timedelta(days=40)
    airport.save()
    link(role_users["operator_airport"], airport)
    missing = {yesterday - timedelta(days=3), yesterday - timedelta(days=12)}
    spike = yesterday - timedelta(days=2)
    for n in range(41):
        day = yesterday - timedelta(days=n)
        if day in missing:
            continue
        log_day(airport, day, *((70, 30) if day == spike else (95, 5)))
    mall = make_location("SUPERBLOCK", "Balikpapan Superblock", "PT Mall")
    link(role_users["operator_mall"], mall)
    log_day(mall, yesterday - timedelta(days=20), 10, 0)
    return {"airport": airport, "mall": mall, "missing": missing, "spike": spike, "yesterday": yesterday}


def test_the_days_without_an_upload_and_the_spike_are_those_of_the_log(logs):
    ((location, days),) = days_without_data([logs["airport"]])
    assert location == logs["airport"] and set(days) == logs["missing"]
    spikes = failure_rate_spikes([logs["airport"]])
    assert [(day, round(rate)) for day, rate, _usual in spikes] == [(logs["spike"], 30)]
    assert round(spikes[0][2]) == 5


def test_the_operator_sees_its_own_locations_on_its_home_page(client, role_users, logs):
    client.force_login(role_users["operator_airport"])
    items = home_worklist(client)
    assert items["cashless.days_without_upload"]["fact"].startswith("2 hari (Bandara Sepinggan: ")
    assert "Superblock" not in items["cashless.days_without_upload"]["fact"]
    assert items["cashless.days_without_upload"]["url"] == "/cashless/upload/"
    with translation.override("id"):
        assert items["cashless.last_upload"]["fact"] == formats.date_format(logs["yesterday"], "DATE_FORMAT")
    assert "30,0%" in items["cashless.failure_spike"]["fact"] and "5,0%" in items["cashless.failure_spike"]["fact"]
    for code in CODES:
        assert client.get(items[code]["url"]).status_code == 200


def test_the_other_operator_sees_its_own_gaps(client, role_users, logs):
    client.force_login(role_users["operator_mall"])
    items = home_worklist(client)
    # Logged once, 20 days before yesterday: every day since is missing (its first day counts as its start).
    assert items["cashless.days_without_upload"]["fact"].startswith("20 hari (Balikpapan Superblock: ")
    assert items["cashless.failure_spike"]["fact"] == "tidak ada"


@pytest.mark.parametrize("username", ["dpmptsp", "dkumkmp", "bappeda", "admin"])
def test_other_roles_do_not_see_the_parking_items(client, role_users, logs, username):
    client.force_login(role_users[username])
    assert not set(CODES) & set(home_worklist(client))
