"""Indicator 2 (online licensing) in the scorecard: five monthly indicators, each also computed directly for
whole years (a year's rate is recomputed from its applications, never averaged from months).

Each value is one aggregate query per period (two for the working-day indicators: the decided applications'
steps and the holidays, read once per year for both indicators and all the periods of the year), so the
recompute stays fast on a large queue. Notes and input names are stored untranslated (``text``) and translated when shown."""

import statistics
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractMonth, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from analytics.choices import Direction, Frequency, IndicatorKind, Pillar, Unit
from analytics.registry import (
    Indicator,
    Measurement,
    Period,
    ended_input,
    in_shared_computations,
    periods_of_months,
    records_page,
    register,
    share,
    shared_per_run,
    text,
)
from smarteconomy.choices import Role
from smarteconomy.periods import HOLIDAYS_SOURCE

from .choices import DECISIONS, ONLINE_CHANNELS, PermitStatus, ReturnReason
from .ikm import ikm_for
from .models import PermitApplication, PermitStatusChange, ServiceDisruption, SurveyResponse
from .selectors import holiday_dates, within_service_level
from .services import APPLICATIONS_SOURCE, DISRUPTIONS_SOURCE, PERMIT_TYPES_SOURCE, SURVEY_SOURCE
from .workingdays import WorkingDayCounter, processing_working_days

S = PermitStatus


# Periods ------------------------------------------------------------------------------------------------------


def _holidays_input(period):
    has = holiday_dates(date(period.year, 1, 1), date(period.year, 12, 31))
    return {
        "name": text(gettext_noop("Public holidays of %(year)d recorded"), year=period.year),
        "present": bool(has),
        "detail": str(len(has)),
    }, has


def application_periods():
    """Every month with an application submitted or decided, and every year of those months."""
    tz = timezone.get_current_timezone()
    months = set()
    for field in ("submitted_at", "decided_at"):
        months |= {
            (moment.year, moment.month) for moment in PermitApplication.objects.datetimes(field, "month", tzinfo=tz)
        }
    return periods_of_months(months)


