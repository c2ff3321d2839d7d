"""The notifications' scheduled tasks (beat entries in settings). Each runs under smarteconomy.tasking's run log and
lock; ``notifications_run`` is also what ``manage.py notifications_run`` calls."""

from smarteconomy.tasking import scheduled_task

from . import services


def run_rules_and_send(*, now=None, dry_run=False):
    """The rules now, then the e-mails due (those set to "immediately", and any retry due)."""
    try:
        created, planned = services.notifications_run(now=now, dry_run=dry_run)
    except services.RuleFailed:
        # What the working rules queued still goes out; the run is then recorded as failed, naming the rules.
        if not dry_run:
            services.outbox_send(now=now)
        raise
    if dry_run:
        return 0, {"planned": len(planned)}
    sent, failed = services.outbox_send(now=now)
    return created, {"notifications": created, "sent": sent, "failed_tries": failed}


def digest_and_send(*, now=None):
    queued = services.digest_queue(now=now)
    sent, failed = services.outbox_send(now=now)
    return queued, {"digests": queued, "sent": sent, "failed_tries": failed}


def reports_and_send(*, codes=None, day=None, now=None, dry_run=False):
    """The scheduled reports of ``codes`` (all when None) for the periods they cover on ``day``, then the e-mails
    due. The beat gives each report its own entry (its time), naming its code."""
    try:
        queued, planned = services.reports_run(codes=codes, day=day, now=now, dry_run=dry_run)
    except services.RuleFailed:
        if not dry_run:
            services.outbox_send(now=now)
        raise
    if dry_run:
        return 0, {"planned": len(planned)}
    sent, failed = services.outbox_send(now=now)
    return queued, {"reports": queued, "sent": sent, "failed_tries": failed}


def send_due(*, now=None):
    sent, failed = services.outbox_send(now=now)
    return sent, {"sent": sent, "failed_tries": failed}


notifications_run = scheduled_task("notifications.run")(run_rules_and_send)
notifications_digest = scheduled_task("notifications.digest")(digest_and_send)
notifications_reports = scheduled_task("notifications.reports")(reports_and_send)
outbox_send = scheduled_task("notifications.outbox_send")(send_due)
