"""The five online-licensing indicators on hand-made data, with hand-computed values.

August 2025, service level 5 working days, Monday 18 August a public holiday (PublicHoliday):
  A1 spontan  submitted Fri 15/8, approved Wed 20/8: 19, 20 (Sat, Sun, the holiday skipped)      = 2 days
  A2 counter  submitted Mon 4/8, returned (wrong file) Wed 6/8: 5, 6 = 2; resubmitted Wed 13/8,
              approved Tue 19/8: 14, 15, 19 = 3 (the week returned to the applicant is not counted) = 5 days
  A3 oss      submitted Fri 1/8, rejected Mon 11/8: 4-8, 11                                      = 6 days (late)
  A4 oss      submitted Mon 25/8, returned for a data mismatch (not a wrong file), still open
  A5 counter  submitted Mon 28/7, approved Fri 1/8: 29, 30, 31/7, 1/8                            = 4 days
Decided in August: A1, A2, A3, A5 -> median of 2, 4, 5, 6 = 4.5; within the service level 3 of 4 = 75 %.
Submitted in August: A1-A4 -> online 3 of 4 = 75 %, returned for a wrong file 1 of 4 = 25 %.
July: A5 only -> online 0 %, returned 0 %, no decision (None). Year 2025: online 3/5, returned 1/5.
"""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics import registry
from analytics.models import IndicatorSnapshot
from analytics.registry import Period
from analytics.scorecard import indicators_recompute
from licensing.models import PermitType, ServiceDisruption
from licensing.services import permit_application_create, permit_application_transition, service_disruption_save
from licensing.workingdays import WorkingDayCounter, processing_working_days
from smarteconomy.models import PublicHoliday


def at(month, day, hour=9):
    return timezone.make_aware(datetime(2025, month, day, hour))


def value(code, period):
    return registry.get_indicator(code).compute(Period.parse(period)).value


@pytest.fixture
def data(db):
    PublicHoliday.objects.create(date=date(2025, 8, 18), name="Cuti bersama (test)", kind="collective_leave")
    pbg = PermitType.objects.create(code="pbg", name="PBG", service_level_days=5, risk_level="menengah_rendah")

    def application(number, channel, submitted, steps):
        application = permit_application_create(
            registration_number=number,
            applicant_name="CV Test",
            applicant_kind="company",
            permit_type=pbg,
            channel=channel,
            submitted_at=submitted,
        )
        for to_status, moment, *reason in steps:
            permit_application_transition(
                application=application, to_status=to_status, at=moment, reason=reason[0] if reason else ""
            )
        return application

    application("A1", "spontan", at(8, 15), [("verification", at(8, 15, 10)), ("approved", at(8, 20))])
    application(
        "A2",
        "counter",
        at(8, 4),
        [
            ("verification", at(8, 5)),
            ("returned", at(8, 6), "wrong_file"),
            ("resubmitted", at(8, 13)),
            ("verification", at(8, 14)),
            ("approved", at(8, 19)),
            ("issued", at(8, 20)),
        ],
    )
    application("A3", "oss", at(8, 1), [("verification", at(8, 4)), ("rejected", at(8, 11), "requirements")])
    application("A4", "oss", at(8, 25), [("verification", at(8, 25, 11)), ("returned", at(8, 26), "data_mismatch")])
    application("A5", "counter", at(7, 28), [("verification", at(7, 29)), ("approved", at(8, 1))])


def test_online_share(data):
    assert value("licensing.online_share", "2025-08") == 75.0
    assert value("licensing.online_share", "2025-07") == 0.0  # applications, none online: a real zero
    assert value("licensing.online_share", "2025") == 60.0
    assert value("licensing.online_share", "2025-09") is None  # no application: no value, never 0


def test_median_processing_days_skips_weekends_holidays_and_returns(data):
    assert value("licensing.median_processing_days", "2025-08") == 4.5
    assert value("licensing.median_processing_days", "2025") == 4.5
    assert value("licensing.median_processing_days", "2025-07") is None  # nothing decided in July


def test_within_service_level_share(data):
    assert value("licensing.within_service_level_share", "2025-08") == 75.0
    assert value("licensing.within_service_level_share", "2025-07") is None


def test_returned_share_counts_wrong_file_returns_only(data):
    assert value("licensing.returned_share", "2025-08") == 25.0
    assert value("licensing.returned_share", "2025-07") == 0.0
    assert value("licensing.returned_share", "2025") == 20.0


def test_disruption_hours_clip_to_the_period_and_count_an_ongoing_one_up_to_its_end(db):
    service_disruption_save(system="oss", started_at=at(8, 10, 22), ended_at=at(8, 11, 2), impact="OSS down")
    service_disruption_save(system="network", started_at=at(7, 31, 23), ended_at=at(8, 1, 1), impact="network")
    service_disruption_save(system="spontan", started_at=at(8, 31, 20), impact="ongoing")
    assert value("licensing.disruption_hours", "2025-07") == 1
    assert value("licensing.disruption_hours", "2025-08") == 4 + 1 + 4
    assert value("licensing.disruption_hours", "2025-09") == 30 * 24
    assert value("licensing.disruption_hours", "2025") == 1 + 9 + (30 + 31 + 30 + 31) * 24
    started = timezone.now() - timezone.timedelta(hours=3)
    ServiceDisruption.objects.create(system="oss", started_at=started, impact="now")
    now = timezone.localtime()
    this_month = registry.get_indicator("licensing.disruption_hours").compute(Period(now.year, now.month))
    assert this_month.value >= 2.99 and not this_month.complete  # up to now; the month is still running


