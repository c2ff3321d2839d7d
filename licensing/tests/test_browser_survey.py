"""The applicant's survey on a phone (390 px wide), in Debian's Chromium, without logging in."""

import pytest

from licensing.models import SurveyResponse
from licensing.survey import survey_url
from smarteconomy.testing_browser import ARTIFACTS

from .skm import decided

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def test_an_applicant_answers_the_survey_on_a_phone(phone, transactional_db):
    application = decided("SPT/2025/000777")
    errors = []
    phone.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    phone.goto(survey_url(application))
    assert phone.locator("h1").inner_text() == "Survei kepuasan masyarakat"
    # Nothing wider than the phone: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # Sent without the complaint-handling answer: the browser's own check keeps the form (every radio is required).
    for number in range(1, 10):
        if number != 8:
            phone.check(f"input[name=u{number}][value='{4 if number != 3 else 2}']")
    phone.get_by_test_id("survey-submit").click()
    assert SurveyResponse.objects.count() == 0
    phone.check("input[name=u8][value='3']")
    phone.fill("textarea[name=comment]", "Prosesnya agak lama.")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "licensing-survey-390.png"), full_page=True)
    phone.get_by_test_id("survey-submit").click()
    phone.wait_for_load_state()
    assert "Terima kasih" in phone.get_by_test_id("survey-thanks").inner_text()
    phone.screenshot(path=str(ARTIFACTS / "licensing-survey-390-thanks.png"))
    answer = SurveyResponse.objects.get()
    assert (answer.scores(), answer.comment, answer.channel) == (
        [4, 4, 2, 4, 4, 4, 4, 3, 4],
        "Prosesnya agak lama.",
        "online",
    )
    # Back to the link: answered once, no form any more.
    phone.goto(survey_url(application))
    assert phone.get_by_test_id("survey-answered").is_visible()
    assert phone.get_by_test_id("survey-form").count() == 0
    assert errors == []
