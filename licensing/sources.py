"""The licensing office's data sources in the reporting calendar (smarteconomy.sources): the applications it logs and
the service disruptions it records, both monthly, due on the 10th of the following month."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role, SourceFrequency
from smarteconomy.periods import months_between
from smarteconomy.sources import DataSource, records_page, register

from .models import PermitApplication, ServiceDisruption, SurveyResponse
from .services import APPLICATIONS_SOURCE, DISRUPTIONS_SOURCE, SURVEY_SOURCE

# The licensing office has logged its applications here since the product went live for it.
LICENSING_START = date(2023, 1, 1)


def _application_months():
    tz = timezone.get_current_timezone()
    return {
        "": {f"{m.year}-{m.month:02d}" for m in PermitApplication.objects.datetimes("submitted_at", "month", tzinfo=tz)}
    }


def _survey_months():
    tz = timezone.get_current_timezone()
    return {
        "": {f"{m.year}-{m.month:02d}" for m in SurveyResponse.objects.datetimes("submitted_at", "month", tzinfo=tz)}
    }


def _disruption_months():
    months = set()
    for started, ended in ServiceDisruption.objects.values_list("started_at", "ended_at"):
        months |= {f"{d.year}-{d.month:02d}" for d in months_between(started, ended or timezone.now())}
    return {"": months}


register(
    DataSource(
        code=APPLICATIONS_SOURCE,
        name=_("Permit applications"),
        office=Role.DPMPTSP,
        frequency=SourceFrequency.MONTHLY,
        start=LICENSING_START,
        received=_application_months,
        covers=(APPLICATIONS_SOURCE,),
        feeds=(
            "licensing.online_share",
            "licensing.median_processing_days",
            "licensing.within_service_level_share",
            "licensing.returned_share",
        ),
        records_url=records_page("licensing:application_list", after="submitted_after", before="submitted_before"),
    )
)

register(
    DataSource(
        code=DISRUPTIONS_SOURCE,
        name=_("Online service disruptions"),
        office=Role.DPMPTSP,
        frequency=SourceFrequency.MONTHLY,
        start=LICENSING_START,
        received=_disruption_months,
        covers=(DISRUPTIONS_SOURCE,),
        feeds=("licensing.disruption_hours",),
        records_url=records_page("licensing:disruption_list", after="started_after", before="started_before"),
    )
)

# The SKM answers: online ones arrive by themselves; the counter's paper forms of a month are typed in (import_skm)
# by the 10th of the next month, like the applications' log.
register(
    DataSource(
        code=SURVEY_SOURCE,
        name=_("Service satisfaction survey answers (SKM)"),
        office=Role.DPMPTSP,
        frequency=SourceFrequency.MONTHLY,
        start=LICENSING_START,
        received=_survey_months,
        covers=(SURVEY_SOURCE,),
        feeds=("licensing.service_satisfaction_index",),
        # The answers themselves are not listed (an applicant's comment is theirs): the IKM page of the quarters.
        records_url=records_page("licensing:ikm"),
    )
)
