"""Writes of the licensing app. The workflow is enforced here: every status change goes through
``permit_application_transition``, which refuses any step the workflow does not allow, with a clear message."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smarteconomy.periods import changed_span, mark_dirty, months_between

from .choices import DECISIONS, SURVEY_STATUSES, TRANSITIONS, PermitStatus, RejectReason, ReturnReason
from .models import (
    SURVEY_ELEMENTS,
    PermitApplication,
    PermitStatusChange,
    ServiceDisruption,
    SurveyResponse,
    new_tracking_code,
)

APPLICATIONS_SOURCE = "licensing.applications"
DISRUPTIONS_SOURCE = "licensing.disruptions"
PERMIT_TYPES_SOURCE = "licensing.permit_types"  # service levels (changed in the back office)
TRACKING_CODE_ATTEMPTS = 5


@transaction.atomic
def permit_application_create(*, by=None, **fields):
    """Record a new application as submitted (at ``submitted_at``), with a fresh random tracking code for the
    applicant's receipt (every creation path comes here: the form, the importer and its API, the demo)."""
    application = PermitApplication(status=PermitStatus.SUBMITTED, tracking_code=new_tracking_code(), **fields)
    application._history_user = by
    for _attempt in range(TRACKING_CODE_ATTEMPTS):
        try:
            application.full_clean()  # checks the code's uniqueness too
            break
        except ValidationError as error:
            if "tracking_code" not in getattr(error, "error_dict", {}):
                raise
            application.tracking_code = new_tracking_code()  # 2^50 codes: a clash is all but impossible
    else:
        application.full_clean()
    application.save()
    PermitStatusChange.objects.create(
        application=application, from_status="", to_status=PermitStatus.SUBMITTED, at=application.submitted_at, by=by
    )
    mark_dirty(APPLICATIONS_SOURCE, [application.submitted_at])
    return application


# The data an officer may correct after saving. Not the status (nor the times of the steps, nor the submission
# time that starts the timeline): they change only through the workflow.
APPLICATION_DATA_FIELDS = (
    "registration_number",
    "applicant_name",
    "applicant_kind",
    "nib",
    "kbli_codes",
    "permit_type",
    "channel",
    "kelurahan",
    "oss_reference",
)


@transaction.atomic
def permit_application_update(*, application, by=None, **fields):
    """Correct an application's data (``APPLICATION_DATA_FIELDS``); the change is in its history with who and
    when. Refused (ValidationError, nothing written) when a value is invalid; nothing is saved when nothing
    changed. The scorecard periods it counts in are marked for recompute (the channel, the permit type and its
    service level feed the indicators)."""
    unknown = set(fields) - set(APPLICATION_DATA_FIELDS)
    if unknown:
        raise TypeError(f"not correctable here (only through the workflow or not at all): {sorted(unknown)}")
    application = PermitApplication.objects.select_for_update().get(pk=application.pk)
    changed = [name for name, value in fields.items() if getattr(application, name) != value]
    if not changed:
        return application
    for name in changed:
        setattr(application, name, fields[name])
    application._history_user = by
    application.full_clean()
    application.save()
    mark_dirty(APPLICATIONS_SOURCE, [application.submitted_at, application.decided_at, application.issued_at])
    return application


def allowed_transitions(application):
    return TRANSITIONS[PermitStatus(application.status)]


@transaction.atomic
def permit_application_transition(*, application, to_status, by=None, at=None, reason="", note=""):
    """Move an application to ``to_status``. Refused (ValidationError, nothing written) when the workflow does not
    allow it, when a return or a rejection has no reason (a rejection for "other" reasons also needs a note), or
    when the step is dated before the previous one."""
    application = PermitApplication.objects.select_for_update().get(pk=application.pk)
    at = at or timezone.now()
    current = PermitStatus(application.status)
    target = PermitStatus(to_status)
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(str(s.label) for s in TRANSITIONS[current]) or _("none: the application is closed")
        raise ValidationError(
            _("An application that is “%(current)s” cannot become “%(target)s”. Allowed next steps: %(allowed)s.")
            % {"current": current.label, "target": target.label, "allowed": allowed}
        )
    if target == PermitStatus.RETURNED and reason not in ReturnReason.values:
        raise ValidationError({"reason": _("Say why the application is returned for correction.")})
    if target == PermitStatus.REJECTED:
        if reason not in RejectReason.values:
            raise ValidationError({"reason": _("Say why the application is rejected.")})
        if reason == RejectReason.OTHER and not note.strip():
            message = _("Explain the rejection in the note when the reason is “%(other)s”.")
            raise ValidationError({"note": message % {"other": RejectReason.OTHER.label}})
    last = application.changes.order_by("-at", "-id").first()
    if last is not None and at < last.at:
        raise ValidationError(
            _("This step is dated %(at)s, before the previous step (%(last)s).")
            % {
                "at": timezone.localtime(at).strftime("%d/%m/%Y %H:%M"),
                "last": timezone.localtime(last.at).strftime("%d/%m/%Y %H:%M"),
            }
        )
    application.status = target
    if target in DECISIONS:
        application.decided_at = at
    if target == PermitStatus.ISSUED:
        application.issued_at = at
    application._history_user = by
    application.full_clean()
    application.save()
    change = PermitStatusChange.objects.create(
        application=application,
        from_status=current,
        to_status=target,
        reason=reason if target in (PermitStatus.RETURNED, PermitStatus.REJECTED) else "",
        note=note,
        at=at,
        by=by,
    )
    # The step is data of the month it is taken in (refused when that month is locked, e.g. a step backdated into
    # an approved month); the application's own month is only a consequence: a locked October's application may
    # still be decided in November (its October figures then change in the live scorecard, never in a published
    # edition). Correcting the application's data is refused instead (permit_application_update).
    mark_dirty(APPLICATIONS_SOURCE, [at], consequences=[application.submitted_at])
    return change


