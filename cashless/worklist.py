"""The parking operators' worklist (smarteconomy.worklist), for their own locations: the days of the last 30 without
an upload, the last day uploaded, and the days of the last week whose failure rate of cashless payments is well above
the usual one. These are states of a log, not records to list one by one: each is a fact that links to the page
where it is acted on (the upload page, the log, the summary)."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from smarteconomy.choices import Role
from smarteconomy.worklist import Fact, WorkItem, register

from .models import ParkingLocation
from .selectors import days_without_data, failure_rate_spikes, last_logged_day

GROUP = gettext_lazy("Cashless e-parking")
OPERATORS = (Role.PARKING_OPERATOR,)
SHOWN_DAYS = 5
LATE_AFTER_DAYS = 2  # yesterday's log is expected today; one older than this calls for a look


def _short(day):
    return formats.date_format(day, "j M")


def missing_days_fact(user, today=None):
    found = days_without_data(ParkingLocation.objects.visible_to(user), today=today)
    parts = []
    total = 0
    for location, days in found:
        total += len(days)
        if days:
            shown = ", ".join(_short(day) for day in days[:SHOWN_DAYS])
            more = "…" if len(days) > SHOWN_DAYS else ""
            parts.append(f"{location.name}: {shown}{more}")
    if not total:
        return Fact(_("none"))
    text = ngettext("%(count)d day", "%(count)d days", total) % {"count": total}
    return Fact(f"{text} ({'; '.join(parts)})", attention=True)


def last_upload_fact(user, today=None):
    last = last_logged_day(ParkingLocation.objects.visible_to(user))
    if last is None:
        return Fact(_("nothing uploaded yet"), attention=True)
    today = today or timezone.localdate()
    return Fact(formats.date_format(last, "DATE_FORMAT"), attention=(today - last).days > LATE_AFTER_DAYS)


def spike_fact(user, today=None):
    spikes = failure_rate_spikes(ParkingLocation.objects.visible_to(user), today=today)
    if not spikes:
        return Fact(_("none"))
    usual = spikes[0][2]
    days = ", ".join(
        _("%(day)s: %(rate)s%%") % {"day": _short(day), "rate": formats.number_format(rate, 1)}
        for day, rate, _usual in spikes
    )
    return Fact(
        _("%(days)s (usually %(usual)s%%)") % {"days": days, "usual": formats.number_format(usual, 1)},
        attention=True,
    )


register(
    WorkItem(
        code="cashless.days_without_upload",
        label=gettext_lazy("Days without an upload (last 30 days)"),  # MISSING_DAYS_WINDOW
        roles=OPERATORS,
        group=GROUP,
        fact=missing_days_fact,
        url_name="cashless:upload",
        permission="cashless.add_parkingtransaction",
        order=50,
    )
)
register(
    WorkItem(
        code="cashless.last_upload",
        label=gettext_lazy("Last day uploaded"),
        roles=OPERATORS,
        group=GROUP,
        fact=last_upload_fact,
        url_name="cashless:transaction_list",
        permission="cashless.view_parkingtransaction",
        order=51,
    )
)
register(
    WorkItem(
        code="cashless.failure_spike",
        label=gettext_lazy("Days with a failure-rate spike (last 7 days)"),
        roles=OPERATORS,
        group=GROUP,
        fact=spike_fact,
        url_name="cashless:summary",
        permission="cashless.view_dailysummary",
        order=52,
    )
)
