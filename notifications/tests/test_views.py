"""The bell in the top bar, the list of one's notifications, marking read and the e-mail settings."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.choices import Delivery
from notifications.models import Notification, NotificationPreference


def notify(user, title, rule="licensing.overdue", link="/licensing/", **extra):
    return Notification.objects.create(
        recipient=user,
        rule=rule,
        object_key=f"x:{title}",
        day=timezone.localdate(),
        title=title,
        link=link,
        delivery=Delivery.IMMEDIATE,
        **extra,
    )


@pytest.fixture
def dpmptsp(role_users):
    return role_users["dpmptsp"]


def test_the_bell_shows_the_unread_count_and_the_list_marks_read(client, dpmptsp, role_users):
    notify(dpmptsp, "REG-1")
    notify(dpmptsp, "REG-2")
    notify(dpmptsp, "REG-0", read_at=timezone.now())
    notify(role_users["bappeda"], "someone else's")
    client.force_login(dpmptsp)
    home = client.get("/").content.decode()
    assert 'data-testid="bell-count">2<' in home
    page = client.get(reverse("notifications:list")).content.decode()
    assert "REG-1" in page and "REG-2" in page and "someone else" not in page
    assert "Melewati batas waktu layanan" in page  # the rule's label, in Indonesian
    assert page.count('data-unread="true"') == 2
    first = Notification.objects.get(title="REG-1")
    response = client.post(reverse("notifications:read"), {"pk": first.pk})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert 'data-testid="bell-count">1<' in client.get("/").content.decode()
    client.post(reverse("notifications:read"))
    assert not Notification.objects.filter(recipient=dpmptsp, read_at__isnull=True).exists()
    assert 'data-testid="bell-count"' not in client.get("/").content.decode()
    assert Notification.objects.get(title="someone else's").read_at is None


def test_open_marks_read_and_goes_to_the_record(client, dpmptsp):
    notification = notify(dpmptsp, "REG-1", link="/licensing/?overdue=true")
    client.force_login(dpmptsp)
    response = client.post(reverse("notifications:read"), {"pk": notification.pk, "open": "1"})
    assert response.status_code == 302 and response["Location"] == "/licensing/?overdue=true"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_the_lists_buttons_open_and_mark_the_right_one_beyond_a_thousand(client, dpmptsp):
    """The buttons send the pk the page holds: with Indonesian digit grouping a pk of 1825 was written "1.825",
    which the view took for "mark all read" and sent back to the list (CI's full PostgreSQL run found it)."""
    first = notify(dpmptsp, "REG-1", link="/licensing/?overdue=true", pk=1825)
    notify(dpmptsp, "REG-2", pk=1826)
    client.force_login(dpmptsp)
    page = client.get(reverse("notifications:list")).content.decode()
    held = re.findall(r'name="pk" value="([^"]*)"', page)
    assert sorted(held) == ["1825", "1826"]
    response = client.post(reverse("notifications:read"), {"pk": "1825", "open": "1"})
    assert response.status_code == 302 and response["Location"] == "/licensing/?overdue=true"
    assert list(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True)) == [first.pk]
    # A malformed pk is refused, never taken for "mark all read".
    assert client.post(reverse("notifications:read"), {"pk": "1.826"}).status_code == 400
    assert Notification.objects.get(pk=1826).read_at is None


def test_one_cannot_mark_another_users_notification(client, dpmptsp, role_users):
    theirs = notify(role_users["bappeda"], "theirs", link="https://evil.example/")
    client.force_login(dpmptsp)
    response = client.post(reverse("notifications:read"), {"pk": theirs.pk, "open": "1"})
    assert response["Location"] == reverse("notifications:list")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_settings_list_the_rules_of_the_role_and_save(client, dpmptsp):
    client.force_login(dpmptsp)
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'name="rule-licensing.overdue"' in page
    assert 'name="rule-industry_center.bill_overdue"' not in page  # DKUMKMP's, not DPMPTSP's
    assert "Ringkasan harian pukul 07.00 WITA" in page
    client.post(
        reverse("notifications:preferences"),
        {
            "rule-licensing.overdue": "off",
            "rule-licensing.due_soon": "digest",
            "rule-industry_center.bill_overdue": "off",
        },
    )
    assert dict(NotificationPreference.objects.filter(user=dpmptsp).values_list("rule", "delivery")) == {
        "licensing.overdue": "off",
        "licensing.due_soon": "digest",
    }


def test_the_settings_list_the_scheduled_reports_of_the_role_without_the_digest(client, dpmptsp):
    client.force_login(dpmptsp)
    response = client.get(reverse("notifications:list"))
    page = response.content.decode()
    assert 'name="rule-licensing.service_level_weekly"' in page
    assert 'name="rule-analytics.monitoring_report"' not in page  # Bappeda's
    assert "Setiap Senin, pukul 07.00 WITA" in page
    (choices,) = [
        c for r, _chosen, c, _s in response.context["preferences"] if r.code == "licensing.service_level_weekly"
    ]
    assert [value for value, _label in choices] == ["immediate", "off"]
    client.post(reverse("notifications:preferences"), {"rule-licensing.service_level_weekly": "digest"})
    assert not NotificationPreference.objects.filter(user=dpmptsp).exists()  # not a report's choice: ignored
    client.post(reverse("notifications:preferences"), {"rule-licensing.service_level_weekly": "immediate"})
    assert NotificationPreference.objects.get(user=dpmptsp).delivery == "immediate"


def test_the_period_due_or_late_rule_names_the_periods_the_home_page_counts(client, role_users):
    from notifications.rules import get_rule
    from smarteconomy.periods import Period
    from smarteconomy.reporting_selectors import to_submit_count

    rule = get_rule("reporting.due")
    dkumkmp = role_users["dkumkmp"]
    assert rule.is_for(dkumkmp) and not rule.is_for(role_users["bappeda"])
    subjects = rule.subjects(dkumkmp)
    assert subjects and len(subjects) == to_submit_count(dkumkmp)
    client.force_login(dkumkmp)
    for subject in subjects[:3]:
        assert client.get(subject.link).status_code == 200
        # The period as people write it ("Nov 2026"), its code only in the key.
        code = subject.key.rsplit(":", 1)[1]
        assert code not in subject.title and subject.title.endswith(Period.parse(code).label())


def test_the_back_office_marks_a_title_written_in_the_recipients_language(client, dpmptsp, role_users):
    """A notification's title is written in its recipient's language (Indonesian by default). On an English back-office
    page it is marked lang="id", so the product's language check and screen readers take it as Indonesian."""
    from smarteconomy.language_check import foreign_sentences

    notify(dpmptsp, "Median waktu proses")
    client.force_login(role_users["admin"])
    html = client.get("/admin/notifications/notification/", HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    assert '<span lang="id">Median waktu proses</span>' in html
    assert not [s for s in foreign_sentences(html, "en") if "Median waktu proses" in s]


def test_the_bells_list_marks_each_title_in_the_language_it_was_written(client, dpmptsp):
    """Titles are written in the recipient's language when the rule runs; read on an English page they are marked
    lang="id" (the language crawl in CI read the demo's Indonesian titles as untranslated product text)."""
    from smarteconomy.language_check import foreign_sentences

    notify(dpmptsp, "Median waktu proses")
    client.force_login(dpmptsp)
    html = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="id">Median waktu proses</div>' in html
    assert not [s for s in foreign_sentences(html, "en") if "Median waktu proses" in s]
