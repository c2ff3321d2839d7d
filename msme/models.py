"""The records of indicators 4 and 5, all kept by DKUMKMP: the MSME registry, the Sobat UMKM marketplace
listings, the digital-skills trainings with their participants, and the SME Center outlet's consignments and
payouts. Writes go through msme.services."""

from django.conf import settings
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smarteconomy.choices import Role
from smarteconomy.models import Kelurahan, OfficeScopedQuerySet
from smarteconomy.numbers import DAYS, PEOPLE, PERCENT, POINTS, RUPIAH

from .choices import BusinessCategory, MsmeStatus, OutletMovementKind, ParticipantStatus, PayoutMethod, Scale
from .validators import nib_validator, validate_image_size, validate_nik, validate_phone

MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class DkumkmpQuerySet(OfficeScopedQuerySet):
    """Every MSME, marketplace, training and outlet record belongs to DKUMKMP."""

    owner_office = Role.DKUMKMP


class Msme(models.Model):
    """A micro, small or medium enterprise in the city's registry. ``name_key`` is the normalized name used
    by the duplicate check (msme.duplicates); ``phone`` is stored as digits in the domestic form."""

    name = models.CharField(_("business name"), max_length=200)
    name_key = models.CharField(_("normalized name"), max_length=200, editable=False, db_index=True)
    owner_name = models.CharField(_("owner"), max_length=200)
    owner_nik = models.CharField(_("owner NIK"), max_length=16, validators=[validate_nik], db_index=True)
    nib = models.CharField(_("NIB"), max_length=13, blank=True, validators=[nib_validator], db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone], db_index=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    kelurahan = models.ForeignKey(Kelurahan, on_delete=models.PROTECT, related_name="+", verbose_name=_("kelurahan"))
    business_category = models.CharField(_("business category"), max_length=20, choices=BusinessCategory.choices)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, default=Scale.MICRO)
    registered_on = models.DateField(_("registration date"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=MsmeStatus.choices, default=MsmeStatus.ACTIVE)
    qris_since = models.DateField(
        _("accepts QRIS since"), null=True, blank=True, help_text=_("Empty while the MSME takes no digital payment.")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    # Free text that may quote a NIK or phone number: masked for other offices (smarteconomy.roles.free_text_for).
    free_text_fields = ("address",)
    history = HistoricalRecords(excluded_fields=["name_key"])
    objects = DkumkmpQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = _("MSME")
        verbose_name_plural = _("MSMEs")
        indexes = [
            models.Index(fields=["kelurahan", "name_key"]),
            models.Index(fields=["status", "registered_on"]),
            # The registry sorted by name (keyset pages: name, then id) without sorting the whole registry.
            models.Index(fields=["name", "id"], name="msme_name_keyset_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("msme:msme_detail", args=[self.pk])


class MarketplaceCategory(models.Model):
    """One of the Sobat UMKM marketplace's product categories (38 in the study)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    history = HistoricalRecords()
    objects = DkumkmpQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("marketplace category")
        verbose_name_plural = _("marketplace categories")

    def __str__(self):
        return self.name


class Listing(models.Model):
    """A product of an MSME on the Sobat UMKM marketplace. Delisting keeps the row (inactive, with its date)."""

    msme = models.ForeignKey(Msme, on_delete=models.PROTECT, related_name="listings", verbose_name=_("MSME"))
    external_id = models.CharField(_("marketplace product id"), max_length=40, unique=True, null=True, blank=True)
    product_name = models.CharField(_("product"), max_length=200)
    category = models.ForeignKey(
        MarketplaceCategory, on_delete=models.PROTECT, related_name="listings", verbose_name=_("category")
    )
    price = models.DecimalField(_("price (Rp)"), **MONEY)
    photo = models.ImageField(
        _("photo"),
        upload_to="listings/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"]), validate_image_size],
    )
    active = models.BooleanField(_("active"), default=True)
    listed_on = models.DateField(_("listed on"))
    delisted_on = models.DateField(_("delisted on"), null=True, blank=True)

    number_units = {"price": RUPIAH}
    history = HistoricalRecords()
    objects = DkumkmpQuerySet.as_manager()

    class Meta:
        ordering = ["-listed_on", "-id"]
        verbose_name = _("marketplace listing")
        verbose_name_plural = _("marketplace listings")
        constraints = [
            models.CheckConstraint(
                condition=Q(delisted_on__isnull=True) | Q(delisted_on__gte=F("listed_on")),
                name="listing_delisted_after_listed",
            ),
            models.CheckConstraint(
                condition=Q(delisted_on__isnull=True) | Q(active=False), name="listing_delisted_is_inactive"
            ),
        ]
        indexes = [models.Index(fields=["active", "msme"])]

    def __str__(self):
        return self.product_name

    def get_absolute_url(self):
        return reverse("msme:listing_detail", args=[self.pk])


class Training(models.Model):
    """A digital-skills training for MSMEs run with a partner, with a quota, a budget and the weights of the
    priority score used to select applicants (see msme.training)."""

    title = models.CharField(_("title"), max_length=200)
    partner = models.CharField(_("partner"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    topics = models.TextField(_("topics"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    quota = models.PositiveIntegerField(_("quota"), validators=[MinValueValidator(1)])
    budget = models.DecimalField(_("budget (Rp)"), **MONEY, default=0)
    realized_cost = models.DecimalField(_("realized cost (Rp)"), null=True, blank=True, **MONEY)
    weight_never_trained = models.PositiveSmallIntegerField(_("weight: never trained before"), default=40)
    weight_no_digital_payment = models.PositiveSmallIntegerField(_("weight: no digital payment yet"), default=30)
    weight_kecamatan_equity = models.PositiveSmallIntegerField(_("weight: kecamatan equity"), default=20)
    weight_has_products = models.PositiveSmallIntegerField(_("weight: has products"), default=10)
    follow_up_days = models.PositiveSmallIntegerField(
        _("follow-up window (days)"),
        default=30,
        help_text=_(
            "An outcome (QRIS adopted, listed on the marketplace) counts when it happens within this many days after the training."
        ),
    )

    number_units = {
        "quota": PEOPLE,
        "budget": RUPIAH,
        "realized_cost": RUPIAH,
        "follow_up_days": DAYS,
        **dict.fromkeys(
            ("weight_never_trained", "weight_no_digital_payment", "weight_kecamatan_equity", "weight_has_products"),
            POINTS,
        ),
    }
    history = HistoricalRecords()
    objects = DkumkmpQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="training_ends_after_start"),
            models.CheckConstraint(condition=Q(quota__gte=1), name="training_quota_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("msme:training_detail", args=[self.pk])


class TrainingParticipant(models.Model):
    """An MSME that applied to a training: its priority score (with the parts that make it), its place
    (selected or waitlisted), attendance and the outcomes followed up afterwards."""

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="participants", verbose_name=_("training")
    )
    msme = models.ForeignKey(Msme, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("MSME"))
    status = models.CharField(
        _("status"), max_length=12, choices=ParticipantStatus.choices, default=ParticipantStatus.APPLIED
    )
    applied_at = models.DateTimeField(_("applied at"))
    priority_score = models.DecimalField(_("priority score"), max_digits=7, decimal_places=2, null=True, blank=True)
    score_details = models.JSONField(_("score details"), default=dict, blank=True)
    attended = models.BooleanField(_("attended"), default=False)
    qris_adopted_on = models.DateField(_("adopted QRIS on"), null=True, blank=True)

    history = HistoricalRecords()
    objects = DkumkmpQuerySet.as_manager()

    class Meta:
        ordering = ["training", "-priority_score", "applied_at", "id"]
        verbose_name = _("training participant")
        verbose_name_plural = _("training participants")
        constraints = [
            models.UniqueConstraint(fields=["training", "msme"], name="participant_once_per_training"),
            models.CheckConstraint(
                condition=Q(attended=False) | Q(status="selected"), name="participant_attended_only_if_selected"
            ),
        ]

    def __str__(self):
        return f"{self.msme} · {self.training}"


class OutletProduct(models.Model):
    """A product an MSME consigns to the SME Center outlet at the airport, with its selling price and the
    outlet's commission."""

    msme = models.ForeignKey(Msme, on_delete=models.PROTECT, related_name="outlet_products", verbose_name=_("MSME"))
    name = models.CharField(_("product"), max_length=200)
    unit_price = models.DecimalField(_("selling price (Rp)"), **MONEY)
    commission_percent = models.DecimalField(
        _("outlet commission (%)"),
        max_digits=5,
        decimal_places=2,
        default=10,
        validators=[MinValueValidator(0)],
    )

    number_units = {"unit_price": RUPIAH, "commission_percent": PERCENT}
    history = HistoricalRecords()
    objects = DkumkmpQuerySet.as_manager()

    class Meta:
        ordering = ["msme__name", "name"]
        verbose_name = _("outlet product")
        verbose_name_plural = _("outlet products")
        constraints = [
            models.UniqueConstraint(fields=["msme", "name"], name="outlet_product_unique_per_msme"),
            models.CheckConstraint(condition=Q(commission_percent__lte=100), name="outlet_commission_at_most_100"),
        ]

    def __str__(self):
        return f"{self.name} ({self.msme})"

    def get_absolute_url(self):
        return reverse("msme:outlet_product_detail", args=[self.pk])


class OutletMovement(models.Model):
    """Goods in (intake), sold, or returned to the owner. A sale keeps the price and commission of its day."""

    product = models.ForeignKey(
        OutletProduct, on_delete=models.PROTECT, related_name="movements", verbose_name=_("product")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=OutletMovementKind.choices)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    on = models.DateField(_("date"), db_index=True)
    unit_price = models.DecimalField(_("unit price (Rp)"), **MONEY)
    commission_percent = models.DecimalField(_("commission (%)"), max_digits=5, decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    number_units = {"unit_price": RUPIAH, "commission_percent": PERCENT}
    history = HistoricalRecords()
    free_text_fields = ("note",)  # an officer's words about goods in or out: may quote a NIK or phone number
    objects = DkumkmpQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("outlet movement")
        verbose_name_plural = _("outlet movements")
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="outlet_movement_quantity_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity} × {self.product}"


class OutletPayout(models.Model):
    """The monthly digital payment to an owner of what the outlet sold for them (after commission)."""

    msme = models.ForeignKey(Msme, on_delete=models.PROTECT, related_name="outlet_payouts", verbose_name=_("MSME"))
    month = models.DateField(_("sales month"), help_text=_("The first day of the month whose sales are paid."))
    amount = models.DecimalField(_("amount (Rp)"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=10, choices=PayoutMethod.choices)
    reference = models.CharField(_("payment reference"), max_length=60, unique=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    number_units = {"amount": RUPIAH}
    history = HistoricalRecords()
    objects = DkumkmpQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "msme__name"]
        verbose_name = _("outlet payout")
        verbose_name_plural = _("outlet payouts")
        constraints = [
            models.UniqueConstraint(fields=["msme", "month"], name="outlet_payout_once_per_month"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="outlet_payout_positive"),
        ]

    def __str__(self):
        return f"{self.reference} ({self.msme})"
