"""E-parking at the city's parking locations (indicator 6, cashless society): the locations with their
tariff schemes, the operators' transaction logs, the daily summaries that pages and indicators read, and the
dates whose summaries must be rebuilt."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smarteconomy.numbers import RUPIAH

from .choices import PaymentMethod, TransactionStatus, VehicleClass

location_code_validator = RegexValidator(
    r"^[A-Z0-9_-]{2,20}$", _("Use 2 to 20 capital letters, digits, '-' or '_' (e.g. SEPINGGAN).")
)


class LocationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A parking operator sees its own locations; Bappeda and the administrators see all; others none."""
        from smarteconomy.choices import Role
        from smarteconomy.roles import sees_all_offices, user_role

        if sees_all_offices(user):
            return self
        if user_role(user) == Role.PARKING_OPERATOR:
            return self.filter(memberships__user=user)
        return self.none()


class ParkingLocation(models.Model):
    """A parking location whose operator hands over e-parking logs (e.g. Sepinggan Airport, Balikpapan
    Superblock)."""

    code = models.CharField(_("code"), max_length=20, unique=True, validators=[location_code_validator])
    name = models.CharField(_("name"), max_length=200)
    operator_name = models.CharField(_("operator"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # The reporting calendar (cashless.sources): a log is expected for every day from the first to the last.
    reporting_since = models.DateField(
        _("logs expected from"), null=True, blank=True, help_text=_("Empty: from the first day in its log.")
    )
    reporting_until = models.DateField(
        _("logs expected until"), null=True, blank=True, help_text=_("Empty while the location is in operation.")
    )

    objects = LocationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("parking location")
        verbose_name_plural = _("parking locations")

    def __str__(self):
        return f"{self.code}: {self.name}"


class TariffScheme(models.Model):
    """The tariff of a location during a validity period, with its legal reference (a Perda, Perwali or the
    operator's agreement with the city). Amounts in whole rupiah."""

    location = models.ForeignKey(
        ParkingLocation, on_delete=models.CASCADE, related_name="tariffs", verbose_name=_("location")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Empty while in force."))
    legal_reference = models.CharField(_("legal reference"), max_length=300)
    motorcycle_first_hour = models.PositiveIntegerField(_("motorcycle, first hour (Rp)"))
    motorcycle_next_hour = models.PositiveIntegerField(_("motorcycle, each further hour (Rp)"))
    car_first_hour = models.PositiveIntegerField(_("car, first hour (Rp)"))
    car_next_hour = models.PositiveIntegerField(_("car, each further hour (Rp)"))
    bus_first_hour = models.PositiveIntegerField(_("bus or goods vehicle, first hour (Rp)"))
    bus_next_hour = models.PositiveIntegerField(_("bus or goods vehicle, each further hour (Rp)"))
    daily_cap = models.PositiveIntegerField(_("daily maximum (Rp)"), null=True, blank=True)

    number_units = dict.fromkeys(
        (
            "motorcycle_first_hour",
            "motorcycle_next_hour",
            "car_first_hour",
            "car_next_hour",
            "bus_first_hour",
            "bus_next_hour",
            "daily_cap",
        ),
        RUPIAH,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["location", "-valid_from"]
        verbose_name = _("tariff scheme")
        verbose_name_plural = _("tariff schemes")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="tariff_scheme_valid_to_after_from",
            ),
            models.UniqueConstraint(fields=["location", "valid_from"], name="tariff_scheme_unique_start"),
        ]

    def __str__(self):
        return f"{self.location.code} {self.valid_from:%Y-%m-%d}–{self.valid_to or ''}"

    def clean(self):
        if self.location_id is None or self.valid_from is None:
            return
        others = TariffScheme.objects.filter(location_id=self.location_id).exclude(pk=self.pk)
        end = self.valid_to
        overlapping = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        if end is not None:
            overlapping = overlapping.filter(valid_from__lte=end)
        if overlapping.exists():
            raise ValidationError(_("Another tariff scheme of this location is valid during these dates."))


class OperatorMembership(models.Model):
    """Ties a parking-operator user (a person or the account behind an API token) to a location it may
    upload and read. A user with the parking-operator role and no membership sees nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="parking_memberships",
        verbose_name=_("user"),
    )
    location = models.ForeignKey(
        ParkingLocation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("location")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("operator membership")
        verbose_name_plural = _("operator memberships")
        constraints = [models.UniqueConstraint(fields=["user", "location"], name="operator_membership_unique")]

    def __str__(self):
        return f"{self.user} @ {self.location.code}"


class TransactionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(location__in=ParkingLocation.objects.visible_to(user))


class ParkingTransaction(models.Model):
    """One transaction of an operator's log, as the operator recorded it. Written only by the bulk import
    (cashless.ingest), never edited. ``business_date`` and ``business_hour`` are the WITA date and hour of
    the payment moment (the exit time, or the entry time when there is no exit), stored at import."""

    # No index of its own: the unique and the keyset index both start with the location. No database
    # constraint either: PostgreSQL checks a deferred foreign key row by row at commit (3 s of a 300,000-row
    # import); the import sets the location itself, and Django's PROTECT still refuses to delete a location
    # that has transactions.
    location = models.ForeignKey(
        ParkingLocation,
        on_delete=models.PROTECT,
        related_name="transactions",
        verbose_name=_("location"),
        db_index=False,
        db_constraint=False,
    )
    transaction_id = models.CharField(_("transaction id"), max_length=64)
    entry_time = models.DateTimeField(_("entry time"))
    exit_time = models.DateTimeField(_("exit time"), null=True, blank=True)
    vehicle_class = models.CharField(_("vehicle class"), max_length=12, choices=VehicleClass.choices)
    amount = models.BigIntegerField(_("amount (Rp)"))
    payment_method = models.CharField(_("payment method"), max_length=8, choices=PaymentMethod.choices)
    issuer = models.CharField(_("issuer"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=TransactionStatus.choices)
    failure_reason = models.CharField(_("failure reason"), max_length=200, blank=True)
    gate = models.CharField(_("gate or device"), max_length=60, blank=True)
    business_date = models.DateField(_("business date (WITA)"))
    business_hour = models.PositiveSmallIntegerField(_("hour (WITA)"))

    number_units = {"amount": RUPIAH}
    objects = TransactionQuerySet.as_manager()

    class Meta:
        verbose_name = _("parking transaction")
        verbose_name_plural = _("parking transactions")
        constraints = [
            # The business date is part of a transaction's identity: PostgreSQL partitions the log by it (by month,
            # cashless.partitions) and requires it in every unique key. The same id on another day is another
            # transaction.
            models.UniqueConstraint(
                fields=["location", "transaction_id", "business_date"], name="parking_tx_unique_per_location_day"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="parking_tx_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(business_hour__gte=0) & Q(business_hour__lte=23), name="parking_tx_hour_range"
            ),
        ]
        indexes = [
            # The raw-log list: one location, a date range, newest first, keyset on (date, entry, id).
            models.Index(fields=["location", "business_date", "entry_time", "id"], name="parking_tx_keyset"),
        ]

    def __str__(self):
        return self.transaction_id


class SummaryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(location__in=ParkingLocation.objects.visible_to(user))


class DailySummary(models.Model):
    """Transactions per location × business date × hour × method × vehicle class × status: the only table
    pages, the API and the indicators read. Rebuilt per dirty date by cashless.services."""

    location = models.ForeignKey(
        ParkingLocation,
        on_delete=models.CASCADE,
        related_name="summaries",
        verbose_name=_("location"),
        db_index=False,
    )
    business_date = models.DateField(_("business date (WITA)"))
    hour = models.PositiveSmallIntegerField(_("hour (WITA)"))
    payment_method = models.CharField(_("payment method"), max_length=8, choices=PaymentMethod.choices)
    vehicle_class = models.CharField(_("vehicle class"), max_length=12, choices=VehicleClass.choices)
    status = models.CharField(_("status"), max_length=8, choices=TransactionStatus.choices)
    count = models.PositiveIntegerField(_("transactions"))
    amount = models.BigIntegerField(_("amount (Rp)"))

    number_units = {"amount": RUPIAH}
    objects = SummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily summary")
        verbose_name_plural = _("daily summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["location", "business_date", "hour", "payment_method", "vehicle_class", "status"],
                name="parking_summary_unique_cell",
            )
        ]
        indexes = [models.Index(fields=["business_date", "location"], name="parking_summary_date")]

    def __str__(self):
        return f"{self.location_id} {self.business_date} {self.hour} {self.payment_method} {self.status}"


class DirtyDate(models.Model):
    """A business date of a location whose transactions changed since its summary was built."""

    location = models.ForeignKey(ParkingLocation, on_delete=models.CASCADE, related_name="+")
    business_date = models.DateField()
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("date to summarise")
        verbose_name_plural = _("dates to summarise")
        constraints = [models.UniqueConstraint(fields=["location", "business_date"], name="parking_dirty_unique")]

    def __str__(self):
        return f"{self.location_id} {self.business_date}"


class ParkingArchive(models.Model):
    """A month of the e-parking log archived out of the database (PostgreSQL; cashless.archive): its partition
    dumped with pg_dump, the dump's checksum and row count checked by a restore into a scratch schema, then
    dropped. The month's daily summaries stay. A restore attaches the month again, identical row for row."""

    class State(models.TextChoices):
        ARCHIVED = "archived", _("Archived")
        RESTORED = "restored", _("Restored")

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ARCHIVED)
    file = models.CharField(_("dump file"), max_length=300, help_text=_("Relative to PARKING_ARCHIVE_DIR."))
    sha256 = models.CharField(_("SHA-256 of the dump"), max_length=64)
    size = models.BigIntegerField(_("size (bytes)"))
    rows = models.BigIntegerField(_("rows"))
    archived_at = models.DateTimeField(_("archived at"))
    restored_at = models.DateTimeField(_("restored at"), null=True, blank=True)

    class Meta:
        verbose_name = _("archived month of the parking log")
        verbose_name_plural = _("archived months of the parking log")
        ordering = ["month"]

    def __str__(self):
        return f"{self.month:%Y-%m} ({self.get_state_display()})"
