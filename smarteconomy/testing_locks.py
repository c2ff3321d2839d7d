"""Test helpers for the lock of approved periods (smarteconomy.sources): lock a period as the workflow does
(submitted, then approved by Bappeda), reopen it, and check what a refusal says and that nothing was written."""

from smarteconomy.models import DirtyPeriod
from smarteconomy.reporting import period_approve, period_reopen, period_submit

LOCKED_WORDS = ("is locked", "bappeda", "reopen")


def lock_period(source, period, *, by, part=""):
    """Submit (as an administrator may on the office's behalf) and approve ``period`` of ``source``: it is locked.
    ``by``: a Bappeda or admin user, who is named in the refusals."""
    period_submit(source=source, period=period, part=part, by=by)
    return period_approve(source=source, period=period, part=part, by=by)


def reopen_period(source, period, *, by, part="", reason="Koreksi data"):
    return period_reopen(source=source, period=period, part=part, by=by, reason=reason)


def says_locked(text, period):
    """Whether ``text`` is the locked message of ``period``: names it, who locked it, and how to ask for a reopening."""
    text = str(text)
    return str(period) in text and all(word in text.lower() for word in LOCKED_WORDS)


def dirty_periods():
    return set(DirtyPeriod.objects.values_list("source", "period"))
