from django.db import models
from django.utils.translation import gettext_lazy as _


class Scale(models.TextChoices):
    """Business scale (UU 20/2008 as amended by PP 7/2021)."""

    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")


class MsmeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    CLOSED = "closed", _("Closed")


class BusinessCategory(models.TextChoices):
    CULINARY = "culinary", _("Culinary (kuliner)")
    FASHION = "fashion", _("Fashion")
    CRAFT = "craft", _("Crafts (kriya)")
    AGRIBUSINESS = "agribusiness", _("Agribusiness and fisheries")
    TRADE = "trade", _("Retail trade")
    SERVICES = "services", _("Services (jasa)")
    CREATIVE = "creative", _("Creative industry")
    OTHER = "other", _("Other")


class ParticipantStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SELECTED = "selected", _("Selected")
    WAITLISTED = "waitlisted", _("Waitlisted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OutletMovementKind(models.TextChoices):
    INTAKE = "intake", _("Intake (consigned)")
    SALE = "sale", _("Sale")
    RETURN = "return", _("Returned to the owner")


class PayoutMethod(models.TextChoices):
    QRIS = "qris", _("QRIS")
    TRANSFER = "transfer", _("Bank transfer")
    EWALLET = "ewallet", _("E-wallet")


class DuplicateReason(models.TextChoices):
    SAME_NIK = "same_nik", _("Same owner NIK")
    SAME_NIB = "same_nib", _("Same NIB")
    CLOSE_MATCH = "close_match", _("Similar name in the same kelurahan or with the same phone")