def disruption_periods():
    """The application periods plus every month touched by a disruption (an ongoing one: up to now)."""
    months = {(p.year, p.month) for p in application_periods() if p.is_month}
    now = timezone.localtime()
    for started, ended in ServiceDisruption.objects.values_list("started_at", "ended_at"):
        moment = timezone.localtime(started)
        last = timezone.localtime(ended) if ended else now
        year, month = moment.year, moment.month
        while (year, month) <= (last.year, last.month):
            months.add((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return periods_of_months(months)


# Shares of the applications submitted in the period -----------------------------------------------------------


def _submitted(period):
    start, end = period.moments()
    return PermitApplication.objects.filter(submitted_at__gte=start, submitted_at__lt=end)


SUBMITTED_COUNTS = ("total", "online", "returned")


def submitted_by_type_and_month(period):
    """[{"month", "permit_type_id", "total", "online", "returned"}] of the applications submitted in the period,
    "returned" counting those returned at least once for a wrong or missing file. One grouped query."""
    wrong_file = PermitStatusChange.objects.filter(
        application=OuterRef("pk"), to_status=S.RETURNED, reason=ReturnReason.WRONG_OR_MISSING_FILE
    )
    return list(
        _submitted(period)
        .annotate(month=ExtractMonth("submitted_at"))  # in the current time zone (WITA)
        .values("month", "permit_type_id")
        .annotate(
            total=Count("id"),
            online=Count("id", filter=Q(channel__in=ONLINE_CHANNELS)),
            returned=Count("id", filter=Exists(wrong_file)),
        )
        .order_by()
    )


@shared_per_run
def submitted_by_month(period):
    """{local month: {"total", "online", "returned"}} of the applications submitted in the period (the permit types
    of ``submitted_by_type_and_month`` added up). Within a recompute the whole year is read once for both
    indicators and every period of the year."""
    by_month = {}
    for row in submitted_by_type_and_month(period):
        month = by_month.setdefault(row["month"], dict.fromkeys(SUBMITTED_COUNTS, 0) | {"month": row["month"]})
        for key in SUBMITTED_COUNTS:
            month[key] += row[key]
    return by_month


def _submitted_counts(period, *keys):
    by_month = submitted_by_month(Period(period.year) if in_shared_computations() else period)
    months = [period.month] if period.is_month else range(1, 13)
    return {key: sum(by_month[month][key] for month in months if month in by_month) for key in ("total", *keys)}


def online_share(period):
    counts = _submitted_counts(period, "online")
    return Measurement(
        share(counts["online"], counts["total"]),
        [ended_input(period)],
        note=text(gettext_noop("%(online)d of %(total)d applications online"), **counts),
    )


def returned_share(period):
    counts = _submitted_counts(period, "returned")
    return Measurement(
        share(counts["returned"], counts["total"]),
        [ended_input(period)],
        note=text(
            gettext_noop("%(returned)d of %(total)d applications returned for a wrong or missing file"), **counts
        ),
    )


# Processing time of the applications decided in the period ----------------------------------------------------

CLOCK_STATUSES = (S.SUBMITTED, S.RESUBMITTED, S.RETURNED, *DECISIONS)


def decided_with_days(period):
    """[(local month, permit type id, working days, service level days)] of the applications decided in the
    period: one read of their steps."""
    start, end = period.moments()
    rows = (
        PermitStatusChange.objects.filter(
            application__decided_at__gte=start, application__decided_at__lt=end, to_status__in=CLOCK_STATUSES
        )
        .order_by("application_id", "at", "id")
        .values_list(
            "application_id",
            "to_status",
            TruncDate("at"),
            "application__permit_type__service_level_days",
            ExtractMonth("application__decided_at"),  # in the current time zone (WITA)
            "application__permit_type_id",
        )
    )
    by_application = {}
    for application_id, status, day, service_level, month, permit_type in rows:
        by_application.setdefault(application_id, (month, permit_type, service_level, []))[3].append((status, day))
    decided = []
    if not by_application:
        return decided
    days = [day for *_key, changes in by_application.values() for _status, day in changes]
    holidays = holiday_dates(min(days), max(days))
    counter = WorkingDayCounter(min(days), max(days), holidays)
    for month, permit_type, service_level, changes in by_application.values():
        if any(status in DECISIONS for status, _day in changes):
            working_days = processing_working_days(changes, holidays, between=counter.between)
            decided.append((month, permit_type, working_days, service_level))
    return decided


@shared_per_run
def decided_by_month(period):
    """{local month: [(working days, service level days)]} of the applications decided in the period
    (``decided_with_days``). Within a recompute the whole year is read once and shared by both working-day
    indicators and every period of the year; outside one, only the period asked for is read."""
    by_month = {}
    for month, _permit_type, working_days, service_level in decided_with_days(period):
        by_month.setdefault(month, []).append((working_days, service_level))
    return by_month


@shared_per_run
def decided_processing(period):
    """[(working days, service level days)] of the applications decided in the period, and the inputs."""
    by_month = decided_by_month(Period(period.year) if in_shared_computations() else period)
    months = [period.month] if period.is_month else range(1, 13)
    decided = [item for month in months for item in by_month.get(month, ())]
    inputs = [ended_input(period)]
    if decided:
        inputs.append(_holidays_input(period)[0])
    return decided, inputs


def median_processing_days(period):
    decided, inputs = decided_processing(period)
    if not decided:
        return Measurement(None, inputs, note=text(gettext_noop("No decision in the period.")))
    return Measurement(
        float(statistics.median(days for days, _level in decided)),
        inputs,
        note=text(gettext_noop("%(count)d decisions"), count=len(decided)),
    )


def within_service_level_share(period):
    decided, inputs = decided_processing(period)
    within = sum(1 for days, level in decided if within_service_level(days, level))
    return Measurement(
        share(within, len(decided)),
        inputs,
        note=text(
            gettext_noop("%(within)d of %(total)d decisions within the service level"),
            within=within,
            total=len(decided),
        ),
    )


# Service disruptions ------------------------------------------------------------------------------------------


def disruption_hours(period):
    start, end = period.moments()
    now = timezone.now()
    rows = ServiceDisruption.objects.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start), started_at__lt=end)
    seconds = 0.0
    for started, ended in rows.values_list("started_at", "ended_at"):
        until = min(ended or now, end)
        seconds += max((until - max(started, start)).total_seconds(), 0)
    return Measurement(round(seconds / 3600, 2), [ended_input(period)])


# Records behind the numbers -----------------------------------------------------------------------------------


_submitted_records = records_page("licensing:application_list", "submitted")
# The queue has no filter by decision date: its decided applications, newest first.
_decided_records = records_page("licensing:application_list")
_disruption_records = records_page("licensing:disruption_list", "started")


COMMON = {
    "pillar": Pillar.ONLINE_LICENSING,
    "frequency": Frequency.MONTHLY,
    "source_office": Role.DPMPTSP,
    "decimals": 1,
}

register(
    Indicator(
        code="licensing.online_share",
        name=_("Applications submitted online"),
        definition=_(
            "The share of the permit applications submitted in the period through Spontan or OSS (online), out of "
            "all applications submitted in the period (online and at the counter)."
        ),
        formula=_("Applications submitted via Spontan or OSS ÷ all applications submitted in the period × 100."),
        unit=Unit.PERCENT,
        kind=IndicatorKind.RATE,
        direction=Direction.HIGHER,
        sources=(APPLICATIONS_SOURCE,),
        compute=online_share,
        periods=application_periods,
        records_url=_submitted_records,
        **COMMON,
    )
)

