"""manage.py period_approval: status (every source, one source, one period; text and JSON) and each step, and a
clear CommandError for every wrong input or step, with nothing written."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from smarteconomy.choices import ReportingStatus
from smarteconomy.models import ReportingPeriod

APPS = "licensing.applications"


def run(*args):
    out = io.StringIO()
    call_command("period_approval", *args, stdout=out)
    return out.getvalue()


def refused(*args):
    with pytest.raises(CommandError) as error:
        run(*args)
    return str(error.value)


def test_status_lists_every_source_with_its_periods(role_users):
    rows = json.loads(run("status", "--format", "json"))
    sources = {row["source"] for row in rows}
    assert {"licensing.applications", "msme.registry", "analytics.grdp"} <= sources
    october = next(row for row in rows if row["source"] == APPS and row["period"] == "2025-10")
    assert october["status"] == "open" and october["state"] == "not_reported" and october["due"] == "2025-11-10"
    text = run("status")
    assert "licensing.applications 2025-10: open (not_reported), due 2025-11-10, received 0/1" in text
    assert "analytics.grdp 2024: open" in text


def test_status_of_one_source_and_one_period(role_users):
    run("submit", "--source", APPS, "--period", "2025-10", "--user", "dpmptsp")
    rows = json.loads(run("status", "--source", APPS, "--format", "json"))
    assert {row["source"] for row in rows} == {APPS} and rows[0]["period"] == "2023-01"
    rows = json.loads(run("status", "--source", APPS, "--period", "2025-10", "--format", "json"))
    assert len(rows) == 1 and rows[0]["status"] == "submitted" and rows[0]["submitted_by"] == "dpmptsp"
    assert run("status", "--source", APPS, "--period", "2025-10").startswith(
        "licensing.applications 2025-10: submitted (submitted_late)"
    )
    rows = json.loads(run("status", "--period", "2025-10", "--format", "json"))
    assert APPS in {row["source"] for row in rows} and {row["period"] for row in rows} == {"2025-10"}


def test_submit_approve_return_reopen(role_users):
    assert run("submit", "--source", APPS, "--period", "2025-10", "--user", "dpmptsp") == (
        "licensing.applications 2025-10: submitted (by dpmptsp)\n"
    )
    result = json.loads(
        run(
            "return",
            "--source",
            APPS,
            "--period",
            "2025-10",
            "--user",
            "bappeda",
            "--reason",
            "Kurang",
            "--format",
            "json",
        )
    )
    assert result == {
        "source": APPS,
        "part": "",
        "period": "2025-10",
        "status": "returned",
        "by": "bappeda",
        "reason": "Kurang",
    }
    run("submit", "--source", APPS, "--period", "2025-10", "--user", "dpmptsp")
    assert "approved (by admin)" in run("approve", "--source", APPS, "--period", "2025-10", "--user", "admin")
    assert "reopened" in run("reopen", "--source", APPS, "--period", "2025-10", "--user", "bappeda", "--reason", "NIB")
    history = ReportingPeriod.objects.get().history.order_by("history_date")
    assert [h.status for h in history] == ["submitted", "returned", "submitted", "approved", "reopened"]
    assert [h.history_user.username for h in history] == ["dpmptsp", "bappeda", "dpmptsp", "admin", "bappeda"]


def test_a_parking_location_is_named_with_part(role_users):
    from datetime import date

    from cashless.models import OperatorMembership, ParkingLocation

    airport = ParkingLocation.objects.create(
        code="SEPINGGAN", name="Bandara", operator_name="AP", reporting_since=date(2025, 1, 1)
    )
    OperatorMembership.objects.create(user=role_users["operator_airport"], location=airport)
    args = ("submit", "--source", "cashless.parking", "--period", "2025-10", "--user", "operator_airport")
    assert "reports per location: give --part (one of: SEPINGGAN)" in refused(*args)
    assert "has no part 'BSB'" in refused(*args, "--part", "BSB")
    assert "[SEPINGGAN] 2025-10: submitted" in run(*args, "--part", "SEPINGGAN")
    assert "may not submit" in refused(*args[:-1], "operator_mall", "--part", "SEPINGGAN")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("status", "--source", "no.such"), "Unknown data source 'no.such'"),
        (("status", "--source", APPS, "--period", "2025"), "give a month (YYYY-MM)"),
        (("status", "--period", "2025-13"), "2025-13"),
        (("submit", "--source", APPS, "--period", "2025-10"), "submit needs --user"),
        (("approve", "--period", "2025-10", "--user", "bappeda"), "approve needs --source"),
        (("submit", "--source", "no.such", "--period", "2025-10", "--user", "dpmptsp"), "Unknown data source"),
        (("submit", "--source", APPS, "--period", "10/2025", "--user", "dpmptsp"), "10/2025"),
        (("submit", "--source", APPS, "--period", "2025", "--user", "dpmptsp"), "give a month"),
        (("submit", "--source", APPS, "--period", "2025-10", "--user", "nobody"), "No active user named 'nobody'"),
        (("submit", "--source", APPS, "--period", "2025-10", "--user", "dkumkmp"), "dkumkmp may not submit"),
        (("submit", "--source", APPS, "--period", "2019-01", "--user", "dpmptsp"), "not expected"),
        (("approve", "--source", APPS, "--period", "2025-10", "--user", "bappeda"), "Approving is not possible"),
        (("approve", "--source", APPS, "--period", "2025-10", "--user", "dpmptsp"), "dpmptsp may not approve"),
        (("return", "--source", APPS, "--period", "2025-10", "--user", "bappeda"), "return needs --reason"),
        (("reopen", "--source", APPS, "--period", "2025-10", "--user", "bappeda", "--reason", " "), "needs --reason"),
        (("reopen", "--source", APPS, "--period", "2025-10", "--user", "bappeda", "--reason", "x"), "not possible"),
    ],
)
def test_each_wrong_input_is_a_clear_error_and_writes_nothing(role_users, args, message):
    assert message in refused(*args)
    assert not ReportingPeriod.objects.exists()


def test_an_unknown_action_or_format_is_refused_by_the_parser(role_users):
    assert "invalid choice" in refused("publish")
    assert "invalid choice" in refused("status", "--format", "xml")


def test_a_step_out_of_order_after_a_submission(role_users):
    run("submit", "--source", APPS, "--period", "2025-10", "--user", "dpmptsp")
    assert "Submitting is not possible" in refused(
        "submit", "--source", APPS, "--period", "2025-10", "--user", "dpmptsp"
    )
    assert ReportingPeriod.objects.get().status == ReportingStatus.SUBMITTED
