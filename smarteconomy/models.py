"""Shared models: users, Kemendagri and BPS reference data, and the logs of imports, exports and tasks."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import ExportFormat, ExportJobStatus, HolidayKind, ImportStatus, ReportingStatus, Role, TaskStatus
from .logs import mask_personal_data


class User(AbstractUser):
    """A person who logs in. The role is the Django group named after it (see smarteconomy.roles)."""

    # The language the user last chose with the language switch: their e-mails are written in it (empty: Indonesian).
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def role(self):
        from .roles import user_role

        return user_role(self)


class ApiToken(models.Model):
    """A key with which an account uses the API (``Authorization: Token <key>``): an open-data portal, a parking
    operator. Only the key's SHA-256 digest is stored, and its first characters to tell keys apart; the key itself is
    shown once, when an administrator creates it (smarteconomy.tokens)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("What the key is for, e.g. the portal."))
    prefix = models.CharField(_("key begins with"), max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["digest"])  # who created and who deleted which token

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"


class Kecamatan(models.Model):
    """A district (kecamatan) of Kota Balikpapan, with its Kemendagri code (64.71.xx)."""

    code = models.CharField(
        _("Kemendagri code"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^64\.71\.\d{2}$", _("Use the Kemendagri code 64.71.NN."))],
    )
    name = models.CharField(_("name"), max_length=100, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reference:kecamatan_detail", args=[self.pk])


class Kelurahan(models.Model):
    """A village-level area (kelurahan) of Balikpapan, with its Kemendagri code and postal code."""

    code = models.CharField(
        _("Kemendagri code"),
        max_length=13,
        unique=True,
        validators=[RegexValidator(r"^64\.71\.\d{2}\.\d{4}$", _("Use the Kemendagri code 64.71.NN.NNNN."))],
    )
    name = models.CharField(_("name"), max_length=100)
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="kelurahan", verbose_name=_("kecamatan")
    )
    postal_code = models.CharField(
        _("postal code"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("A postal code has 5 digits."))],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "name"], name="kelurahan_unique_name_per_kecamatan"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reference:kelurahan_detail", args=[self.pk])


