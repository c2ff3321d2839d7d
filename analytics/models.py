"""GRDP (PDRB) by region, BPS sector, year and price basis, per release: the data behind indicator 1."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smarteconomy.models import Sector

from .choices import GrdpStatus, PriceBasis, RegionLevel, source_label

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


class GrdpRelease(models.Model):
    """One publication of GRDP figures (a vintage), e.g. "PDRB Kaltim 2024, rilis Juli 2025". Every import writes
    into one release; a newer release never replaces an older one's values: results read, for each region, sector,
    year and price basis, the value of the latest release that has one (or of the latest up to a chosen release).
    Releases are ordered by their date, then by their creation."""

    label = models.CharField(_("label"), max_length=200, unique=True)
    released_on = models.DateField(_("release date"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["released_on", "id"]
        verbose_name = _("GRDP release")
        verbose_name_plural = _("GRDP releases")

    def __str__(self):
        # A label the product wrote (the demo's source) in the reader's language, as its values' source is shown.
        return source_label(self.label)

    def get_absolute_url(self):
        return reverse("analytics:grdp_list") + "?" + urlencode({"release": self.pk})

    def up_to(self, prefix="release__"):
        """A filter of this release and the releases before it."""
        return Q(**{f"{prefix}released_on__lt": self.released_on}) | Q(
            **{f"{prefix}released_on": self.released_on, f"{prefix}id__lte": self.pk}
        )


class GrdpValue(models.Model):
    """One published GRDP figure: a region's value added in one sector, one year, at one price basis."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="grdp_values", verbose_name=_("region"))
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="grdp_values", verbose_name=_("sector"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    price_basis = models.CharField(_("price basis"), max_length=4, choices=PriceBasis.choices)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=30, default=DEFAULT_UNIT)
    source = models.CharField(_("source"), max_length=200, blank=True)
    release = models.ForeignKey(GrdpRelease, on_delete=models.PROTECT, related_name="values", verbose_name=_("release"))
    status = models.CharField(_("status"), max_length=16, choices=GrdpStatus.choices, default=GrdpStatus.FINAL)

    history = HistoricalRecords()

    class Meta:
        ordering = ["region__code", "year", "price_basis", "sector__order", "release__released_on", "release_id"]
        verbose_name = _("GRDP value")
        verbose_name_plural = _("GRDP values")
        constraints = [
            models.UniqueConstraint(
                fields=["release", "region", "sector", "year", "price_basis"], name="grdp_one_value_per_release"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="grdp_value_not_negative"),
        ]
        # The latest release of a key is looked up by the key (selectors.grdp_values): the unique constraint, led by
        # the release, does not serve that.
        indexes = [models.Index(fields=["region", "sector", "year", "price_basis"], name="grdp_key")]

    def __str__(self):
        return f"{self.region.code} {self.sector.code} {self.year} {self.price_basis}"

    def get_absolute_url(self):
        return reverse("analytics:grdp_detail", args=[self.pk])


class IndicatorBaseline(models.Model):
    """Where an indicator started: the value of a base year and its source. Set by Bappeda."""

    indicator_code = models.CharField(_("indicator"), max_length=80, unique=True)
    year = models.PositiveSmallIntegerField(
        _("base year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    source = models.CharField(_("source"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator_code"]
        verbose_name = _("indicator baseline")
        verbose_name_plural = _("indicator baselines")

    def __str__(self):
        return f"{self.indicator_code} {self.year}"

    def get_absolute_url(self):
        return reverse("analytics:indicator_detail", args=[self.indicator_code])

    @cached_property
    def shown_completeness(self):
        """The completeness with its texts in the reader's language (they are stored untranslated)."""
        from .registry import render_completeness

        return render_completeness(self.completeness)


class IndicatorTarget(models.Model):
    """The target of an indicator for one year. Set by Bappeda; every change is kept in the history."""

    indicator_code = models.CharField(_("indicator"), max_length=80)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=4)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator_code", "year"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [models.UniqueConstraint(fields=["indicator_code", "year"], name="target_one_per_year")]

    def __str__(self):
        return f"{self.indicator_code} {self.year}"

    def get_absolute_url(self):
        return reverse("analytics:indicator_detail", args=[self.indicator_code])

    @cached_property
    def shown_completeness(self):
        """The completeness with its texts in the reader's language (they are stored untranslated)."""
        from .registry import render_completeness

        return render_completeness(self.completeness)


