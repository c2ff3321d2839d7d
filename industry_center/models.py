"""The SIKS Somber small-industry centre run by DKUMKMP: production houses, tenants and their tenancies, the
monthly levy bills (SKRD) and arrears bills (STRD), payments, and the rows of the bank's QRIS settlement files:
the records behind indicator 3. Every write goes through industry_center.services."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smarteconomy.choices import Role
from smarteconomy.models import ImportBatch, OfficeScopedQuerySet
from smarteconomy.numbers import RUPIAH
from smarteconomy.texts import render_text

from .choices import BillKind, BillStatus, Commodity, EquipmentLevel, PaymentChannel, SettlementStatus

nib_validator = RegexValidator(r"^\d{13}$", _("An NIB has exactly 13 digits."))
phone_validator = RegexValidator(r"^(\+62|0)\d{8,13}$", _("Write the phone number as 08… or +628…, digits only."))


class DkumkmpQuerySet(OfficeScopedQuerySet):
    """Every industry-centre record belongs to DKUMKMP."""

    owner_office = Role.DKUMKMP


class Centre(models.Model):
    """A small-industry centre (sentra), with the city's static QRIS into which its tenants pay the levy."""

    code = models.CharField(
        _("code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9]{2,6}$", _("2 to 6 capital letters or digits, e.g. SIKS."))],
        help_text=_("Part of every bill number, e.g. SIKS."),
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    static_qris = models.TextField(_("static QRIS payload"), blank=True)
    merchant_id = models.CharField(_("QRIS merchant ID"), max_length=99, blank=True, db_index=True, editable=False)

    history = HistoricalRecords()
    objects = DkumkmpQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("industry centre")
        verbose_name_plural = _("industry centres")

    def __str__(self):
        return self.name


class ProductionHouse(models.Model):
    """One production house (rumah produksi) of a centre."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="houses", verbose_name=_("centre"))
    unit_code = models.CharField(_("unit code"), max_length=20)
    commodity = models.CharField(_("commodity"), max_length=10, choices=Commodity.choices)
    equipment_level = models.CharField(_("equipment"), max_length=12, choices=EquipmentLevel.choices)
    upgrade_notes = models.TextField(_("upgrade or subsidy notes"), blank=True)
    active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()
    objects = DkumkmpQuerySet.as_manager()

    class Meta:
        ordering = ["centre", "unit_code"]
        verbose_name = _("production house")
        verbose_name_plural = _("production houses")
        constraints = [models.UniqueConstraint(fields=["centre", "unit_code"], name="house_unit_code_unique")]

    def __str__(self):
        return self.unit_code

    def get_absolute_url(self):
        return reverse("industry_center:house_detail", args=[self.pk])


class Tenant(models.Model):
    """A small business renting a production house. (To be linked to the MSME registry once it exists.)"""

    name = models.CharField(_("business name"), max_length=200)
    owner_name = models.CharField(_("owner"), max_length=200)
    nib = models.CharField(_("NIB"), max_length=13, blank=True, validators=[nib_validator])
    phone = models.CharField(_("phone"), max_length=16, blank=True, validators=[phone_validator])
    notes = models.TextField(_("notes"), blank=True)

    # Free text that may quote a NIK or phone number: masked for other offices (smarteconomy.roles.free_text_for).
    free_text_fields = ("notes",)
    history = HistoricalRecords()
    objects = DkumkmpQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("industry_center:tenant_detail", args=[self.pk])


class Tenancy(models.Model):
    """A tenant's use of a production house from ``start`` to ``end`` (open-ended when empty), with the monthly
    levy in Rupiah. A house has at most one tenancy at a time (checked by the service)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="tenancies", verbose_name=_("tenant"))
    house = models.ForeignKey(
        ProductionHouse, on_delete=models.PROTECT, related_name="tenancies", verbose_name=_("production house")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    monthly_levy = models.PositiveBigIntegerField(_("monthly levy (Rp)"), validators=[MinValueValidator(1)])

    number_units = {"monthly_levy": RUPIAH}
    history = HistoricalRecords()
    objects = DkumkmpQuerySet.as_manager()

    class Meta:
        ordering = ["house__unit_code", "-start"]
        verbose_name = _("tenancy")
        verbose_name_plural = _("tenancies")
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="tenancy_end_after"),
            models.CheckConstraint(condition=Q(monthly_levy__gte=1), name="tenancy_levy_positive"),
        ]

    def __str__(self):
        return f"{self.tenant} – {self.house}"


