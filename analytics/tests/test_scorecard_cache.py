"""The scorecard's cached body (analytics.views.scorecard.scorecard_rendering): served from the cache per language,
role, filter and day; emptied by a recompute (its snapshots and its run), a target change and a published or
withdrawn edition, once they commit; never one role's page for another, never one user's CSRF token for another."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics import editions, registry
from analytics.demo import DEMO_FILE
from analytics.models import IndicatorSnapshot, IndicatorTarget
from analytics.scorecard import indicator_target_delete, indicator_target_set, indicators_recompute
from analytics.views.scorecard import scorecard_rendering
from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import
from smarteconomy.tasking import run_logged

BASIS = "analytics.basis_sector_count"
CASHLESS = "cashless.cashless_share"  # withheld from parking operators (analytics.selectors.indicator_withheld)
URL = "/analytics/scorecard/"


def snapshot(code, pillar, period, value, status="no_target"):
    return IndicatorSnapshot.objects.create(
        indicator_code=code,
        pillar=pillar,
        period=period,
        period_start=registry.Period.parse(period).start,
        value=value,
        status=status,
        completeness={"present": 1, "expected": 1},
        computed_at=timezone.now(),
    )


def page(client, url=URL):
    """(HTML, whether the body came from the cache: no snapshot was read)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    read = any("analytics_indicatorsnapshot" in query["sql"] for query in queries.captured_queries)
    return response.content.decode(), not read


@pytest.fixture
def grdp(reference_data, role_users):
    batch = run_import("grdp", data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, user=role_users["bappeda"])
    assert batch.status == ImportStatus.COMMITTED


def as_of(html):
    return re.search(r'data-testid="data-as-of">(.*?)</span>', html, re.S).group(1)


def row(html, code):
    found = re.search(rf'data-indicator="{re.escape(code)}">.*?</tr>', html, re.S)
    return found.group(0) if found else ""


def recompute():
    return run_logged("analytics.indicators_recompute", indicators_recompute, kwargs={"full": True}, pass_run=True)


@pytest.fixture
def scorecard(db, role_users, settings):
    settings.SCORECARD_CACHE_SECONDS = 300
    snapshot(BASIS, "leading_sectors", "2023", 12.0)
    snapshot(CASHLESS, "cashless", "2023-06", 64.5)  # a monthly indicator
    return role_users


def test_the_body_is_served_from_the_cache_with_fewer_queries(client, scorecard):
    client.force_login(scorecard["bappeda"])
    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    html, hit = page(client)
    assert hit and 'data-indicator="analytics.basis_sector_count"' in html
    with CaptureQueriesContext(connection) as cached:
        client.get(URL)
    assert len(cached.captured_queries) < len(first.captured_queries)


def test_a_recompute_empties_the_cache_once_it_commits(client, scorecard, django_capture_on_commit_callbacks):
    client.force_login(scorecard["bappeda"])
    html, _hit = page(client)
    assert "Belum dihitung" in as_of(html)  # no run yet: "Not computed yet"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = recompute()
    assert run.status == "succeeded" and callbacks
    html, hit = page(client)
    assert hit and "Belum dihitung" in as_of(html)  # not committed yet: the old body is still right
    for callback in callbacks:
        callback()
    html, hit = page(client)
    assert not hit and f"(#{run.pk})" in as_of(html)
    # A later run that changes no snapshot still brings its "data as of".
    with django_capture_on_commit_callbacks(execute=True):
        again = recompute()
    assert again.details["indicators"][BASIS]["written"] == 0
    html, hit = page(client)
    assert not hit and f"(#{again.pk})" in as_of(html)


