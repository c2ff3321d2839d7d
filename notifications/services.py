"""Writes of the notifications: running the rules, queueing the e-mails, sending the outbox.

Exactly once, and where it stops being so:
- A notification is one row per rule x record x recipient x day (a unique constraint), and its e-mail one outbox
  row whose key is the same four (or the recipient's digest of the day): running the rules twice, or two workers
  running them at once, creates nothing twice.
- A worker claims an outbox row by a conditional update (pending -> sending, or sending whose lease ran out ->
  sending), so two workers never send the same row at once, and a task run twice finds the row already sent.
- A worker killed after claiming leaves the row in "sending"; it is claimed again after NOTIFICATIONS_SEND_LEASE.
  If the worker died between the mail server accepting the message and the row being marked sent (a window of one
  database write), that message goes out a second time: SMTP gives no way to ask a server whether it already has a
  message. Such a copy carries the same Message-ID header (derived from the key), so mail clients and servers that
  drop duplicates by Message-ID show it once. Everywhere else it is exactly once.
- A refused or unreachable server puts the row back to "pending" with a later next attempt (backoff); after
  NOTIFICATIONS_MAX_ATTEMPTS the row is "failed" and the administrators see it (their worklist and the back office).
"""

import hashlib
import logging
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .choices import Delivery, OutboxStatus
from .models import Notification, NotificationPreference, OutboxMessage
from .reports import all_reports, get_report
from .rules import all_rules, get_rule

logger = logging.getLogger(__name__)


class RuleFailed(Exception):
    """Some rules raised: the others' notifications were created (``created``); ``errors`` says which failed."""

    def __init__(self, created, errors):
        self.created = created
        self.errors = errors
        super().__init__("; ".join(errors))


def delivery_for(user, rule, preferences=None):
    """The user's choice for ``rule`` (a NotificationPreference), else the rule's default."""
    if preferences is None:
        preferences = dict(NotificationPreference.objects.filter(user=user).values_list("rule", "delivery"))
    return preferences.get(rule.code, rule.default)


def preference_set(*, user, rule_code, delivery):
    """``rule_code`` names a rule or a scheduled report; a report takes only its own choices (never the digest)."""
    report = get_report(rule_code)
    allowed = report.choices if report is not None else Delivery.values
    if (get_rule(rule_code) is None and report is None) or delivery not in allowed:
        raise ValueError(f"unknown rule {rule_code!r} or delivery {delivery!r}")
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.update_or_create(
            user=user, rule=rule_code, defaults={"delivery": delivery}
        )
    return preference


def recipient_language(user):
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def absolute(link):
    return f"{settings.SITE_URL}{link}" if link.startswith("/") else link


def _message_id(key):
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
    return f"<{digest}@{domain}>"


def _render(template, user, context):
    with translation.override(recipient_language(user)):
        context = {**context, "user": user, "site_url": settings.SITE_URL}
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context).strip()
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
    return " ".join(subject.split()), text, html


def _queue(key, user, rendered, now, attachment=None):
    """The outbox row of ``key`` (one per notification, per user's daily digest, or per scheduled report x user x
    period), made once: (message, created). ``attachment``: (filename, bytes, MIME type), stored in the row."""
    subject_line, text, html = rendered
    name, content, mimetype = attachment or ("", None, "")
    return OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "recipient": user,
            "to": user.email,
            "subject": subject_line,
            "text": text,
            "html": html,
            "attachment_name": name,
            "attachment_type": mimetype,
            "attachment": content,
            "next_attempt_at": now,
            "created_at": now,
        },
    )


def _recipients():
    return get_user_model().objects.filter(is_active=True).order_by("pk")


