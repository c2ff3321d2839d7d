"""Permit applications handled by DPMPTSP (Spontan, OSS, counter), their status history, and the log of
service disruptions: the records behind indicator 2, online licensing."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smarteconomy.choices import Role
from smarteconomy.models import Kelurahan, OfficeScopedQuerySet
from smarteconomy.numbers import WORKING_DAYS

from .choices import STEP_REASONS, ApplicantKind, Channel, DisruptedSystem, PermitStatus, RiskLevel, SurveyChannel

nib_validator = RegexValidator(r"^\d{13}$", _("An NIB has exactly 13 digits."))
kbli_validator = RegexValidator(
    r"^\d{5}(,\d{5})*$", _("KBLI codes have 5 digits; separate several with commas (47111,56101).")
)


# The applicant's tracking code: 10 characters from 32 that cannot be misread (no 0/O, no 1/I), 50 random bits.
TRACKING_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
TRACKING_CODE_LENGTH = 10


def new_tracking_code():
    """A fresh random tracking code (``secrets``: not guessable, not derived from the registration number)."""
    bits = secrets.randbits(5 * TRACKING_CODE_LENGTH)
    return "".join(TRACKING_CODE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(TRACKING_CODE_LENGTH))


class DpmptspQuerySet(OfficeScopedQuerySet):
    """Every licensing record belongs to DPMPTSP."""

    owner_office = Role.DPMPTSP


class PermitType(models.Model):
    """A kind of permit the office issues, with its service level in working days and its risk level."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    service_level_days = models.PositiveSmallIntegerField(_("service level (working days)"))
    risk_level = models.CharField(_("risk level"), max_length=20, choices=RiskLevel.choices)
    active = models.BooleanField(_("active"), default=True)

    number_units = {"service_level_days": WORKING_DAYS}
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("permit type")
        verbose_name_plural = _("permit types")
        constraints = [models.CheckConstraint(condition=Q(service_level_days__gte=1), name="permit_type_sla_positive")]

    def __str__(self):
        return self.name


