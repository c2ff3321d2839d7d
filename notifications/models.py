from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import Delivery, OutboxStatus


class Notification(models.Model):
    """One thing one user is told about: a rule's record on one day. The bell lists them; e-mails are sent from the
    outbox. At most one per rule, record, recipient and day (the database refuses a second), so a rule run twice
    the same day tells nobody twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    rule = models.CharField(_("rule"), max_length=80)
    object_key = models.CharField(_("record"), max_length=120)
    day = models.DateField(_("day"))
    title = models.CharField(_("title"), max_length=300)
    link = models.CharField(_("link"), max_length=500, blank=True)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # The e-mail that carries it (its own for "immediately", the day's digest for "daily digest"); empty when none.
    message = models.ForeignKey(
        "OutboxMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "object_key", "recipient", "day"], name="notification_once_per_rule_record_user_day"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    """A user's choice for one rule: e-mail immediately, in the daily digest, or not at all. Without a row the
    rule's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    rule = models.CharField(_("rule"), max_length=80)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "rule"], name="notification_preference_once")]

    def __str__(self):
        return f"{self.user} · {self.rule}: {self.get_delivery_display()}"


class OutboxMessage(models.Model):
    """An e-mail waiting to be sent, being sent, sent or given up on. ``key`` is unique (rule x record x recipient
    x day, the recipient's digest of a day, or a scheduled report x recipient x period): whoever queues a message twice queues it once. A worker claims a
    row by moving it to "sending" (row lock, skipping rows another worker holds); a row left in "sending" by a
    worker that died is claimed again once its lease has run out."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbox_messages", verbose_name=_("recipient")
    )
    to = models.EmailField(_("address"))
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"))
    # A scheduled report's file (a PDF), stored with the row it belongs to: queued in the same transaction, so a
    # worker restarted between queueing and sending sends the same bytes, and nothing is generated twice.
    attachment_name = models.CharField(_("attachment"), max_length=200, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=100, blank=True)
    attachment = models.BinaryField(_("attachment content"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.to}: {self.subject}"
