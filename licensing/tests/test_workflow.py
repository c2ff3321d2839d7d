"""The licensing workflow and working-day counting."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from licensing.choices import TRANSITIONS, PermitStatus
from licensing.models import PermitApplication, PermitStatusChange, PermitType
from licensing.services import permit_application_create, permit_application_transition
from licensing.workingdays import add_working_days, processing_working_days, working_days_between

S = PermitStatus
HOLIDAYS = {date(2025, 8, 18)}  # a Monday off (cuti bersama after Independence Day, for the test)


def at(day, hour=9):
    return timezone.make_aware(datetime(2025, 8, day, hour))


@pytest.fixture(autouse=True)
def _english():
    """The assertions read the English messages (the interface is Indonesian by default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def permit_type(db):
    return PermitType.objects.create(
        code="pbg", name="Persetujuan Bangunan Gedung", service_level_days=5, risk_level="menengah_rendah"
    )


def new_application(permit_type, number="REG-1", **extra):
    fields = {
        "registration_number": number,
        "applicant_name": "CV Maju",
        "applicant_kind": "company",
        "nib": "1234567890123",
        "kbli_codes": "47111",
        "permit_type": permit_type,
        "channel": "spontan",
        "submitted_at": at(4),
    }
    fields.update(extra)
    return permit_application_create(**fields)


def test_working_days_skip_weekends_and_holidays():
    friday = date(2025, 8, 15)
    assert add_working_days(friday, 1, HOLIDAYS) == date(2025, 8, 19)  # Sat, Sun and the Monday holiday skipped
    assert working_days_between(friday, date(2025, 8, 22), HOLIDAYS) == 4  # Tue-Fri
    assert working_days_between(friday, friday, HOLIDAYS) == 0
    assert add_working_days(date(2025, 8, 11), 5, set()) == date(2025, 8, 18)


def test_processing_time_does_not_count_the_days_returned_to_the_applicant():
    changes = [
        (S.SUBMITTED, date(2025, 8, 4)),
        (S.VERIFICATION, date(2025, 8, 5)),
        (S.RETURNED, date(2025, 8, 6)),
        (S.RESUBMITTED, date(2025, 8, 13)),
        (S.VERIFICATION, date(2025, 8, 14)),
        (S.APPROVED, date(2025, 8, 19)),
    ]
    # 4 Aug -> 6 Aug: 2 working days; 13 Aug -> 19 Aug: 14, 15, (18 is a holiday), 19 = 3
    assert processing_working_days(changes, HOLIDAYS) == 5
    open_case = [(S.SUBMITTED, date(2025, 8, 4))]
    assert processing_working_days(open_case, HOLIDAYS, until=date(2025, 8, 8)) == 4


# A reason each step that needs one accepts.
REASONS = {S.RETURNED: "wrong_file", S.REJECTED: "requirements"}


@pytest.mark.parametrize("current", list(S))
def test_every_allowed_transition_and_every_refused_one(permit_type, current):
    path = {
        S.SUBMITTED: [],
        S.VERIFICATION: [S.VERIFICATION],
        S.RETURNED: [S.VERIFICATION, S.RETURNED],
        S.RESUBMITTED: [S.VERIFICATION, S.RETURNED, S.RESUBMITTED],
        S.APPROVED: [S.VERIFICATION, S.APPROVED],
        S.ISSUED: [S.VERIFICATION, S.APPROVED, S.ISSUED],
        S.REJECTED: [S.REJECTED],
    }[current]
    for target in S:
        application = new_application(permit_type, number=f"{current}-{target}")
        for day, step in enumerate(path, start=5):
            permit_application_transition(
                application=application, to_status=step, at=at(day), reason=REASONS.get(step, "")
            )
        application.refresh_from_db()
        assert application.status == current
        changes = application.changes.count()
        if target in TRANSITIONS[current]:
            permit_application_transition(
                application=application, to_status=target, at=at(20), reason="other", note="Checked by phone"
            )
            application.refresh_from_db()
            assert application.status == target
            assert application.changes.count() == changes + 1
        else:
            with pytest.raises(ValidationError, match="cannot become"):
                permit_application_transition(application=application, to_status=target, at=at(20), reason="other")
            application.refresh_from_db()
            assert application.status == current and application.changes.count() == changes


def test_a_return_needs_a_reason_and_a_decision_cannot_precede_the_previous_step(permit_type, make_user, roles):
    officer = make_user("officer", "dpmptsp")
    application = new_application(permit_type)
    permit_application_transition(application=application, to_status=S.VERIFICATION, at=at(5), by=officer)
    with pytest.raises(ValidationError, match="why"):
        permit_application_transition(application=application, to_status=S.RETURNED, at=at(6))
    with pytest.raises(ValidationError, match="before the previous step"):
        permit_application_transition(application=application, to_status=S.APPROVED, at=at(1))
    application.refresh_from_db()
    assert application.status == S.VERIFICATION and application.decided_at is None
    change = permit_application_transition(application=application, to_status=S.APPROVED, at=at(7), by=officer)
    application.refresh_from_db()
    assert application.decided_at == at(7) and change.by == officer
    assert application.history.latest().history_user == officer
    permit_application_transition(application=application, to_status=S.ISSUED, at=at(8))
    application.refresh_from_db()
    assert application.issued_at == at(8)
    assert [c.to_status for c in application.changes.all()] == ["submitted", "verification", "approved", "issued"]


def test_a_rejection_needs_a_rejection_reason_which_stays_on_the_timeline(permit_type, make_user, roles):
    officer = make_user("officer", "dpmptsp")
    application = new_application(permit_type)
    permit_application_transition(application=application, to_status=S.VERIFICATION, at=at(5), by=officer)
    before = (application.changes.count(), application.history.count())
    for reason, note, message in [
        ("", "", "why the application is rejected"),
        ("wrong_file", "", "why the application is rejected"),  # a return's reason, not a rejection's
        ("other", "  ", "Explain the rejection"),
    ]:
        with pytest.raises(ValidationError, match=message):
            permit_application_transition(
                application=application, to_status=S.REJECTED, at=at(6), by=officer, reason=reason, note=note
            )
    application.refresh_from_db()
    assert application.status == S.VERIFICATION and application.decided_at is None
    assert (application.changes.count(), application.history.count()) == before

    change = permit_application_transition(
        application=application, to_status=S.REJECTED, at=at(6), by=officer, reason="not_permitted", note="Zona hijau"
    )
    application.refresh_from_db()
    assert application.status == S.REJECTED and application.decided_at == at(6)
    assert (change.reason, change.note, change.by) == ("not_permitted", "Zona hijau", officer)
    assert change.get_reason_display() == "Activity not permitted at the location (spatial plan)"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("nib", "12345", "13 digits"),
        ("nib", "12345678901ab", "13 digits"),
        ("kbli_codes", "4711", "5 digits"),
        ("kbli_codes", "47111;56101", "5 digits"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_written(permit_type, field, value, message):
    with pytest.raises(ValidationError, match=message):
        new_application(permit_type, **{field: value})
    assert PermitApplication.objects.count() == 0 and PermitStatusChange.objects.count() == 0


def test_other_offices_do_not_see_permits_bappeda_does(permit_type, role_users):
    new_application(permit_type)
    assert PermitApplication.objects.visible_to(role_users["dpmptsp"]).count() == 1
    assert PermitApplication.objects.visible_to(role_users["bappeda"]).count() == 1
    assert PermitApplication.objects.visible_to(role_users["dkumkmp"]).count() == 0
    assert PermitApplication.objects.visible_to(role_users["operator_mall"]).count() == 0
    assert role_users["bappeda"].has_perm("licensing.view_permitapplication")
    assert not role_users["bappeda"].has_perm("licensing.change_permitapplication")
    assert not role_users["dkumkmp"].has_perm("licensing.add_permitapplication")