@transaction.atomic
def service_disruption_save(*, disruption=None, by=None, **fields):
    disruption = disruption or ServiceDisruption()
    stored, before = None, []
    if disruption.pk:  # as stored: a form may have changed the instance already
        stored = ServiceDisruption.objects.get(pk=disruption.pk)
        before = months_between(stored.started_at, stored.ended_at or timezone.now())
    for name, value in fields.items():
        setattr(disruption, name, value)
    disruption._history_user = by
    disruption.full_clean()
    disruption.save()
    # Every month the disruption spans, before and after the change (an ongoing one: up to now), is made dirty.
    # The lock refuses a change of a disruption of an approved month; recording the end of a running one (or
    # moving only its end) changes just the months between the old and the new end, so a disruption that began
    # in a locked month can still be closed.
    after = months_between(disruption.started_at, disruption.ended_at or timezone.now())
    only_end = stored is not None and all(
        getattr(stored, field.attname) == getattr(disruption, field.attname)
        for field in ServiceDisruption._meta.concrete_fields
        if field.name != "ended_at"
    )
    changed = changed_span(stored.ended_at, disruption.ended_at) if only_end else [*before, *after]
    mark_dirty(DISRUPTIONS_SOURCE, changed, consequences=[*before, *after])
    return disruption


# The survey's answers feed the IKM (licensing.ikm): a new answer makes its month dirty. No data source is declared
# for it in the reporting calendar: applicants answer when they choose, nobody owes DPMPTSP a month of answers.
SURVEY_SOURCE = "licensing.survey"


def _has_survey(application):
    try:
        application.survey  # noqa: B018 (read through select_related when the caller did)
    except SurveyResponse.DoesNotExist:
        return False
    return True


def survey_refusal(application, submitted_at=None):
    """Why ``application`` cannot take a survey answer (submitted at ``submitted_at``): (the field at fault,
    "application" or "submitted_at", and the message), or None when it can."""
    if application.status not in SURVEY_STATUSES or application.decided_at is None:
        return "application", _("The application %(number)s has no decision yet; the survey follows the decision.") % {
            "number": application.registration_number
        }
    if _has_survey(application):
        return "application", _(
            "The survey for application %(number)s has already been answered; it is answered once."
        ) % {"number": application.registration_number}
    if submitted_at is not None and submitted_at < application.decided_at:
        return "submitted_at", _("The answer is dated before the decision on application %(number)s (%(decided)s).") % {
            "number": application.registration_number,
            "decided": timezone.localtime(application.decided_at).strftime("%d/%m/%Y %H:%M"),
        }
    return None


@transaction.atomic
def survey_response_create(*, application, scores, channel, submitted_at=None, comment="", by=None):
    """Record the one survey answer of a decided application: ``scores`` are the nine scores U1..U9 (1-4).
    Refused (ValidationError, nothing written) before the decision, when the application already has an answer,
    or for a score outside 1-4."""
    application = PermitApplication.objects.select_for_update().get(pk=application.pk)
    submitted_at = submitted_at or timezone.now()
    refusal = survey_refusal(application, submitted_at)
    if refusal:
        raise ValidationError(refusal[1])
    scores = list(scores)
    if len(scores) != len(SURVEY_ELEMENTS):
        raise ValidationError(_("The survey has nine elements, U1 to U9."))
    response = SurveyResponse(
        application=application,
        submitted_at=submitted_at,
        channel=channel,
        comment=comment.strip(),
        **dict(zip(SURVEY_ELEMENTS, scores, strict=True)),
    )
    response._history_user = by
    response.full_clean()
    response.save()
    mark_dirty(SURVEY_SOURCE, [submitted_at])
    return response
