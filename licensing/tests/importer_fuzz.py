"""The permit importer, fuzzed by smarteconomy/tests/test_importer_fuzz.py: a permit type to refer to and one
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
]
