"""DPMPTSP's public datasets on the hand-made applications of test_indicators (permit type PBG, service level 5
working days) plus one application of a second type (SIPA, service level 3): submitted Mon 4/8/2025, approved
Thu 7/8: 5, 6, 7 = 3 working days, within its service level.

Expected, by hand:
  2025-07 PBG:  1 submitted (A5, counter), 0 online, nothing decided in July.
  2025-08 PBG:  4 submitted (A1-A4), 3 online; decided A1, A2, A3, A5 (2, 5, 6, 4 days): 3 of 4 within = 75 %.
  2025-08 SIPA: 1 submitted, 0 online, 1 decided within = 100 %.
"""

from datetime import datetime

import pytest
from django.utils import timezone

from analytics.registry import Period
from licensing import indicators
from licensing.models import PermitType
from licensing.services import permit_application_create, permit_application_transition, service_disruption_save
from smarteconomy.testing_datasets import assert_metadata_complete, dataset, rows_of

from .test_indicators import data  # noqa: F401 - the fixture of the hand-made applications

pytestmark = pytest.mark.django_db

CODES = ("licensing-permits-by-type-and-month", "licensing-disruption-hours")


def at(month, day, hour=9):
    return timezone.make_aware(datetime(2025, month, day, hour))


@pytest.fixture
def two_types(data):  # noqa: F811
    sipa = PermitType.objects.create(code="sipa", name="SIPA", service_level_days=3, risk_level="menengah_rendah")
    application = permit_application_create(
        registration_number="B1",
        applicant_name="Budi Santoso",
        applicant_kind="person",
        permit_type=sipa,
        channel="counter",
        submitted_at=at(8, 4),
    )
    permit_application_transition(application=application, to_status="verification", at=at(8, 5))
    permit_application_transition(application=application, to_status="approved", at=at(8, 7))


def test_permits_by_type_and_month_equal_the_hand_computed_figures_and_the_indicators(two_types):
    rows = rows_of(dataset("licensing-permits-by-type-and-month"))
    figures = [
        (
            r["month"],
            r["permit_type_code"],
            r["applications"],
            r["applications_online"],
            r["decided"],
            r["decided_within_service_level"],
            r["within_service_level_percent"],
        )
        for r in rows
    ]
    assert figures == [
        ("2025-07", "pbg", 1, 0, 0, 0, None),
        ("2025-08", "pbg", 4, 3, 4, 3, 75.0),
        ("2025-08", "sipa", 1, 0, 1, 1, 100.0),
    ]
    assert "Budi Santoso" not in str(rows)
    # The types added up give the indicators' values of the month.
    august = [r for r in rows if r["month"] == "2025-08"]
    within = sum(r["decided_within_service_level"] for r in august) / sum(r["decided"] for r in august) * 100
    assert within == indicators.within_service_level_share(Period(2025, 8)).value == 80.0
    online = sum(r["applications_online"] for r in august) / sum(r["applications"] for r in august) * 100
    assert online == indicators.online_share(Period(2025, 8)).value == 60.0


def test_disruption_hours_by_month_equal_the_indicator(db):
    service_disruption_save(system="oss", started_at=at(8, 10, 22), ended_at=at(8, 11, 2), impact="OSS down")
    service_disruption_save(system="network", started_at=at(7, 31, 23), ended_at=at(8, 1, 1), impact="network")
    rows = rows_of(dataset("licensing-disruption-hours"))
    assert rows == [{"month": "2025-07", "disruption_hours": 1.0}, {"month": "2025-08", "disruption_hours": 5.0}]
    assert rows[1]["disruption_hours"] == indicators.disruption_hours(Period(2025, 8)).value


def test_metadata_is_complete(two_types):
    service_disruption_save(system="oss", started_at=at(8, 10, 22), ended_at=at(8, 11, 2), impact="OSS down")
    for code in CODES:
        declared = dataset(code)
        assert declared.producer == "dpmptsp"
        assert_metadata_complete(declared)
    assert dataset(CODES[0]).period_covered() == ("2025-07", "2025-08")
