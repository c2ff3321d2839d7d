from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.TextChoices):
    """Risk levels of business licensing (PP 5/2021, risk-based licensing)."""

    LOW = "rendah", _("low (rendah)")
    MEDIUM_LOW = "menengah_rendah", _("medium-low (menengah rendah)")
    MEDIUM_HIGH = "menengah_tinggi", _("medium-high (menengah tinggi)")
    HIGH = "tinggi", _("high (tinggi)")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("person")
    COMPANY = "company", _("company")


class Channel(models.TextChoices):
    SPONTAN = "spontan", _("Spontan (online)")
    OSS = "oss", _("OSS (online)")
    COUNTER = "counter", _("Counter (loket)")


ONLINE_CHANNELS = (Channel.SPONTAN, Channel.OSS)


class PermitStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    VERIFICATION = "verification", _("In verification")
    RETURNED = "returned", _("Returned for correction")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Issued")
    REJECTED = "rejected", _("Rejected")


class ReturnReason(models.TextChoices):
    WRONG_OR_MISSING_FILE = "wrong_file", _("Wrong or missing file")
    DATA_MISMATCH = "data_mismatch", _("Data mismatch")
    OTHER = "other", _("Other")


class RejectReason(models.TextChoices):
    """Why an application is rejected: the officer must say it (the applicant is told), and it stays on the
    timeline. ``NOT_RECORDED`` is only for rejections imported from a historical export that has no reason."""

    REQUIREMENTS_NOT_MET = "requirements", _("Requirements not met")
    NOT_PERMITTED = "not_permitted", _("Activity not permitted at the location (spatial plan)")
    FALSE_DATA = "false_data", _("False or invalid data or documents")
    NOT_CORRECTED = "not_corrected", _("Not corrected in time after being returned")
    OTHER = "other", _("Other")
    NOT_RECORDED = "not_recorded", _("Not recorded (historical import)")


# The reasons an officer may give for a rejection (not the importer's "not recorded").
REJECT_REASONS_FOR_OFFICERS = [
    (value, label) for value, label in RejectReason.choices if value != RejectReason.NOT_RECORDED
]
# Every reason a status change may carry: a return's or a rejection's ("other" is shared).
STEP_REASONS = [
    *ReturnReason.choices,
    *((v, label) for v, label in RejectReason.choices if v not in ReturnReason.values),
]


class DisruptedSystem(models.TextChoices):
    SPONTAN = "spontan", _("Spontan")
    OSS = "oss", _("OSS")
    NETWORK = "network", _("Network")
    OTHER = "other", _("Other")


# The workflow: which statuses may follow which. Decisions are approved or rejected; issued and rejected end it.
TRANSITIONS = {
    PermitStatus.SUBMITTED: (PermitStatus.VERIFICATION, PermitStatus.REJECTED),
    PermitStatus.VERIFICATION: (PermitStatus.RETURNED, PermitStatus.APPROVED, PermitStatus.REJECTED),
    PermitStatus.RETURNED: (PermitStatus.RESUBMITTED, PermitStatus.REJECTED),
    PermitStatus.RESUBMITTED: (
        PermitStatus.VERIFICATION,
        PermitStatus.RETURNED,
        PermitStatus.APPROVED,
        PermitStatus.REJECTED,
    ),
    PermitStatus.APPROVED: (PermitStatus.ISSUED,),
    PermitStatus.ISSUED: (),
    PermitStatus.REJECTED: (),
}
DECISIONS = (PermitStatus.APPROVED, PermitStatus.REJECTED)
OPEN_STATUSES = (PermitStatus.SUBMITTED, PermitStatus.VERIFICATION, PermitStatus.RETURNED, PermitStatus.RESUBMITTED)


class SurveyChannel(models.TextChoices):
    """How a service satisfaction survey (SKM) answer reached DPMPTSP."""

    ONLINE = "online", _("Online (public link)")
    PAPER = "paper", _("Paper form (counter)")


# The statuses after a decision: the applicant may then answer the satisfaction survey.
SURVEY_STATUSES = (PermitStatus.APPROVED, PermitStatus.ISSUED, PermitStatus.REJECTED)
