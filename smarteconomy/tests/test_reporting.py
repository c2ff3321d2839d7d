"""The reporting workflow and the lock (smarteconomy.reporting, smarteconomy.sources): the steps, who may take them,
and that an approved period refuses a write through mark_dirty with nothing written, until it is reopened."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from licensing.models import PermitApplication, PermitType
from licensing.services import APPLICATIONS_SOURCE, permit_application_create, permit_application_update
from smarteconomy.choices import ReportingStatus
from smarteconomy.models import ReportingPeriod
from smarteconomy.reporting import period_approve, period_reopen, period_return, period_submit
from smarteconomy.sources import PeriodLocked, get_source, locked_rows


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def permit_type(db):
    return PermitType.objects.create(
        code="pbg", name="Persetujuan Bangunan Gedung", service_level_days=5, risk_level="menengah_rendah"
    )


def apply(permit_type, number, day):
    return permit_application_create(
        registration_number=number,
        applicant_name="CV Maju",
        applicant_kind="company",
        nib="1234567890123",
        kbli_codes="47111",
        permit_type=permit_type,
        channel="spontan",
        submitted_at=timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=9)),
    )


def test_submit_approve_locks_and_reopen_unlocks(role_users, permit_type):
    users = role_users
    application = apply(permit_type, "REG-1", date(2025, 10, 6))
    row = period_submit(source=APPLICATIONS_SOURCE, period="2025-10", by=users["dpmptsp"])
    assert row.status == ReportingStatus.SUBMITTED and row.submitted_by == users["dpmptsp"]
    period_approve(source=APPLICATIONS_SOURCE, period="2025-10", by=users["bappeda"])

    with pytest.raises(PeriodLocked) as refused:
        apply(permit_type, "REG-2", date(2025, 10, 7))
    message = refused.value.messages[0]
    assert "Permit applications" in message and "2025-10" in message and "bappeda" in message
    assert "reopen" in message
    assert not PermitApplication.objects.filter(registration_number="REG-2").exists()
    with pytest.raises(PeriodLocked):
        permit_application_update(application=application, channel="oss", by=users["dpmptsp"])
    application.refresh_from_db()
    assert application.channel == "spontan"
    apply(permit_type, "REG-3", date(2025, 11, 3))  # another month is open

    assert (
        locked_rows(APPLICATIONS_SOURCE, [(2, "submitted_at", [date(2025, 10, 1)]), (3, "x", [date(2025, 9, 1)])])[0][0]
        == 2
    )

    period_reopen(source=APPLICATIONS_SOURCE, period="2025-10", by=users["bappeda"], reason="Data NIB salah")
    apply(permit_type, "REG-2", date(2025, 10, 7))
    history = list(ReportingPeriod.objects.get(period="2025-10").history.order_by("history_date"))
    assert [h.status for h in history] == ["submitted", "approved", "reopened"]
    assert history[-1].reason == "Data NIB salah" and history[-1].history_user == users["bappeda"]


def test_steps_refused_out_of_order_and_by_the_wrong_role(role_users):
    users = role_users
    with pytest.raises(PermissionDenied):
        period_submit(source=APPLICATIONS_SOURCE, period="2025-10", by=users["dkumkmp"])
    with pytest.raises(ValidationError, match="not possible"):
        period_approve(source=APPLICATIONS_SOURCE, period="2025-10", by=users["bappeda"])
    period_submit(source=APPLICATIONS_SOURCE, period="2025-10", by=users["dpmptsp"])
    with pytest.raises(PermissionDenied):
        period_approve(source=APPLICATIONS_SOURCE, period="2025-10", by=users["dpmptsp"])
    with pytest.raises(ValidationError):
        period_return(source=APPLICATIONS_SOURCE, period="2025-10", by=users["bappeda"], reason="  ")
    period_return(source=APPLICATIONS_SOURCE, period="2025-10", by=users["bappeda"], reason="Lampiran kurang")
    assert ReportingPeriod.objects.get().status == ReportingStatus.RETURNED
    with pytest.raises(ValidationError, match="not ended"):
        period_submit(source=APPLICATIONS_SOURCE, period=str(timezone.localdate())[:7], by=users["dpmptsp"])
    with pytest.raises(ValidationError, match="monthly"):
        period_submit(source=APPLICATIONS_SOURCE, period="2025", by=users["dpmptsp"])
    with pytest.raises(ValidationError, match="not expected"):
        period_submit(source=APPLICATIONS_SOURCE, period="2019-01", by=users["dpmptsp"])


def test_due_days():
    source = get_source(APPLICATIONS_SOURCE)
    from smarteconomy.periods import Period

    assert source.due(Period(2025, 10)) == date(2025, 11, 10)
    assert source.due(Period(2025, 12)) == date(2026, 1, 10)


def test_every_app_declares_its_sources_and_the_calendar_reads_them(db):
    from smarteconomy.sources import all_sources, calendar_cells, summary

    codes = {source.code for source in all_sources()}
    assert {
        "licensing.applications",
        "licensing.disruptions",
        "msme.registry",
        "msme.listings",
        "msme.trainings",
        "msme.outlet",
        "industry_center.houses",
        "industry_center.levy",
        "industry_center.qris_settlements",
        "cashless.parking",
        "analytics.grdp",
    } <= codes
    cells = calendar_cells()
    stats = summary(cells)
    assert stats["expected"] > 0 and stats["submitted"] == 0 and stats["completeness"] == 0
    assert all(cell.not_reported for cell in cells if cell.expected and cell.due < timezone.localdate())
