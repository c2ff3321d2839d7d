"""Choices shared across the product."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A user's role is the Django group of the same name; each office role owns its records."""

    DPMPTSP = "dpmptsp", _("DPMPTSP (one-stop licensing office)")
    DKUMKMP = "dkumkmp", _("DKUMKMP (cooperatives, MSME and industry office)")
    PARKING_OPERATOR = "parking_operator", _("Parking operator")
    BAPPEDA = "bappeda", _("Bappeda (planning agency)")
    ADMIN = "admin", _("Administrator (Diskominfo)")


class HolidayKind(models.TextChoices):
    NATIONAL = "national", _("National public holiday")
    COLLECTIVE_LEAVE = "collective_leave", _("Collective leave (cuti bersama)")
    REGIONAL = "regional", _("Regional holiday")


class ImportStatus(models.TextChoices):
    VALIDATED = "validated", _("Checked (dry run), nothing written")
    COMMITTED = "committed", _("Imported")
    REFUSED = "refused", _("Refused, nothing written")
    FAILED = "failed", _("Failed, nothing written")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"


class ExportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being prepared")
    SUCCEEDED = "succeeded", _("Ready")
    FAILED = "failed", _("Failed")


class TaskStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped (already running)")
    ABANDONED = "abandoned", _("Abandoned (worker stopped)")


class SourceFrequency(models.TextChoices):
    """How often a data source reports (smarteconomy.sources). A daily source (a parking location's log) is
    submitted and locked per month; its completeness counts days."""

    DAILY = "daily", _("Daily")
    MONTHLY = "monthly", _("Monthly")
    YEARLY = "yearly", _("Yearly")


class ReportingStatus(models.TextChoices):
    """Where a data source's period stands (smarteconomy.reporting): the office submits it, Bappeda approves it
    (which locks its data) or returns it with a reason; Bappeda or an administrator reopens an approved period."""

    OPEN = "open", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved (locked)")
    REOPENED = "reopened", _("Reopened")
