"""GRDP (PDRB) by region, BPS sector, year and price basis: the data behind indicator 1."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smarteconomy.models import Sector

from .choices import PriceBasis, RegionLevel

DEFAULT_UNIT = "juta rupiah"


class Region(models.Model):
    """A region whose GRDP is recorded: Kota Balikpapan, the reference province, or others
    (Kemendagri code: 64 province, 64.71 kota; 00 for Indonesia)."""

    code = models.CharField(
        _("Kemendagri code"),
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^\d{2}(\.\d{2})?$", _("Use a Kemendagri code: 64 or 64.71."))],
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("analytics:region_detail", args=[self.pk])


class GrdpValue(models.Model):
    """One published GRDP figure: a region's value added in one sector, one year, at one price basis."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="grdp_values", verbose_name=_("region"))
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="grdp_values", verbose_name=_("sector"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    price_basis = models.CharField(_("price basis"), max_length=4, choices=PriceBasis.choices)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=30, default=DEFAULT_UNIT)
    source = models.CharField(_("source / vintage"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["region__code", "year", "price_basis", "sector__order"]
        verbose_name = _("GRDP value")
        verbose_name_plural = _("GRDP values")
        constraints = [
            models.UniqueConstraint(fields=["region", "sector", "year", "price_basis"], name="grdp_one_value_per_key"),
            models.CheckConstraint(condition=Q(value__gte=0), name="grdp_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.region.code} {self.sector.code} {self.year} {self.price_basis}"

    def get_absolute_url(self):
        return reverse("analytics:grdp_detail", args=[self.pk])
