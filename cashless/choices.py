"""Codes of the e-parking logs. The values are the codes of the operators' CSV files and of the API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VehicleClass(models.TextChoices):
    MOTORCYCLE = "motorcycle", _("Motorcycle")
    CAR = "car", _("Car")
    BUS = "bus", _("Bus or goods vehicle")
    OTHER = "other", _("Other vehicle")


class PaymentMethod(models.TextChoices):
    QRIS = "qris", "QRIS"
    EMONEY = "emoney", _("E-money card")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other method")


class TransactionStatus(models.TextChoices):
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    VOIDED = "voided", _("Voided")


# QRIS and e-money cards are the cashless methods of the indicator; "other" is neither counted as cash nor
# as cashless in the share's numerator.
CASHLESS_METHODS = (PaymentMethod.QRIS.value, PaymentMethod.EMONEY.value)
