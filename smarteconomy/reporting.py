"""Writes of the reporting workflow: an office submits a period of its data source, Bappeda approves it (which locks
the period's data, smarteconomy.sources) or returns it with a reason; Bappeda or an administrator reopens an approved
period with a reason. Each step is refused (ValidationError, nothing written) when the workflow does not allow it,
and PermissionDenied when the user may not take it. Every step is in the period's history, with who, when and why."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ReportingStatus, Role
from .models import ReportingPeriod
from .periods import PeriodError
from .roles import user_role
from .sources import calendar_changed, get_source

S = ReportingStatus

# Which steps each state allows: submit from open, returned or reopened; approve or return a submitted one; reopen
# an approved one.
SUBMITTABLE = (S.OPEN, S.RETURNED, S.REOPENED)
APPROVERS = (Role.BAPPEDA, Role.ADMIN)


def may_submit(user, source, part=""):
    """The responsible office submits its own source (a parking operator only the locations it runs); an
    administrator may submit on an office's behalf."""
    role = user_role(user)
    if role == Role.ADMIN:
        return True
    if role != source.office or not user.has_perm("smarteconomy.submit_reportingperiod"):
        return False
    if source.parts_of_user is None:
        return True
    return part in source.parts_of_user(user)


def may_approve(user):
    return user_role(user) in APPROVERS and user.has_perm("smarteconomy.approve_reportingperiod")


def _period_row(source, period, part):
    """The period's row, locked for the step (a new, unsaved "not submitted" row the first time)."""
    try:
        source.part(part)  # an unknown part is refused
    except PeriodError as exc:
        raise ValidationError(str(exc)) from None
    lookup = {"source": source.code, "part": part, "period": str(period)}
    return ReportingPeriod.objects.select_for_update().filter(**lookup).first() or ReportingPeriod(**lookup)


def _resolve(source_code, period, part):
    source = get_source(source_code)
    try:
        period = source.parse_period(str(period))
    except PeriodError as exc:
        raise ValidationError(str(exc)) from None
    return source, period


def _refuse_step(row, step):
    raise ValidationError(
        _("%(step)s is not possible: the period is “%(status)s”.") % {"step": step, "status": row.get_status_display()}
    )


@transaction.atomic
def period_submit(*, source, period, part="", by):
    """The office says the period's data is complete (possibly with nothing to report) and asks for approval."""
    source, period = _resolve(source, period, part)
    if not may_submit(by, source, part):
        raise PermissionDenied(_("Only the responsible office submits %(source)s.") % {"source": source.name})
    if not period.has_ended():
        raise ValidationError(
            _("%(period)s has not ended yet: a period is submitted once it is over.") % {"period": period}
        )
    start, end = source.span(source.part(part))
    if period.last_day < start or (end is not None and period.start > end):
        raise ValidationError(
            _("%(source)s is not expected for %(period)s (it reports from %(start)s).")
            % {"source": source.name, "period": period, "start": start.isoformat()}
        )
    row = _period_row(source, period, part)
    if row.status not in SUBMITTABLE:
        _refuse_step(row, _("Submitting"))
    row.status = S.SUBMITTED
    row.submitted_by, row.submitted_at = by, timezone.now()
    row.reason = ""
    row._history_user = by
    row.save()
    calendar_changed(source.code, [period])
    return row


def _decide(source, period, part, by, *, expected, to_status, reason="", step, reason_required=False):
    source, period = _resolve(source, period, part)
    if not may_approve(by):
        raise PermissionDenied(_("Only Bappeda or an administrator approves, returns or reopens a period."))
    reason = (reason or "").strip()
    if reason_required and not reason:
        raise ValidationError({"reason": _("Give the reason: the office reads it.")})
    row = _period_row(source, period, part)
    if row.status not in expected:
        _refuse_step(row, step)
    row.status = to_status
    row.decided_by, row.decided_at = by, timezone.now()
    row.reason = reason
    row._history_user = by
    row.save()
    calendar_changed(source.code, [period])
    return row


@transaction.atomic
def period_approve(*, source, period, part="", by):
    """Bappeda approves a submitted period: its data is locked from now on."""
    return _decide(source, period, part, by, expected=(S.SUBMITTED,), to_status=S.APPROVED, step=_("Approving"))


@transaction.atomic
def period_return(*, source, period, part="", by, reason):
    """Bappeda sends a submitted period back to the office with a reason."""
    return _decide(
        source,
        period,
        part,
        by,
        expected=(S.SUBMITTED,),
        to_status=S.RETURNED,
        reason=reason,
        step=_("Returning"),
        reason_required=True,
    )


@transaction.atomic
def period_reopen(*, source, period, part="", by, reason):
    """Bappeda or an administrator unlocks an approved period with a reason; the office submits it again."""
    return _decide(
        source,
        period,
        part,
        by,
        expected=(S.APPROVED,),
        to_status=S.REOPENED,
        reason=reason,
        step=_("Reopening"),
        reason_required=True,
    )


STEPS = {"submit": period_submit, "approve": period_approve, "return": period_return, "reopen": period_reopen}