class IndicatorSnapshot(models.Model):
    """An indicator's computed value for one period, as the nightly recompute left it. Pages read these only.

    Derived data: it is recomputed from the records, which carry their own history."""

    indicator_code = models.CharField(_("indicator"), max_length=80)
    pillar = models.CharField(_("pillar"), max_length=30)
    period = models.CharField(_("period"), max_length=7)
    period_start = models.DateField(_("period start"))
    value = models.FloatField(_("value"), null=True, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    achievement = models.FloatField(_("achievement (%)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20)
    completeness = models.JSONField(_("completeness"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    task_run = models.ForeignKey(
        "smarteconomy.TaskRun", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("task run")
    )

    class Meta:
        ordering = ["indicator_code", "period_start"]
        verbose_name = _("indicator snapshot")
        verbose_name_plural = _("indicator snapshots")
        constraints = [models.UniqueConstraint(fields=["indicator_code", "period"], name="snapshot_one_per_period")]
        indexes = [models.Index(fields=["pillar", "indicator_code", "period_start"])]
        permissions = [("recompute_indicators", _("Can queue a recompute of the scorecard"))]

    def __str__(self):
        return f"{self.indicator_code} {self.period}"

    def get_absolute_url(self):
        return reverse("analytics:indicator_detail", args=[self.indicator_code])

    @cached_property
    def shown_completeness(self):
        """The completeness with its texts in the reader's language (they are stored untranslated)."""
        from .registry import render_completeness

        return render_completeness(self.completeness)


class IndicatorSnapshotHistory(models.Model):
    """One change of a snapshot's value (or its creation), written by the recompute that made it: the history the
    snapshot itself does not keep, since each recompute overwrites it."""

    indicator_code = models.CharField(_("indicator"), max_length=80)
    period = models.CharField(_("period"), max_length=7)
    created = models.BooleanField(_("first computation"), default=False)
    old_value = models.FloatField(_("old value"), null=True, blank=True)
    new_value = models.FloatField(_("new value"), null=True, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20)
    completeness = models.JSONField(_("completeness"), default=dict)
    changed_at = models.DateTimeField(_("changed at"))
    task_run = models.ForeignKey(
        "smarteconomy.TaskRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("task run"),
    )

    class Meta:
        ordering = ["indicator_code", "period", "changed_at", "id"]
        verbose_name = _("indicator value change")
        verbose_name_plural = _("indicator value changes")
        indexes = [models.Index(fields=["indicator_code", "changed_at"])]

    def __str__(self):
        return f"{self.indicator_code} {self.period} {self.changed_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("analytics:indicator_detail", args=[self.indicator_code])


class FrozenError(Exception):
    """An edition (or one of its entries) was about to be changed: a published edition never changes."""


class ScorecardEdition(models.Model):
    """A published edition of the scorecard for one period: the snapshots of that moment, frozen in its entries,
    with the SHA-256 of their canonical JSON (analytics.editions). Written once by ``editions.publish``; never
    updated, so that its reports can be produced again with the same content."""

    title = models.CharField(_("title"), max_length=200)
    period = models.CharField(_("period"), max_length=7)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    # The publisher's name as it was: the reports print it, and a later rename must not change them.
    published_by_name = models.CharField(_("published by (name)"), max_length=200)
    published_at = models.DateTimeField(_("published at"))
    data_as_of = models.DateTimeField(_("data as of"), null=True, blank=True)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("scorecard edition")
        verbose_name_plural = _("scorecard editions")
        constraints = [models.UniqueConstraint(fields=["title", "period"], name="edition_one_title_per_period")]
        permissions = [("publish_edition", _("Can publish an edition of the scorecard"))]

    def __str__(self):
        return f"{self.title} ({self.period})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise FrozenError(f"Edition {self.pk} is published and cannot be changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("analytics:edition_detail", args=[self.pk])


class EditionEntry(models.Model):
    """One indicator of an edition, copied from its snapshot at publication (texts stored untranslated, as the
    snapshots' completeness is: the pages translate them)."""

    edition = models.ForeignKey(
        ScorecardEdition, on_delete=models.CASCADE, related_name="entries", verbose_name=_("edition")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    indicator_code = models.CharField(_("indicator"), max_length=80)
    name = models.CharField(_("name"), max_length=300)
    pillar = models.CharField(_("pillar"), max_length=30)
    unit = models.CharField(_("unit"), max_length=20)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=0)
    direction = models.CharField(_("direction"), max_length=10)
    period = models.CharField(_("period"), max_length=7, blank=True)  # blank: no snapshot for the period
    value = models.FloatField(_("value"), null=True, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    achievement = models.FloatField(_("achievement (%)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20)
    completeness = models.JSONField(_("completeness"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    trend = models.JSONField(_("trend"), default=list)  # [[period, value, target]] up to the entry's period

    class Meta:
        ordering = ["edition", "position"]
        verbose_name = _("edition entry")
        verbose_name_plural = _("edition entries")
        constraints = [
            models.UniqueConstraint(fields=["edition", "indicator_code"], name="edition_entry_one_per_indicator")
        ]

    def __str__(self):
        return f"{self.edition_id} {self.indicator_code} {self.period}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise FrozenError(f"Entry {self.pk} of a published edition cannot be changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("analytics:edition_detail", args=[self.edition_id])

    @cached_property
    def shown_completeness(self):
        from .registry import render_completeness

        return render_completeness(self.completeness)