def notifications_run(*, now=None, dry_run=False):
    """Run every rule for every active user: a notification for each record not yet told today, and the e-mail of
    those whose delivery is "immediately". Returns (created, planned): ``planned`` lists (user, rule, subject,
    delivery) of the new ones (with ``dry_run`` nothing is written and ``planned`` is what would be). A rule that
    raises is skipped and the others run; RuleFailed is raised at the end."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    created = 0
    planned = []
    errors = []
    for user in _recipients():
        preferences = dict(NotificationPreference.objects.filter(user=user).values_list("rule", "delivery"))
        for rule in all_rules():
            try:
                subjects = rule.subjects(user)
            except Exception as exc:  # one broken rule must not silence the others; the run reports it
                logger.exception("notification rule %s failed for user %s", rule.code, user.pk)
                errors.append(f"{rule.code}: {type(exc).__name__}: {exc}")
                continue
            if not subjects:
                continue
            delivery = delivery_for(user, rule, preferences)
            told = set(
                Notification.objects.filter(recipient=user, rule=rule.code, day=day).values_list(
                    "object_key", flat=True
                )
            )
            for subject in subjects:
                if subject.key in told:
                    continue
                planned.append((user, rule, subject, delivery))
                if dry_run:
                    continue
                if _notify(user=user, rule=rule, subject=subject, delivery=delivery, day=day, now=now):
                    created += 1
    if errors:
        raise RuleFailed(created, errors)
    return created, planned


def _notify(*, user, rule, subject, delivery, day, now):
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=user,
                rule=rule.code,
                object_key=subject.key,
                day=day,
                title=subject.title[:300],
                link=subject.link,
                delivery=delivery,
                created_at=now,
            )
            if delivery == Delivery.IMMEDIATE and user.email:
                key = f"{rule.code}|{subject.key}|{user.pk}|{day.isoformat()}"
                subject_line, text, html = _render(
                    "notification",
                    user,
                    {"rule": rule, "notification": notification, "url": absolute(subject.link)},
                )
                message, _created = _queue(key, user, (subject_line, text, html), now)
                notification.message = message
                notification.save(update_fields=["message"])
    except IntegrityError:  # another run told the same user about the same record today
        return False
    return True


def digest_queue(*, now=None):
    """Queue each user's digest of the day: one e-mail with the notifications set to "daily digest" that no e-mail
    carried yet, grouped by rule, read in the bell or not (the digest is the day's record, not a reminder of what is
    unread). A second run the same day queues nothing new. Returns the messages queued."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    waiting = Notification.objects.filter(delivery=Delivery.DIGEST, message__isnull=True).select_related("recipient")
    by_user = defaultdict(list)
    for notification in waiting.order_by("rule", "created_at", "pk"):
        by_user[notification.recipient].append(notification)
    queued = 0
    for user, notifications in by_user.items():
        if not user.email or not user.is_active:
            continue
        key = f"digest|{user.pk}|{day.isoformat()}"
        groups = defaultdict(list)
        for notification in notifications:
            groups[notification.rule].append(notification)
        with translation.override(recipient_language(user)):
            grouped = [
                {
                    "rule": get_rule(code),
                    "label": str(get_rule(code).label) if get_rule(code) else code,
                    "items": [{"title": n.title, "url": absolute(n.link)} for n in items],
                }
                for code, items in groups.items()
            ]
        subject_line, text, html = _render("digest", user, {"groups": grouped, "count": len(notifications), "day": day})
        with transaction.atomic():
            message, created = _queue(key, user, (subject_line, text, html), now)
            if not created:  # today's digest is already queued: these wait for tomorrow's
                continue
            Notification.objects.filter(pk__in=[n.pk for n in notifications], message__isnull=True).update(
                message=message
            )
            queued += 1
    return queued


def report_key(report, user, period):
    return f"report|{report.code}|{user.pk}|{period.key}"


