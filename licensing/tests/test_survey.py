"""The SKM survey: the public signed link (once per application, tampered links not found), the paper forms'
importer (all or nothing, every bad row with its row and column), and the IKM page."""

import io
import time

import pytest
from django.core import signing
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from licensing.models import SurveyResponse
from licensing.services import permit_application_create
from licensing.survey import survey_token, survey_url
from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import

from .skm import answered, decided, moment, permit_type

ALL_THREES = {**{f"u{n}": "3" for n in range(1, 10)}, "comment": "Cepat dan ramah"}


@pytest.fixture
def application(db):
    return decided("SPT/2025/000001", decided_at=moment(2025, 2, 10, 10))


# The public form ------------------------------------------------------------------------------------------------


def test_anonymous_applicant_answers_once(client, application):
    url = survey_url(application)
    with translation.override("id"):
        page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    # The regulation's wording, in Indonesian, with the four answers of each element.
    assert "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?" in text
    assert "Sangat sopan dan ramah" in text and "Dikelola dengan baik" in text
    assert text.count('type="radio"') == 36
    assert "SPT/2025/000001" in text

    response = client.post(url, ALL_THREES)
    assert response.status_code == 200
    assert 'data-testid="survey-thanks"' in response.content.decode()
    stored = SurveyResponse.objects.get()
    assert (stored.application, stored.channel, stored.scores(), stored.comment) == (
        application,
        "online",
        [3] * 9,
        "Cepat dan ramah",
    )

    # A second attempt: a clear message, nothing written.
    again = client.post(url, {**ALL_THREES, "u1": "1"})
    assert again.status_code == 200
    assert 'data-testid="survey-answered"' in again.content.decode()
    assert SurveyResponse.objects.get().u1 == 3
    assert 'data-testid="survey-answered"' in client.get(url).content.decode()


def test_an_incomplete_or_out_of_range_answer_is_refused(client, application):
    url = survey_url(application)
    missing = {key: value for key, value in ALL_THREES.items() if key != "u8"}
    assert client.post(url, missing).status_code == 400
    assert client.post(url, {**ALL_THREES, "u2": "5"}).status_code == 400
    assert client.post(url, {**ALL_THREES, "u2": "0"}).status_code == 400
    assert not SurveyResponse.objects.exists()


def test_a_tampered_or_foreign_link_is_not_found(client, application):
    token = survey_token(application)
    other = decided("SPT/2025/000002")
    payload, signature = token.split(":")
    forged = survey_token(other).split(":")[0] + ":" + signature  # another pk with the first one's signature
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), forged, "1", "abc:def"):
        assert client.get(reverse("licensing:survey", args=[bad])).status_code == 404
        assert client.post(reverse("licensing:survey", args=[bad]), ALL_THREES).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_the_link_stays_the_same_and_earlier_timestamped_links_still_open(client, application, monkeypatch):
    first = survey_url(application)
    later = time.time() + 3 * 86400
    monkeypatch.setattr(time, "time", lambda: later)
    assert survey_url(application) == first
    earlier_kind = signing.dumps(application.pk, salt="licensing.survey", compress=False)
    assert client.get(reverse("licensing:survey", args=[earlier_kind])).status_code == 200


def test_no_survey_before_the_decision(client, db):
    waiting = permit_application_create(
        registration_number="SPT/2025/000003",
        applicant_name="CV Maju",
        applicant_kind="company",
        permit_type=permit_type(),
        channel="counter",
        submitted_at=moment(2025, 2, 1, 9),
    )
    assert survey_url(waiting) == ""
    assert client.get(reverse("licensing:survey", args=[survey_token(waiting)])).status_code == 404


def test_the_link_is_shown_to_dpmptsp_on_the_application_page(client, role_users, application):
    client.force_login(role_users["dpmptsp"])
    text = client.get(application.get_absolute_url()).content.decode()
    assert survey_url(application) in text
    client.force_login(role_users["bappeda"])
    assert survey_url(application) not in client.get(application.get_absolute_url()).content.decode()