class Sector(models.Model):
    """One of the 17 BPS GRDP (PDRB) sectors by business field (lapangan usaha), KBLI 2020 letters."""

    code = models.CharField(_("BPS code"), max_length=4, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    label_in_paper = models.CharField(_("label in the source study"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]
        verbose_name = _("BPS sector")
        verbose_name_plural = _("BPS sectors")

    def __str__(self):
        return f"{self.code}. {self.name}"

    def get_absolute_url(self):
        return reverse("reference:sector_detail", args=[self.pk])

    @property
    def name(self):
        return self.name_en if (get_language() or "id").startswith("en") else self.name_id


class PublicHoliday(models.Model):
    """A day the city's offices are closed (national holiday or cuti bersama): service levels counted in
    working days skip it. Maintained by the administrators, imported from the yearly SKB list."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=HolidayKind.choices, default=HolidayKind.NATIONAL)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class OfficeScopedQuerySet(models.QuerySet):
    """Rows owned by an office: an office sees its own, Bappeda and the administrators see all.

    Rows carry their office in ``office_field``; a model whose rows all belong to one office sets
    ``owner_office`` instead."""

    office_field = "office"
    owner_office = None

    def visible_to(self, user):
        from .roles import sees_all_offices, user_role

        if sees_all_offices(user):
            return self
        role = user_role(user)
        if role is None:
            return self.none()
        if self.owner_office is not None:
            return self if role == self.owner_office else self.none()
        return self.filter(**{self.office_field: role})


class ImportBatchQuerySet(OfficeScopedQuerySet):
    """Import batches of an office. Parking operators are separate companies sharing one role: each sees
    only the batches it uploaded itself."""

    PER_USER_ROLES = frozenset({Role.PARKING_OPERATOR})

    def visible_to(self, user):
        from .roles import user_role

        if user_role(user) in self.PER_USER_ROLES:
            return self.filter(office=user_role(user), uploaded_by=user)
        return super().visible_to(user)


class ImportBatch(models.Model):
    """One upload of a file through the shared importer, whatever its outcome."""

    importer = models.CharField(_("import type"), max_length=50, db_index=True)
    office = models.CharField(_("office"), max_length=20, choices=Role.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_batches",
        verbose_name=_("uploaded by"),
    )
    source = models.CharField(_("source"), max_length=20, default="web")
    # The name as uploaded: it may hold a NIK or a phone number, so the pages show it in full to the uploading
    # office only (``name_for``); the file is stored under a random name (importing.base._stored_name).
    original_name = models.CharField(_("file name"), max_length=255)
    # The same name with NIKs and phone numbers masked, kept for the search of the roles that see it masked.
    masked_name = models.CharField(_("file name (masked)"), max_length=255, blank=True, editable=False)
    file = models.FileField(_("stored file"), upload_to="imports/%Y/%m/", blank=True)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices)
    rows_total = models.PositiveIntegerField(_("rows in file"), default=0)
    rows_created = models.PositiveIntegerField(_("rows created"), default=0)
    rows_updated = models.PositiveIntegerField(_("rows updated"), default=0)
    errors_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("error report"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self):
        # Masked: the admin's recent actions and any other place that prints the batch are not the office's own.
        return f"#{self.pk} {self.masked_name or mask_personal_data(self.original_name)}"

    def save(self, *args, **kwargs):
        self.masked_name = mask_personal_data(self.original_name)[:255]
        if kwargs.get("update_fields") is not None and "original_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "masked_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("imports:batch_detail", args=[self.pk])

    def name_for(self, user):
        """The file name as ``user`` may see it: in full for the uploading office, masked for every other."""
        from .roles import can_see_personal_data

        if can_see_personal_data(user, self.office):
            return self.original_name
        return self.masked_name or mask_personal_data(self.original_name)

    def title_for(self, user):
        return f"#{self.pk} {self.name_for(user)}"

    def file_visible_to(self, user):
        """The stored file holds the rows as uploaded, personal data unmasked: the uploading office only."""
        from .roles import can_see_personal_data

        return can_see_personal_data(user, self.office)

    def get_importer_display(self):
        """The import type by its name in the active language ("MSME registry", not the code "msmes")."""
        from .importing.base import UnknownImporter, get_importer

        try:
            return str(get_importer(self.importer).label or self.importer)
        except UnknownImporter:
            return self.importer  # an importer removed since

    def get_message_display(self):
        """The outcome in the reader's language. A valid or imported file's outcome is said again from the
        counts (the stored message is in the uploader's language); a refusal quotes the file and is kept."""
        if self.status == ImportStatus.COMMITTED:
            unchanged = max(self.rows_total - self.rows_created - self.rows_updated, 0)
            return ngettext(
                "%(count)d row imported: %(created)d new, %(updated)d updated, %(unchanged)d already there unchanged.",
                "%(count)d rows imported: %(created)d new, %(updated)d updated, %(unchanged)d already there unchanged.",
                self.rows_total,
            ) % {
                "count": self.rows_total,
                "created": self.rows_created,
                "updated": self.rows_updated,
                "unchanged": unchanged,
            }
        if self.status == ImportStatus.VALIDATED:
            return ngettext(
                "The %(count)d row is valid. Nothing was written (dry run).",
                "All %(count)d rows are valid. Nothing was written (dry run).",
                self.rows_total,
            ) % {"count": self.rows_total}
        return self.message


class ExportLog(models.Model):
    """One export of a list page (CSV or XLSX), with the filters that selected its rows."""

    list_name = models.CharField(_("list"), max_length=100)
    office = models.CharField(_("office"), max_length=20, choices=Role.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exports", verbose_name=_("user")
    )
    format = models.CharField(_("format"), max_length=10, choices=ExportFormat.choices)
    query = models.TextField(_("filters"), blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return f"{self.list_name} ({self.format})"


class ExportJob(models.Model):
    """A large export written to a file by a background task (smarteconomy.exporting), downloadable by the user who
    asked for it until the nightly housekeeping deletes it. ``path`` and ``query`` name the list page and its
    filters, so that the task renders the file with the list's own code, as that user."""

    ACTIVE = (ExportJobStatus.QUEUED, ExportJobStatus.RUNNING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("user")
    )
    log = models.ForeignKey(ExportLog, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("export"))
    list_name = models.CharField(_("list"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    path = models.CharField(_("page"), max_length=500)
    # The list's filters as the user typed them (a search may be a NIK): read by the task, cleared when it ends.
    query = models.TextField(_("filters"), blank=True)
    language = models.CharField(_("language"), max_length=10)
    format = models.CharField(_("format"), max_length=10, choices=ExportFormat.choices)
    filename = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to="exports/", max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ExportJobStatus.choices)
    rows_expected = models.PositiveIntegerField(_("rows expected"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("last progress"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export file")
        verbose_name_plural = _("export files")
        constraints = [
            # At most one export being prepared per user, enforced by the database: two clicks at once cannot both
            # start one.
            models.UniqueConstraint(
                fields=["user"], condition=Q(status__in=["queued", "running"]), name="exportjob_one_active_per_user"
            ),
        ]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    def get_absolute_url(self):
        return f"{reverse('exports:job_list')}#export-{self.pk}"

    @property
    def active(self):
        return self.status in self.ACTIVE

    def file_visible_to(self, user):
        """The file is the asking user's alone (smarteconomy.media): it was rendered with their filters and their
        view of personal data; a superuser's permissions do not reach it."""
        return user.pk == self.user_id

    @property
    def percent(self):
        """Progress in whole percent, or None while the number of rows is not known yet."""
        if not self.rows_expected:
            return 100 if self.status == ExportJobStatus.SUCCEEDED else None
        return min(100, self.rows_written * 100 // self.rows_expected)


class TaskRun(models.Model):
    """One run of a scheduled task: written by every task, read by administrators and Bappeda."""

    task = models.CharField(_("task"), max_length=100, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices)
    started_at = models.DateTimeField(_("started at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows_affected = models.PositiveIntegerField(_("rows affected"), default=0)
    details = models.JSONField(_("details"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    celery_task_id = models.CharField(_("Celery task id"), max_length=255, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("task run")
        verbose_name_plural = _("task runs")
        constraints = [
            # The overlap lock: at most one running row per task, enforced by the database.
            models.UniqueConstraint(
                fields=["task"], condition=Q(status="running"), name="taskrun_one_running_per_task"
            ),
        ]

    def __str__(self):
        return f"{self.task} {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("tasks:run_detail", args=[self.pk])

    @property
    def duration(self):
        if self.finished_at and self.started_at:
            return self.finished_at - self.started_at
        return None


class DirtyPeriod(models.Model):
    """A month or a year of a data source whose records changed since the last recompute of the scorecard
    (set through ``smarteconomy.periods.mark_dirty``; what it makes dirty is decided there)."""

    source = models.CharField(_("data source"), max_length=80)
    # A month ("2023-05") or a year ("2023").
    period = models.CharField(_("period"), max_length=100)
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)

    class Meta:
        verbose_name = _("changed period")
        verbose_name_plural = _("changed periods")
        constraints = [models.UniqueConstraint(fields=["source", "period"], name="dirty_once_per_period")]

    def __str__(self):
        return f"{self.source} {self.period}"


class ReportingPeriod(models.Model):
    """One period of one data source (smarteconomy.sources), and of one of its parts (a parking location) when it
    has parts: whether the responsible office submitted it and Bappeda approved it. An approved period is locked:
    no write may change its data (smarteconomy.sources.ensure_unlocked). Every step is kept in the history, with
    who and when; a period without a row is not submitted."""

    source = models.CharField(_("data source"), max_length=80)
    part = models.CharField(_("part"), max_length=40, blank=True, default="")
    # A month ("2025-10") or a year ("2025"), as the source's frequency says.
    period = models.CharField(_("period"), max_length=7)
    status = models.CharField(_("status"), max_length=20, choices=ReportingStatus.choices, default=ReportingStatus.OPEN)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Who approved, returned or reopened it last, and when: for an approved period, who locked it.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "part", "period"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["source", "part", "period"], name="reporting_period_once"),
        ]
        indexes = [models.Index(fields=["source", "status"])]
        permissions = [
            ("submit_reportingperiod", _("Can submit its office's data for a period")),
            ("approve_reportingperiod", _("Can approve, return and reopen a submitted period")),
        ]

    def __str__(self):
        return f"{self.source} {self.part} {self.period}".replace("  ", " ")

    @property
    def locked(self):
        return self.status == ReportingStatus.APPROVED


class SourceSchedule(models.Model):
    """When a data source (smarteconomy.sources) is expected to report, where it differs from its declaration: the
    date the office began reporting here (an earlier month is not expected of it) and, for a source that ended (a
    programme closed), the last day. Set by the administrators; every change is in the history."""

    source = models.CharField(_("data source"), max_length=80, unique=True)
    start = models.DateField(_("reports from"))
    end = models.DateField(_("reports until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["source"]
        verbose_name = _("reporting schedule")
        verbose_name_plural = _("reporting schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="schedule_end_after_start"
            )
        ]

    def __str__(self):
        return self.source

    def save(self, *args, **kwargs):
        old = SourceSchedule.objects.filter(pk=self.pk).values_list("start", flat=True).first() if self.pk else None
        super().save(*args, **kwargs)
        self._calendar_changed(old, self.start)

    def delete(self, *args, **kwargs):
        from .periods import PeriodError
        from .sources import get_source

        try:
            declared = get_source(self.source).start  # what applies once the schedule is gone
        except PeriodError:
            declared = None
        self._calendar_changed(self.start, declared)
        return super().delete(*args, **kwargs)

    def _calendar_changed(self, *starts):
        """A new schedule changes which periods are expected: every year from the earliest start up to now."""
        from .sources import calendar_changed

        first = min(day for day in starts if day is not None)
        calendar_changed(self.source, range(first.year, timezone.localdate().year + 1))
