"""Test helpers for the lock of approved periods (smarteconomy.sources): lock a period as the workflow does
(submitted, then approved by Bappeda), reopen it, and check what a refusal says and that nothing was written."""

from smarteconomy.models import DirtyPeriod
from smarteconomy.reporting import period_approve, period_reopen, period_submit

LOCKED_WORDS = ("is locked", "bappeda", "reopen")


def lock_period(source, period, users, *, part=""):
    """Submit (as the administrator, on the office's behalf) and approve (as Bappeda, named in the refusals)
    ``period`` of ``source``: it is locked. ``users``: the ``role_users`` fixture."""
    period_submit(source=source, period=period, part=part, by=users["admin"])
    return period_approve(source=source, period=period, part=part, by=users["bappeda"])


def reopen_period(source, period, users, *, part="", reason="Koreksi data"):
    return period_reopen(source=source, period=period, part=part, by=users["bappeda"], reason=reason)


def says_locked(text, period):
    """Whether ``text`` is the locked message of ``period``: names it, who locked it, and how to ask for a reopening."""
    text = str(text)
    return str(period) in text and all(word in text.lower() for word in LOCKED_WORDS)


def superuser(make_user):
    """The back office's data records are changed by a superuser (the administrators' role only reads them)."""
    return make_user("root", is_superuser=True, is_staff=True)


def dirty_periods():
    return set(DirtyPeriod.objects.values_list("source", "period"))


def flash(client, response):
    """The messages a redirect (a refused record action, a back-office refusal) shows on the page it leads to:
    that page is requested, which reads them and so consumes them (the next refusal starts from none)."""
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"])
    return " ".join(str(message) for message in page.context["messages"]) if page.context else ""