def test_a_rejected_application_is_surveyed_too(client, db):
    rejected = decided("SPT/2025/000004", status="rejected")
    assert client.post(survey_url(rejected), ALL_THREES).status_code == 200
    assert SurveyResponse.objects.filter(application=rejected).exists()


# The importer ----------------------------------------------------------------------------------------------------

HEADER = "registration_number,submitted_at,u1,u2,u3,u4,u5,u6,u7,u8,u9,comment"


def csv(*rows):
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def do_import(data, user=None):
    with translation.override("en"):
        return run_import("skm", data=data, filename="skm.csv", user=user)


def errors(batch):
    return [(error["row"], error["column"]) for error in batch.errors]


def test_paper_forms_are_imported(role_users, db):
    decided("A-1")
    decided("A-2", status="rejected")
    batch = do_import(
        csv("A-1,2025-02-11 09:00,4,4,3,4,4,4,4,3,4,Petugas ramah", "A-2,11/02/2025 10.00,2,2,2,3,3,3,3,1,2,"),
        role_users["dpmptsp"],
    )
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert batch.rows_created == 2
    first = SurveyResponse.objects.get(application__registration_number="A-1")
    assert (first.channel, first.scores(), first.comment) == ("paper", [4, 4, 3, 4, 4, 4, 4, 3, 4], "Petugas ramah")


def test_every_bad_row_is_reported_and_nothing_is_written(db):
    decided("B-1", decided_at=moment(2025, 2, 10, 10))
    decided("B-2")
    decided("B-3")
    answered("B-4", (4,) * 9)
    permit_application_create(
        registration_number="B-5",
        applicant_name="CV",
        applicant_kind="company",
        permit_type=permit_type(),
        channel="counter",
        submitted_at=moment(2025, 2, 1, 9),
    )
    batch = do_import(
        csv(
            "B-1,2025-02-11 09:00,4,4,4,4,4,4,4,4,4,",  # good
            "NOPE,2025-02-11 09:00,4,4,4,4,4,4,4,4,4,",  # row 3: unknown number
            "B-2,2025-02-11 09:00,4,5,4,4,4,4,4,4,0,",  # row 4: u2 and u9 outside 1-4
            "B-1,2025-02-12 09:00,3,3,3,3,3,3,3,3,3,",  # row 5: duplicate of row 2
            "B-4,2025-02-13 09:00,3,3,3,3,3,3,3,3,3,",  # row 6: already answered
            "B-3,2025-02-09 09:00,3,3,3,3,3,3,3,3,3,",  # row 7: before the decision (10 Feb)
            "B-5,2025-02-13 09:00,3,3,3,3,3,3,3,3,3,",  # row 8: no decision yet
            "B-2,2025-02-11 09:00,3,x,3,3,3,3,3,3,3,",  # row 9: not a number
        )
    )
    assert batch.status == ImportStatus.REFUSED
    assert errors(batch) == [
        (3, "registration_number"),
        (4, "u2"),
        (4, "u9"),
        (5, "registration_number"),
        (6, "registration_number"),
        (7, "submitted_at"),
        (8, "registration_number"),
        (9, "u2"),
    ]
    assert SurveyResponse.objects.count() == 1  # B-4's, from before


def test_the_rows_checked_against_the_applications(db):
    decided("C-1", decided_at=moment(2025, 2, 10, 10))
    answered("C-2", (4,) * 9)
    permit_application_create(
        registration_number="C-3",
        applicant_name="CV",
        applicant_kind="company",
        permit_type=permit_type(),
        channel="counter",
        submitted_at=moment(2025, 2, 1, 9),
    )
    batch = do_import(
        csv(
            "C-1,2025-02-09 09:00,3,3,3,3,3,3,3,3,3,",
            "C-2,2025-02-13 09:00,3,3,3,3,3,3,3,3,3,",
            "C-3,2025-02-13 09:00,3,3,3,3,3,3,3,3,3,",
            "C-4,2025-02-13 09:00,3,3,3,3,3,3,3,3,3,",
        )
    )
    assert batch.status == ImportStatus.REFUSED
    messages = {(error["row"], error["column"]): error["message"] for error in batch.errors}
    assert "before the decision" in messages[(2, "submitted_at")]
    assert "already been answered" in messages[(3, "registration_number")]
    assert "no decision yet" in messages[(4, "registration_number")]
    assert "No application" in messages[(5, "registration_number")]
    assert SurveyResponse.objects.count() == 1


