from django.db import models
from django.utils.translation import gettext_lazy as _


class PriceBasis(models.TextChoices):
    ADHK = "ADHK", _("ADHK: constant 2010 prices")
    ADHB = "ADHB", _("ADHB: current prices")


class RegionLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    REGENCY = "regency", _("Regency (kabupaten)")
    CITY = "city", _("City (kota)")