class PermitApplication(models.Model):
    """One application for a permit, from submission to issue or rejection. Its status changes only through
    licensing.services, which enforce the workflow and record each step in PermitStatusChange."""

    registration_number = models.CharField(_("registration number"), max_length=40, unique=True)
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_kind = models.CharField(_("applicant kind"), max_length=10, choices=ApplicantKind.choices)
    nib = models.CharField(_("NIB"), max_length=13, blank=True, validators=[nib_validator])
    kbli_codes = models.CharField(_("KBLI codes"), max_length=200, blank=True, validators=[kbli_validator])
    permit_type = models.ForeignKey(
        PermitType, on_delete=models.PROTECT, related_name="applications", verbose_name=_("permit type")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kelurahan")
    )
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=PermitStatus.choices, db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    oss_reference = models.CharField(_("OSS reference"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Printed on the receipt; with the registration number it opens the public tracking page. Set on creation by
    # every path (the default also covers bulk loads); never edited.
    tracking_code = models.CharField(
        _("tracking code"), max_length=TRACKING_CODE_LENGTH, unique=True, default=new_tracking_code, editable=False
    )

    history = HistoricalRecords()
    objects = DpmptspQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("permit application")
        verbose_name_plural = _("permit applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True) | Q(decided_at__gte=F("submitted_at")),
                name="permit_decided_after_submitted",
            ),
            models.CheckConstraint(
                condition=Q(issued_at__isnull=True) | Q(issued_at__gte=F("submitted_at")),
                name="permit_issued_after_submitted",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            # The working-day indicators read the applications decided in a month.
            models.Index(fields=["decided_at"], name="permit_decided_at_idx"),
        ]

    def __str__(self):
        return self.registration_number

    def get_absolute_url(self):
        return reverse("licensing:application_detail", args=[self.pk])

    @property
    def tracking_code_display(self):
        """The code as printed: two groups of five (the tracking form accepts it with or without the dash)."""
        half = TRACKING_CODE_LENGTH // 2
        return f"{self.tracking_code[:half]}-{self.tracking_code[half:]}"


class PermitStatusChange(models.Model):
    """One step of an application's workflow: who moved it from which status to which, when and why."""

    application = models.ForeignKey(
        PermitApplication, on_delete=models.CASCADE, related_name="changes", verbose_name=_("application")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=PermitStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=PermitStatus.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=STEP_REASONS, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    # Free text that may quote a NIK or phone number: masked for other offices (smarteconomy.roles.free_text_for).
    free_text_fields = ("note",)
    history = HistoricalRecords()
    objects = DpmptspQuerySet.as_manager()

    class Meta:
        ordering = ["application", "at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        # An application's steps in order: the timeline and the working-day indicators.
        indexes = [models.Index(fields=["application", "at"], name="status_change_timeline_idx")]

    def __str__(self):
        return f"{self.application} → {self.to_status}"


class ServiceDisruption(models.Model):
    """A disruption of Spontan, OSS or the network that kept applicants or staff from working."""

    system = models.CharField(_("system"), max_length=10, choices=DisruptedSystem.choices)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    impact = models.TextField(_("impact"))
    follow_up = models.TextField(_("follow-up"), blank=True)
    responsible_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)

    history = HistoricalRecords()
    free_text_fields = ("impact", "follow_up")  # free text: may quote a NIK or phone number
    objects = DpmptspQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("service disruption")
        verbose_name_plural = _("service disruptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="disruption_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.get_system_display()} {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("licensing:disruption_detail", args=[self.pk])

    @property
    def duration(self):
        return self.ended_at - self.started_at if self.ended_at else None


# The nine service elements of the SKM (PermenPANRB 14/2017): U1 ... U9, each scored 1 (worst) to 4 (best).
SURVEY_ELEMENTS = tuple(f"u{number}" for number in range(1, 10))
SURVEY_SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


class SurveyResponse(models.Model):
    """One applicant's answer to the service satisfaction survey (Survei Kepuasan Masyarakat, PermenPANRB 14/2017)
    about one decided application: the nine service elements scored 1-4 and an optional comment. One answer per
    application, online through the signed public link or from the paper form at the counter (import_skm)."""

    application = models.OneToOneField(
        PermitApplication, on_delete=models.CASCADE, related_name="survey", verbose_name=_("application")
    )
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    u1 = models.PositiveSmallIntegerField(_("U1 requirements"), validators=SURVEY_SCORE_VALIDATORS)
    u2 = models.PositiveSmallIntegerField(_("U2 procedure"), validators=SURVEY_SCORE_VALIDATORS)
    u3 = models.PositiveSmallIntegerField(_("U3 service time"), validators=SURVEY_SCORE_VALIDATORS)
    u4 = models.PositiveSmallIntegerField(_("U4 cost"), validators=SURVEY_SCORE_VALIDATORS)
    u5 = models.PositiveSmallIntegerField(_("U5 service product"), validators=SURVEY_SCORE_VALIDATORS)
    u6 = models.PositiveSmallIntegerField(_("U6 staff competence"), validators=SURVEY_SCORE_VALIDATORS)
    u7 = models.PositiveSmallIntegerField(_("U7 staff behaviour"), validators=SURVEY_SCORE_VALIDATORS)
    u8 = models.PositiveSmallIntegerField(_("U8 complaint handling"), validators=SURVEY_SCORE_VALIDATORS)
    u9 = models.PositiveSmallIntegerField(_("U9 facilities"), validators=SURVEY_SCORE_VALIDATORS)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    channel = models.CharField(_("channel"), max_length=10, choices=SurveyChannel.choices)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    # Free text from the public: it may quote a NIK or phone number.
    free_text_fields = ("comment",)
    history = HistoricalRecords()
    objects = DpmptspQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{name}__gte": 1}) & Q(**{f"{name}__lte": 4}), name=f"survey_{name}_between_1_and_4"
            )
            for name in SURVEY_ELEMENTS
        ]

    def __str__(self):
        return f"SKM {self.application}"

    def scores(self):
        return [getattr(self, name) for name in SURVEY_ELEMENTS]
