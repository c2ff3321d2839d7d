from django.db import models
from django.utils.translation import gettext_lazy as _


class Commodity(models.TextChoices):
    TOFU = "tofu", _("Tofu (tahu)")
    TEMPEH = "tempeh", _("Tempeh (tempe)")
    CHIPS = "chips", _("Chips (keripik)")
    OTHER = "other", _("Other")


class EquipmentLevel(models.TextChoices):
    """The study's obstacle: most houses still work with traditional equipment."""

    TRADITIONAL = "traditional", _("Traditional")
    APPROPRIATE = "appropriate", _("Appropriate technology (teknologi tepat guna)")


class BillKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly levy (SKRD)")
    ARREARS = "arrears", _("Arrears: late interest (STRD)")


class BillStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_BILL_STATUSES = (BillStatus.ISSUED, BillStatus.PARTLY_PAID, BillStatus.OVERDUE)


class PaymentChannel(models.TextChoices):
    QRIS = "qris", _("QRIS")
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")


class SettlementStatus(models.TextChoices):
    """What became of one row of the bank's QRIS settlement file."""

    MATCHED = "matched", _("Matched")
    UNMATCHED = "unmatched", _("Unmatched")
    AMBIGUOUS = "ambiguous", _("Ambiguous")
    REVIEW = "review", _("Needs review")
    RESOLVED = "resolved", _("Resolved by hand")
    IGNORED = "ignored", _("Set aside")


OPEN_SETTLEMENT_STATUSES = (SettlementStatus.UNMATCHED, SettlementStatus.AMBIGUOUS, SettlementStatus.REVIEW)