def test_a_target_change_empties_the_cache(client, scorecard, grdp, django_capture_on_commit_callbacks):
    client.force_login(scorecard["bappeda"])
    page(client)
    assert page(client)[1]
    with django_capture_on_commit_callbacks(execute=True):
        indicator_target_set(indicator_code=BASIS, year=2023, value=10, by=scorecard["bappeda"])
    assert not page(client)[1]
    assert page(client)[1]
    with django_capture_on_commit_callbacks(execute=True):
        indicator_target_delete(target=IndicatorTarget.objects.get(), by=scorecard["bappeda"])
    assert not page(client)[1]
    # ... and the recompute it asks for shows the target: 12 of 10 is on track.
    with django_capture_on_commit_callbacks(execute=True):
        indicator_target_set(indicator_code=BASIS, year=2023, value=10, by=scorecard["bappeda"])
        recompute()
    html, hit = page(client)
    assert not hit and "Sesuai target" in row(html, BASIS) and "120%" in row(html, BASIS)


def test_a_published_or_withdrawn_edition_empties_the_cache(client, scorecard, django_capture_on_commit_callbacks):
    client.force_login(scorecard["bappeda"])
    page(client)
    with django_capture_on_commit_callbacks(execute=True):
        edition = editions.publish("2023", "Evaluasi Smart Economy 2023", scorecard["bappeda"])
    assert not page(client)[1]
    # A snapshot written behind the signals' back (a raw update): only the edition's withdrawal shows it.
    IndicatorSnapshot.objects.filter(indicator_code=BASIS).update(value=13.0)
    html, hit = page(client)
    assert hit and 'data-testid="revisions"' not in html
    with django_capture_on_commit_callbacks(execute=True):
        edition.delete()
    html, hit = page(client)
    assert not hit and ">13<" in row(html, BASIS)


def test_each_language_has_its_own_body(client, scorecard):
    client.force_login(scorecard["bappeda"])
    html, _hit = page(client)
    assert "Belum ada target" in html
    client.cookies["django_language"] = "en"
    html, hit = page(client)
    assert not hit and "No target" in html and "Belum ada target" not in html
    client.cookies["django_language"] = "id"
    html, hit = page(client)
    assert hit and "Belum ada target" in html


def test_two_roles_never_see_each_others_cached_page(client, scorecard):
    bappeda, operator, office = Client(), Client(), Client()
    bappeda.force_login(scorecard["bappeda"])
    operator.force_login(scorecard["operator_airport"])
    office.force_login(scorecard["dkumkmp"])
    for first, second in ((bappeda, operator), (operator, bappeda)):
        cache.clear()
        page(first)
        page(second)
        bappeda_html, hit = page(bappeda)
        assert hit and 'data-testid="recompute"' in bappeda_html and "64,5" in row(bappeda_html, CASHLESS)
        operator_html, hit = page(operator)
        assert hit and 'data-testid="recompute"' not in operator_html
        assert "64,5" not in row(operator_html, CASHLESS) and "Hanya lokasi Anda" in row(operator_html, CASHLESS)
    # Another office of the same city view as Bappeda's body, but its own buttons: no recompute.
    office_html, hit = page(office)
    assert not hit and "64,5" in row(office_html, CASHLESS) and 'data-testid="recompute"' not in office_html
    # The worklist's filter is a body of its own.
    html, hit = page(bappeda, URL + "?turned=off_track")
    assert not hit and 'data-testid="only-turned-off-track"' in html


def test_a_cached_page_carries_each_users_own_csrf_token(scorecard, make_user, django_capture_on_commit_callbacks):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(scorecard["bappeda"])
    second.force_login(make_user("bappeda2", "bappeda"))
    page(first)
    html, hit = page(second)
    assert hit
    token = re.search(
        r'action="/analytics/scorecard/recompute/".*?name="csrfmiddlewaretoken" value="([^"]+)"', html, re.S
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = second.post(reverse("analytics:recompute"), {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302  # the second user's own token, valid for its session
    rendering = scorecard_rendering(scorecard["bappeda"])
    assert "csrfmiddlewaretoken" not in rendering["body"]


def test_a_new_day_renders_the_body_again(client, scorecard, monkeypatch):
    client.force_login(scorecard["bappeda"])
    page(client)
    assert page(client)[1]
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert not page(client)[1]


def test_a_zero_setting_turns_the_cache_off(client, scorecard, settings):
    settings.SCORECARD_CACHE_SECONDS = 0
    client.force_login(scorecard["bappeda"])
    page(client)
    assert not page(client)[1]
