from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    """How a user receives a rule's notifications by e-mail (the bell shows them all the same)."""

    IMMEDIATE = "immediate", _("Immediately")
    DIGEST = "digest", _("Daily digest at 07:00 WITA")
    OFF = "off", _("Off")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