class LevyBill(models.Model):
    """A levy bill: the monthly SKRD of a tenancy (one per tenancy and month, enforced by the database; a cancelled
    one does not count, so the month can be billed again), or an
    STRD for the late interest of an overdue SKRD. Amounts in whole Rupiah."""

    number = models.CharField(_("bill number"), max_length=25, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=BillKind.choices, default=BillKind.MONTHLY)
    tenancy = models.ForeignKey(Tenancy, on_delete=models.PROTECT, related_name="bills", verbose_name=_("tenancy"))
    period = models.DateField(_("period"), help_text=_("The first day of the billed month."))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"), validators=[MinValueValidator(1)])
    issued_on = models.DateField(_("issued on"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=BillStatus.choices, default=BillStatus.ISSUED)
    paid_amount = models.PositiveBigIntegerField(_("paid (Rp)"), default=0)
    paid_on = models.DateField(_("paid in full on"), null=True, blank=True)
    arrears_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrears_bill",
        verbose_name=_("arrears of"),
    )
    cancel_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    number_units = {"amount": RUPIAH, "paid_amount": RUPIAH}
    free_text_fields = ("cancel_reason",)  # a person's words: may quote a NIK or phone number
    history = HistoricalRecords()
    objects = DkumkmpQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "number"]
        verbose_name = _("levy bill")
        verbose_name_plural = _("levy bills")
        constraints = [
            models.UniqueConstraint(
                fields=["tenancy", "period"],
                condition=Q(kind="monthly") & ~Q(status="cancelled"),
                name="one_monthly_bill_per_tenancy_period",
            ),
            models.CheckConstraint(condition=Q(amount__gte=1), name="bill_amount_positive"),
            models.CheckConstraint(condition=Q(paid_amount__lte=F("amount")), name="bill_not_overpaid"),
            models.CheckConstraint(condition=Q(due_date__gte=F("issued_on")), name="bill_due_after_issue"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="bill_cancel_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(kind="monthly", arrears_of__isnull=True) | Q(kind="arrears", arrears_of__isnull=False),
                name="bill_arrears_link",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("industry_center:bill_detail", args=[self.pk])

    @property
    def outstanding(self):
        return 0 if self.status == BillStatus.CANCELLED else self.amount - self.paid_amount


class Payment(models.Model):
    """Money received for a bill. A QRIS payment carries the RRN, a transfer the bank reference; the same
    reference is never recorded twice on one channel."""

    bill = models.ForeignKey(LevyBill, on_delete=models.PROTECT, related_name="payments", verbose_name=_("bill"))
    channel = models.CharField(_("channel"), max_length=10, choices=PaymentChannel.choices)
    amount = models.PositiveBigIntegerField(_("amount (Rp)"), validators=[MinValueValidator(1)])
    paid_at = models.DateTimeField(_("paid at"))
    reference = models.CharField(_("reference (RRN / bank reference)"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    number_units = {"amount": RUPIAH}
    free_text_fields = ("note",)  # an officer's words about a payment: may quote a NIK or phone number
    history = HistoricalRecords()
    objects = DkumkmpQuerySet.as_manager()

    class Meta:
        ordering = ["-paid_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "reference"], condition=~Q(reference=""), name="payment_reference_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=1), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(channel="cash") | ~Q(reference=""), name="payment_cashless_has_reference"
            ),
        ]

    def __str__(self):
        return f"{self.bill} {self.get_channel_display()} {self.amount}"


class SettlementRow(models.Model):
    """One transaction of the bank's QRIS settlement file and what became of it. The RRN is unique, so
    importing the same file again matches nothing twice."""

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("import")
    )
    row_number = models.PositiveIntegerField(_("row"), null=True, blank=True)
    transaction_at = models.DateTimeField(_("transaction time"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    rrn = models.CharField(_("RRN"), max_length=64, unique=True)
    bill_number = models.CharField(_("bill number in the QRIS"), max_length=25, blank=True)
    merchant_id = models.CharField(_("merchant ID"), max_length=99)
    payer = models.CharField(_("payer"), max_length=200, blank=True)
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("centre"))
    status = models.CharField(_("status"), max_length=10, choices=SettlementStatus.choices, db_index=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # The matcher's reason kept untranslated (smarteconomy.texts) so that it reads in each reader's language;
    # empty when the reason is a person's own words (set aside) or the row predates it.
    reason_text = models.JSONField(_("reason (as a text)"), default=dict, blank=True, editable=False)
    candidates = models.ManyToManyField(LevyBill, blank=True, related_name="+", verbose_name=_("candidate bills"))
    payment = models.OneToOneField(
        Payment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlement_row",
        verbose_name=_("payment"),
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    number_units = {"amount": RUPIAH}
    plain_numbers = ("row_number",)
    free_text_fields = ("payer", "reason")  # a payer's name, a person's reason: may quote a NIK or phone number
    history = HistoricalRecords()
    objects = DkumkmpQuerySet.as_manager()

    class Meta:
        ordering = ["-transaction_at", "-id"]
        verbose_name = _("QRIS settlement row")
        verbose_name_plural = _("QRIS settlement rows")

    def __str__(self):
        return self.rrn

    def get_absolute_url(self):
        return reverse("industry_center:settlement_detail", args=[self.pk])

    def get_reason_display(self):
        """The reason in the active language: the matcher's, translated; a person's, as typed."""
        return render_text(self.reason_text) if self.reason_text else self.reason