def test_completeness_periods_and_records(data):
    indicator = registry.get_indicator("licensing.online_share")
    assert {"2025-07", "2025-08", "2025"} == {str(p) for p in indicator.periods()}
    august = indicator.compute(Period(2025, 8))
    assert august.complete
    median = registry.get_indicator("licensing.median_processing_days").compute(Period(2025, 8))
    assert median.complete and any("holidays" in item["name"]["message"] for item in median.inputs)
    url = indicator.records_url(Period(2025, 8))
    assert url is None or ("submitted_after=2025-08-01" in url and "submitted_before=2025-08-31" in url)
    now = timezone.localtime()
    permit_application_create(
        registration_number="NOW",
        applicant_name="Now",
        applicant_kind="person",
        permit_type=PermitType.objects.get(),
        channel="oss",
        submitted_at=timezone.now(),
    )
    current = indicator.compute(Period(now.year, now.month))
    assert current.value == 100.0 and not current.complete  # the current month has not ended


def test_recompute_writes_licensing_snapshots(data):
    indicators_recompute(full=True)
    snapshot = IndicatorSnapshot.objects.get(indicator_code="licensing.within_service_level_share", period="2025-08")
    assert snapshot.value == 75.0 and snapshot.pillar == "online_licensing"
    # In a recompute each year is read once and shared: the same values as computed period by period above.
    stored = {
        (s.indicator_code, s.period): s.value for s in IndicatorSnapshot.objects.filter(pillar="online_licensing")
    }
    assert stored["licensing.online_share", "2025"] == 60.0 and stored["licensing.online_share", "2025-07"] == 0.0
    assert stored["licensing.returned_share", "2025"] == 20.0 and stored["licensing.returned_share", "2025-08"] == 25.0
    assert stored["licensing.median_processing_days", "2025"] == 4.5
    assert stored["licensing.median_processing_days", "2025-07"] is None


def test_fast_counting_matches_the_workflow_definition():
    holidays = {date(2025, 8, 18)}
    changes = [
        ("submitted", date(2025, 8, 4)),
        ("returned", date(2025, 8, 6)),
        ("resubmitted", date(2025, 8, 13)),
        ("returned", date(2025, 8, 15)),
        ("resubmitted", date(2025, 8, 16)),
        ("approved", date(2025, 8, 22)),
    ]
    counter = WorkingDayCounter(date(2025, 8, 4), date(2025, 8, 22), holidays)
    fast = processing_working_days(changes, holidays, between=counter.between)
    assert fast == processing_working_days(changes, holidays) == 2 + 2 + 4


def test_one_recompute_reads_the_decisions_of_a_year_once(data, django_assert_num_queries):
    from licensing.indicators import decided_processing

    with registry.shared_computations():
        with django_assert_num_queries(3):  # the year's steps, their holidays, the holidays input
            year_days, year_inputs = decided_processing(Period(2025))
        assert sorted(days for days, _level in year_days) == [2, 4, 5, 6]  # every decision of the year, once
        with django_assert_num_queries(1):  # a month reuses the year's read: only its holidays input is asked
            assert sorted(days for days, _level in decided_processing(Period(2025, 8))[0]) == [2, 4, 5, 6]
            assert decided_processing(Period(2025, 7))[0] == []
        with django_assert_num_queries(0):  # the second indicator reuses everything
            assert decided_processing(Period(2025)) == (year_days, year_inputs)
            decided_processing(Period(2025, 8))
    with django_assert_num_queries(3):  # outside a recompute nothing is kept: the year again
        decided_processing(Period(2025, 8))


def test_snapshot_texts_follow_the_reader_language(data, client, role_users):
    from django.utils import translation

    with translation.override("en"):
        indicators_recompute(full=True)
    snapshot = IndicatorSnapshot.objects.get(indicator_code="licensing.online_share", period="2025-08")
    assert snapshot.completeness["note"]["params"] == {"online": 3, "total": 4}  # stored as data
    with translation.override("id"):
        written, _details = indicators_recompute(full=True)
    assert written == 0  # computing in another language changes nothing stored
    with translation.override("en"):
        assert IndicatorSnapshot.objects.get(pk=snapshot.pk).shown_completeness["note"] == "3 of 4 applications online"
    client.force_login(role_users["dpmptsp"])
    page = client.get(reverse("analytics:indicator_detail", args=["licensing.online_share"])).content.decode()
    assert "3 dari 4 permohonan daring" in page and "3 of 4 applications online" not in page