def reports_run(*, day=None, now=None, codes=None, dry_run=False):
    """Queue the scheduled reports (those of ``codes``, else all) of the period each covers on ``day`` (today, WITA):
    one e-mail per report x recipient x period, with its attachment stored in the outbox row. A report already
    queued for a user and period is neither built nor queued again. Returns (queued, planned): ``planned`` lists
    (user, report, period) of the new ones (with ``dry_run``, what would be queued; nothing is built or written).
    A report that raises is skipped for that user and the others go on; RuleFailed is raised at the end."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    reports = all_reports()
    if codes is not None:
        unknown = set(codes) - {report.code for report in reports}
        if unknown:
            raise ValueError(f"unknown scheduled reports: {', '.join(sorted(unknown))}")
        reports = [report for report in reports if report.code in codes]
    queued = 0
    planned = []
    errors = []
    for report in reports:
        period = report.period(day)
        for user in _recipients():
            if not user.email or not report.is_for(user) or delivery_for(user, report) == Delivery.OFF:
                continue
            key = report_key(report, user, period)
            if OutboxMessage.objects.filter(key=key).exists():
                continue
            planned.append((user, report, period))
            if dry_run:
                continue
            try:
                with translation.override(recipient_language(user)):
                    content = report.build(user, period)
                    lines = [
                        {"label": line.label, "count": line.count, "url": absolute(line.link) if line.link else ""}
                        for line in content.lines
                    ]
            except Exception as exc:  # one broken report must not stop the others; the run reports it
                logger.exception("scheduled report %s failed for user %s", report.code, user.pk)
                errors.append(f"{report.code}: {type(exc).__name__}: {exc}")
                continue
            rendered = _render(
                "report",
                user,
                {"report": report, "period": period, "content": content, "lines": lines},
            )
            with transaction.atomic():
                _message, created = _queue(key, user, rendered, now, attachment=content.attachment)
            queued += created
    if errors:
        raise RuleFailed(queued, errors)
    return queued, planned


def _due(now):
    lease = settings.NOTIFICATIONS_SEND_LEASE
    return OutboxMessage.objects.filter(
        Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=OutboxStatus.SENDING, claimed_at__lt=now - lease)
    ).order_by("next_attempt_at", "pk")


def _claim(now):
    """The next due message, moved to "sending" by this worker; None when none is due. The update is conditional
    on the state read, so of two workers reading the same row only one gets it."""
    for _attempt in range(5):
        with transaction.atomic():
            row = _due(now).select_for_update(skip_locked=True).first()
            if row is None:
                return None
            won = OutboxMessage.objects.filter(pk=row.pk, status=row.status, claimed_at=row.claimed_at).update(
                status=OutboxStatus.SENDING, claimed_at=now, attempts=row.attempts + 1
            )
        if won:
            row.status, row.claimed_at, row.attempts = OutboxStatus.SENDING, now, row.attempts + 1
            return row
    return None


def backoff(attempts):
    """The wait after the ``attempts``-th failed try: 1, 2, 4, ... minutes, at most NOTIFICATIONS_RETRY_MAX."""
    return min(settings.NOTIFICATIONS_RETRY_BASE * (2 ** max(attempts - 1, 0)), settings.NOTIFICATIONS_RETRY_MAX)


def _send_one(message, connection):
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": _message_id(message.key)},
        connection=connection,
    )
    email.attach_alternative(message.html, "text/html")
    if message.attachment_name and message.attachment is not None:
        email.attach(message.attachment_name, bytes(message.attachment), message.attachment_type or None)
    email.send(fail_silently=False)


def outbox_send(*, now=None, limit=200, connection=None):
    """Send the due messages of the outbox, at most ``limit``. Returns (sent, failed_tries). Stops at the first
    message the server did not take (it is most likely down: the others wait for the next run)."""
    now = now or timezone.now()
    connection = connection or get_connection(fail_silently=False)
    sent = failed = 0
    for _index in range(limit):
        message = _claim(now)
        if message is None:
            break
        try:
            _send_one(message, connection)
        except Exception as exc:  # any refusal: the SMTP server down, a rejected address, a timeout
            failed += 1
            give_up = message.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
            OutboxMessage.objects.filter(
                pk=message.pk, status=OutboxStatus.SENDING, claimed_at=message.claimed_at
            ).update(
                status=OutboxStatus.FAILED if give_up else OutboxStatus.PENDING,
                next_attempt_at=now + backoff(message.attempts),
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            logger.warning("e-mail %s not sent (try %s): %s", message.pk, message.attempts, exc)
            break
        OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING, claimed_at=message.claimed_at).update(
            status=OutboxStatus.SENT, sent_at=timezone.now(), last_error=""
        )
        sent += 1
    try:
        connection.close()
    except Exception:  # a connection the server already dropped
        logger.debug("closing the mail connection failed", exc_info=True)
    return sent, failed


def outbox_retry(*, message):
    """An administrator sends a failed message again: back to pending, tried at the next run."""
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, next_attempt_at=timezone.now(), attempts=0
    )


def notification_mark_read(*, user, pks=None):
    """Mark ``user``'s notifications read (those of ``pks``, or all). Returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pks is not None:
        unread = unread.filter(pk__in=pks)
    return unread.update(read_at=timezone.now())