def test_the_import_skm_command(tmp_path, db):
    decided("D-1")
    path = tmp_path / "skm.csv"
    path.write_bytes(csv("D-1,2025-02-11 09:00,4,4,4,4,4,4,4,4,4,", "D-9,2025-02-11 09:00,4,4,4,4,4,4,4,4,4,"))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_skm", str(path), stdout=io.StringIO(), stderr=err)
    assert "row 3, column registration_number" in err.getvalue()
    assert not SurveyResponse.objects.exists()
    path.write_bytes(csv("D-1,2025-02-11 09:00,4,4,4,4,4,4,4,4,4,"))
    call_command("import_skm", str(path), stdout=io.StringIO())
    assert SurveyResponse.objects.get().channel == "paper"


def test_the_importer_is_on_the_upload_page(client, role_users):
    client.force_login(role_users["dpmptsp"])
    assert client.get(reverse("imports:upload", args=["skm"])).status_code == 200


# The IKM page ----------------------------------------------------------------------------------------------------


def test_the_ikm_page_lists_the_elements_lowest_first(client, role_users, db):
    answered("E-1", (4, 4, 2, 4, 4, 4, 4, 1, 3), at=moment(2025, 5, 5, 9))
    client.force_login(role_users["bappeda"])
    text = client.get(reverse("licensing:ikm")).content.decode()
    assert "Triwulan II 2025</h2>" in text  # the quarter as people write it, not its code 2025-Q2
    # 25 × 30 / 9 = 83.33: B (Baik), shown with the Indonesian decimal comma.
    assert "IKM 83,33" in text and ">B · Baik<" in text
    table = text[text.index('data-testid="ikm-elements"') :]
    assert table.index("U8") < table.index("U3") < table.index("U9") < table.index("U1")


def test_paper_forms_of_an_approved_month_are_refused(role_users, db):
    from licensing.services import SURVEY_SOURCE
    from smarteconomy.testing_locks import dirty_periods, lock_period, says_locked

    decided("L-1", decided_at=moment(2025, 2, 10, 10))
    decided("L-2", decided_at=moment(2025, 2, 10, 10))
    lock_period(SURVEY_SOURCE, "2025-02", role_users)
    before = dirty_periods()
    batch = do_import(csv("L-1,2025-02-11 09:00,4,4,4,4,4,4,4,4,4,", "L-2,2025-03-02 09:00,4,4,4,4,4,4,4,4,4,"))
    assert batch.status == ImportStatus.REFUSED
    assert [(error["row"], error["column"]) for error in batch.errors] == [(2, "submitted_at")]
    assert says_locked(batch.errors[0]["message"], "2025-02")
    assert not SurveyResponse.objects.exists() and dirty_periods() == before


def test_scores_outside_1_to_4_are_refused_by_the_service_and_the_database(application):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from licensing.services import survey_response_create

    with pytest.raises(ValidationError):
        survey_response_create(application=application, scores=[4] * 8 + [5], channel="online")
    with pytest.raises(ValidationError):
        survey_response_create(application=application, scores=[4] * 8, channel="online")
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(
            application=application,
            submitted_at=moment(2025, 2, 11, 9),
            channel="online",
            **{f"u{n}": 4 for n in range(1, 9)},
            u9=0,
        )
    assert not SurveyResponse.objects.exists()
