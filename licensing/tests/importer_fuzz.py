"""The permit and SKM importers, fuzzed by smarteconomy/tests/test_importer_fuzz.py: a permit type to refer to and one
application already recorded (a row with its number is unchanged, or refused)."""

from datetime import datetime, timedelta

from django.utils import timezone
from hypothesis import strategies as st

from licensing.models import PermitType
from licensing.services import permit_application_create
from smarteconomy.testing_fuzz import FuzzCase

EXISTING = "SPT/2025/000001"


def setup():
    permit_type = PermitType.objects.create(
        code="pbg", name="Persetujuan Bangunan Gedung", service_level_days=5, risk_level="menengah_rendah"
    )
    permit_application_create(
        registration_number=EXISTING,
        applicant_name="CV Maju Jaya",
        applicant_kind="company",
        permit_type=permit_type,
        channel="spontan",
        submitted_at=timezone.make_aware(datetime(2025, 3, 4, 9, 15)),
    )


def setup_survey():
    """Two decided applications to answer and one already answered (its row is refused as a second answer)."""
    from licensing.tests.skm import answered, decided, moment

    decided("SKM-1", decided_at=moment(2025, 2, 10, 10))
    decided("SKM-2", decided_at=moment(2025, 2, 10, 10), status="rejected")
    answered("SKM-3", [3] * 9, at=moment(2025, 2, 12, 9))


def answered_after_the_decision(draw, values):
    """A clean answer comes after its application's decision (10 February 2025, 10:00)."""
    values["submitted_at"] = datetime(2025, 2, 10, 11) + timedelta(hours=draw(st.integers(0, 2000)))


def consistent_steps(draw, values):
    """A clean row has the decision and issue times its status needs, in order."""
    status = draw(st.sampled_from(["", "submitted", "approved", "rejected", "issued"]))
    values["status"] = status
    values["decided_at"] = values["issued_at"] = ""
    if status not in ("", "submitted"):
        values["decided_at"] = values["submitted_at"] + timedelta(hours=draw(st.integers(0, 2000)))
        if status == "issued":
            values["issued_at"] = values["decided_at"] + timedelta(hours=draw(st.integers(0, 500)))


FUZZ = [
    FuzzCase(
        "permits",
        setup=setup,
        cells={"registration_number": st.sampled_from([EXISTING, "SPT/2025/000002", "OSS-3", "SPT-4"])},
        fix=consistent_steps,
    ),
    FuzzCase(
        "skm",
        setup=setup_survey,
        cells={"registration_number": st.sampled_from(["SKM-1", "SKM-2", "SKM-3", "SKM-UNKNOWN"])},
        fix=answered_after_the_decision,
    ),
]
