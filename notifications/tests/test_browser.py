"""The bell in a browser, on the demo data: the rules run, DPMPTSP sees the unread count in the top bar (desktop and
phone, without widening the header), opens the list, opens a record (marked read), marks all read. Screenshots in
artifacts/notifications-*.png."""

import pytest
from django.contrib.auth import get_user_model

from notifications import services
from notifications.models import Notification
from smarteconomy.testing_browser import ARTIFACTS, submit_login


@pytest.fixture
def told(demo, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.notifications_run()
    services.outbox_send()
    return demo


def test_the_bell_and_the_list_on_desktop_and_phone(browser, live_server, told):
    user = get_user_model().objects.get(username="dpmptsp")
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    assert unread > 0, "the demo data should give DPMPTSP something to be told about"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})):
        context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=viewport)
        page = context.new_page()
        submit_login(page, "dpmptsp", told)
        assert page.get_by_test_id("bell-count").inner_text().split()[0] == str(unread)
        overflow = page.evaluate(
            "() => { const h = document.querySelector('[data-testid=topbar]'); return h.scrollWidth - h.clientWidth; }"
        )
        assert overflow <= 0, f"the top bar is {overflow}px wider than the {name} screen"
        page.screenshot(path=str(ARTIFACTS / f"notifications-bell-{name}.png"))
        page.get_by_test_id("bell").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=notification][data-unread=true]").count() == unread
        page.screenshot(path=str(ARTIFACTS / f"notifications-list-{name}.png"), full_page=True)
        context.close()
    # Open the first: its record's page, and one fewer unread.
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    submit_login(page, "dpmptsp", told)
    page.goto("/notifications/")
    newest = Notification.objects.filter(recipient=user).exclude(link="").order_by("-created_at", "-pk").first()
    # The newest notification's own Open button (by its pk, not the list's first button), and the answer to the
    # POST itself: CI's PostgreSQL run twice did not reach the record's page (not reproduced here); if it happens
    # again, this says what the server answered.
    opened = page.locator(f"form:has(input[name=pk][value='{newest.pk}'])").get_by_test_id("notification-open")
    with page.expect_response(lambda r: r.request.method == "POST" and "/notifications/read/" in r.url) as answer:
        opened.click()
    response = answer.value
    assert response.status == 302, f"Open answered {response.status}: {response.text()[:500]}"
    assert response.headers.get("location") == newest.link
    page.wait_for_url(f"**{newest.link}")
    assert "/licensing/" in page.url or "/reporting/" in page.url
    unread -= 1
    if unread:
        assert page.get_by_test_id("bell-count").inner_text().split()[0] == str(unread)
    else:
        assert page.get_by_test_id("bell-count").count() == 0
    context.close()
    # Mark all read: the bell has no number any more.
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    submit_login(page, "dpmptsp", told)
    Notification.objects.filter(recipient=user).update(read_at=None)
    page.goto("/notifications/")
    with page.expect_navigation():
        page.get_by_test_id("mark-all-read").click()
    assert page.get_by_test_id("bell-count").count() == 0
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    context.close()