register(
    Indicator(
        code="licensing.median_processing_days",
        name=_("Median processing time"),
        definition=_(
            "The median number of working days from submission to decision (approval or rejection) of the "
            "applications decided in the period, not counting weekends, public holidays, cuti bersama and the "
            "time an application was returned to the applicant for correction."
        ),
        formula=_(
            "Median over the applications decided in the period of the working days from submission (or "
            "resubmission) to the next return or to the decision, summed."
        ),
        unit=Unit.DAYS,
        kind=IndicatorKind.RATE,
        direction=Direction.LOWER,
        # Working days: a holiday recorded later changes the processing time of any period.
        sources=(APPLICATIONS_SOURCE, HOLIDAYS_SOURCE),
        history_sources=(HOLIDAYS_SOURCE,),
        compute=median_processing_days,
        periods=application_periods,
        records_url=_decided_records,
        **COMMON,
    )
)

register(
    Indicator(
        code="licensing.within_service_level_share",
        name=_("Decisions within the service level"),
        definition=_(
            "The share of the applications decided in the period whose processing time, in working days without "
            "the time returned to the applicant, was within the service level of their permit type."
        ),
        formula=_("Decisions with processing working days ≤ the permit type's service level ÷ all decisions × 100."),
        unit=Unit.PERCENT,
        kind=IndicatorKind.RATE,
        direction=Direction.HIGHER,
        # Working days: a holiday recorded later changes the processing time of any period.
        sources=(APPLICATIONS_SOURCE, HOLIDAYS_SOURCE, PERMIT_TYPES_SOURCE),
        history_sources=(HOLIDAYS_SOURCE, PERMIT_TYPES_SOURCE),
        compute=within_service_level_share,
        periods=application_periods,
        records_url=_decided_records,
        **COMMON,
    )
)

register(
    Indicator(
        code="licensing.returned_share",
        name=_("Applications returned for a wrong or missing file"),
        definition=_(
            "The share of the applications submitted in the period that were returned to the applicant at least "
            "once because a file was wrong or missing."
        ),
        formula=_(
            "Applications submitted in the period with at least one return for a wrong or missing file ÷ all "
            "applications submitted in the period × 100."
        ),
        unit=Unit.PERCENT,
        kind=IndicatorKind.RATE,
        direction=Direction.LOWER,
        sources=(APPLICATIONS_SOURCE,),
        compute=returned_share,
        periods=application_periods,
        records_url=_submitted_records,
        **COMMON,
    )
)

register(
    Indicator(
        code="licensing.disruption_hours",
        name=_("Hours of service disruption"),
        definition=_(
            "The hours during the period in which Spontan, OSS or the network was disrupted, as logged by DPMPTSP. "
            "A disruption that is still going on counts up to the end of the period or up to now."
        ),
        formula=_("Sum over the disruptions of the hours between their start and end that fall within the period."),
        unit=Unit.HOURS,
        kind=IndicatorKind.FLOW,
        direction=Direction.LOWER,
        sources=(DISRUPTIONS_SOURCE,),
        compute=disruption_hours,
        periods=disruption_periods,
        records_url=_disruption_records,
        **COMMON,
    )
)


# Service satisfaction (IKM, PermenPANRB 14/2017) -----------------------------------------------------------------
# Quarterly, as PermenPANRB 14/2017 reports it (the same quarters as ikm_report, the IKM page and the public
# dataset), with the year of the quarters beside them.


def survey_quarters():
    tz = timezone.get_current_timezone()
    months = SurveyResponse.objects.datetimes("submitted_at", "month", tzinfo=tz)
    quarters = {Period.quarter_of(moment) for moment in months}
    return sorted(quarters | {Period(quarter.year) for quarter in quarters}, key=lambda p: p.sort_key)


def service_satisfaction_index(period):
    result = ikm_for(period)
    if not result.responses:
        return Measurement(None, [ended_input(period)], note=text(gettext_noop("No survey answer in the period.")))
    return Measurement(
        float(result.ikm_rounded),
        [ended_input(period)],
        note=text(
            gettext_noop("%(count)d survey answers; quality category %(category)s"),
            count=result.responses,
            category=result.category,
        ),
    )


register(
    Indicator(
        code="licensing.service_satisfaction_index",
        pillar=Pillar.ONLINE_LICENSING,
        name=_("Service satisfaction index (IKM)"),
        definition=_(
            "The Indeks Kepuasan Masyarakat of DPMPTSP's licensing service (PermenPANRB 14/2017), from the survey "
            "answered by applicants after the decision on their application (online or on paper), in the period. "
            "Quality categories: A 88.31-100, B 76.61-88.30, C 65.00-76.60, D 25.00-64.99."
        ),
        formula=_(
            "For each of the nine service elements U1-U9 the mean score 1-4 of the answers (NRR); IKM = Σ (NRR × 1/9) "
            "× 25, rounded to 2 decimals."
        ),
        unit=Unit.INDEX,
        kind=IndicatorKind.RATE,
        direction=Direction.HIGHER,
        frequency=Frequency.QUARTERLY,
        source_office=Role.DPMPTSP,
        sources=(SURVEY_SOURCE,),
        state_at_end=False,
        compute=service_satisfaction_index,
        periods=survey_quarters,
        decimals=2,
    )
)
