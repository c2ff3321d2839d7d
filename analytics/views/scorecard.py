"""The scorecard: Bappeda's dashboard of the six pillars, each indicator's page (its definition sheet, trend,
targets and the records behind it), target setting, and the "recompute now" button. Pages read snapshots only."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from smarteconomy.cache import Generation
from smarteconomy.choices import ReportingStatus, Role
from smarteconomy.forms import LocalizedDecimalField, LocalizedIntegerField
from smarteconomy.roles import may_open, user_role
from smarteconomy.tasking import enqueue
from smarteconomy.templatetags.formatting import number

from .. import charts, registry
from ..choices import Direction, Frequency, IndicatorKind, Pillar, SnapshotStatus, Unit
from ..models import IndicatorBaseline, IndicatorTarget
from ..scorecard import indicator_baseline_set, indicator_target_set
from ..selectors import (
    indicator_withheld,
    indicators_turned_off_track,
    last_recompute,
    of_frequency,
    scorecard_series,
    snapshot_list,
)

STATUS_STYLE = {
    SnapshotStatus.ON_TRACK: "success",
    SnapshotStatus.AT_RISK: "warning",
    SnapshotStatus.OFF_TRACK: "danger",
    SnapshotStatus.INCOMPLETE: "secondary",
    SnapshotStatus.NO_TARGET: "light",
}


def format_value(indicator, value):
    """A value with its unit, in Indonesian format."""
    if value is None:
        return "–"
    if indicator.unit == Unit.PERCENT:
        return f"{number(value, max(indicator.decimals, 1))}%"
    if indicator.unit == Unit.RUPIAH:
        return f"Rp{number(value, indicator.decimals)}"
    text = number(value, indicator.decimals)
    return {Unit.DAYS: _("%(n)s days"), Unit.HOURS: _("%(n)s hours")}.get(indicator.unit, "%(n)s") % {"n": text}


def _series(indicator, snapshots):
    """The snapshots of the indicator's own frequency (a monthly indicator's months, a quarterly one's quarters;
    their years are kept for the tables), so that a trend never mixes a year's value among the months."""
    return [s for s in snapshots if of_frequency(indicator, registry.Period.parse(s.period))]


def _row(indicator, snapshots):
    # The period still running (this month, this year) is shown beside the last period that has ended, which
    # carries the status: a month in progress is incomplete by nature and says nothing about the data.
    snapshots, running = scorecard_series(indicator, snapshots)
    latest = snapshots[-1] if snapshots else None
    # When the newest period is still incomplete, the last complete value is shown beside it.
    known = next((s for s in reversed(snapshots) if s.status != SnapshotStatus.INCOMPLETE), None)
    return {
        "note": (known or latest).shown_completeness["note"] if (known or latest) else "",
        "running": running,
        "running_value": format_value(indicator, running.value) if running else None,
        "last_known": known if latest and known and known is not latest else None,
        "last_known_value": format_value(indicator, known.value) if known else None,
        "indicator": indicator,
        "latest": latest,
        "value": format_value(indicator, latest.value if latest else None),
        "target": format_value(indicator, latest.target if latest else None),
        "style": STATUS_STYLE.get(latest.status, "light") if latest else "light",
        "status_label": SnapshotStatus(latest.status).label if latest else _("Not computed yet"),
        "sparkline": charts.sparkline(
            [s.value if s.status != SnapshotStatus.INCOMPLETE else None for s in snapshots],
            title=str(indicator.name),
            status=latest.status if latest else "",
            testid=f"spark-{indicator.code}",
        ),
    }


class ScorecardView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The six pillars at a glance. Its body is rendered once per language, role, filter and day and cached
    (``scorecard_rendering``); the page around it (menu, buttons by permission, CSRF tokens) is rendered for each
    request. Uncached, a constant number of queries: one for every snapshot, one for the editions, one for the run
    log."""

    permission_required = "analytics.view_indicatorsnapshot"
    template_name = "analytics/scorecard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        only_turned = self.request.GET.get("turned") == SnapshotStatus.OFF_TRACK
        rendering = scorecard_rendering(self.request.user, only_turned_off_track=only_turned)
        context.update(
            title=_("Smart Economy scorecard"),
            body=mark_safe(rendering["body"]),  # rendered by the template engine, escaped there
            run=rendering["run"],
            report_form=mark_safe(rendering["report_form"]),  # the same
        )
        return context


# What the scorecard's body shows changes with a recompute (its snapshots and its run), a target, and a published or
# withdrawn edition (the revisions): each of these empties the cache (analytics.apps).
SCORECARD_CACHE = Generation("scorecard")
BODY_TEMPLATE = "analytics/_scorecard_body.html"
REPORT_FORM_TEMPLATE = "analytics/_scorecard_report_form.html"
RENDERING_KEYS = {"body", "report_form", "run"}


def scorecard_rendering(user, *, only_turned_off_track=False):
    """{"body": HTML, "report_form": HTML, "run": the last recompute} of the scorecard as ``user`` sees it, from
    the cache when it is there (``SCORECARD_CACHE_SECONDS``, 0: never cached). What the body shows differs only by
    the user's role (the indicators withheld from parking operators: ``indicator_withheld``), the language, the
    filter and the day (the period in progress), which make the key; the body is rendered without the request, so
    that nothing of one user (permissions, CSRF token) can reach another."""
    seconds = settings.SCORECARD_CACHE_SECONDS
    key = (
        get_language(),
        user_role(user) or "-",
        "turned" if only_turned_off_track else "all",
        timezone.localdate().isoformat(),
    )
    rendering, generation = SCORECARD_CACHE.get(*key) if seconds > 0 else (None, None)
    if not isinstance(rendering, dict) or rendering.keys() != RENDERING_KEYS:  # absent, or cached by older code
        rendering = _render_scorecard(user, only_turned_off_track)
        if seconds > 0:
            SCORECARD_CACHE.set(generation, rendering, seconds, *key)
    return rendering


def _render_scorecard(user, only_turned_off_track):
    from ..editions import revisions

    by_indicator = {}
    periods = set()
    snapshots = list(snapshot_list(user=user))
    for snapshot in snapshots:
        by_indicator.setdefault(snapshot.indicator_code, []).append(snapshot)
        periods.add(snapshot.period)
    revised = revisions(snapshots)  # where the latest edition of a period has another value than today
    # ?turned=off_track: only the indicators that turned off track (Bappeda's worklist links here).
    only = set(indicators_turned_off_track(user)) if only_turned_off_track else None
    pillars = []
    for pillar in Pillar:
        indicators = [i for i in registry.all_indicators() if i.pillar == pillar and (only is None or i.code in only)]
        rows = [_row(indicator, by_indicator.get(indicator.code, [])) for indicator in indicators]
        for row in rows:
            if indicator_withheld(row["indicator"], user):
                row.update(note=WITHHELD_NOTE, status_label=_("Your location only"))
            row["revision"] = _revision_text(row["indicator"], row["latest"], revised)
        if only is None or rows:
            pillars.append({"pillar": pillar, "rows": rows})
    body = render_to_string(
        BODY_TEMPLATE,
        {
            "pillars": pillars,
            "revisions": [
                {"indicator": revision.indicator, "period": revision.entry.period, "text": _revised_text(revision)}
                for revision in sorted(revised.values(), key=lambda r: (r.entry.position, r.entry.period))
            ],
            "only_turned_off_track": only is not None,
            "counts": {
                status: sum(1 for p in pillars for r in p["rows"] if r["latest"] and r["latest"].status == status)
                for status in SnapshotStatus.values
            },
        },
    )
    report_form = render_to_string(REPORT_FORM_TEMPLATE, {"report_periods": _report_periods(periods)})
    return {"body": str(body), "report_form": str(report_form), "run": last_recompute()}


def _revised_text(revision):
    # Translators: "Diubah sejak edisi Evaluasi Smart Economy 2025: 12 → 13"
    return _("Changed since edition %(title)s: %(old)s → %(new)s") % {
        "title": revision.edition.title,
        "old": format_value(revision.indicator, revision.old),
        "new": format_value(revision.indicator, revision.new),
    }


def _revision_text(indicator, snapshot, revised):
    """The revision of the snapshot a row shows since the latest edition of its period, or None."""
    revision = revised.get((indicator.code, snapshot.period)) if snapshot else None
    return _revised_text(revision) if revision else None


WITHHELD_NOTE = gettext_lazy(
    "The city's value combines every operator's locations; your location's figures are on the indicator's page."
)
# On the indicator's page itself: the city's series is not shown, the breakdown holds the user's own location.
WITHHELD_DETAIL_NOTE = gettext_lazy(
    "The city's value combines every operator's locations and is shown to Bappeda only; the breakdown below holds "
    "your location's figures."
)


def _report_periods(periods):
    """The periods the monitoring report offers: every year with snapshots, the latest first (the report's default),
    then each month of the latest year with monthly snapshots. [(value, year or first day of the month)]; the
    template names the month."""
    parsed = [registry.Period.parse(text) for text in periods]
    years = sorted({period.year for period in parsed}, reverse=True)
    last = max((period.year for period in parsed if period.is_month), default=None)
    months = sorted((p for p in parsed if p.is_month and p.year == last), key=str, reverse=True)
    return [(str(year), year) for year in years] + [(str(month), month.start) for month in months]


def unit_of(indicator):
    """The unit shown beside an indicator's value input (none for a count)."""
    return None if indicator.unit == Unit.COUNT else Unit(indicator.unit).label


class _SmallForm(forms.Form):
    """A year and a value of an indicator, in its unit (``unit``: see unit_of)."""

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].widget.unit = unit
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"


class TargetForm(_SmallForm):
    prefix = "target"
    year = LocalizedIntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100, grouping=False)
    value = LocalizedDecimalField(label=gettext_lazy("Target"), max_digits=20, decimal_places=4)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


class BaselineForm(_SmallForm):
    prefix = "baseline"
    year = LocalizedIntegerField(label=gettext_lazy("Base year"), min_value=2000, max_value=2100, grouping=False)
    value = LocalizedDecimalField(label=gettext_lazy("Value"), max_digits=20, decimal_places=4)
    source = forms.CharField(label=gettext_lazy("Source"), max_length=200)


def _indicator_or_404(code):
    try:
        return registry.get_indicator(code)
    except registry.RegistryError:
        raise Http404(_("No such indicator.")) from None


class IndicatorDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The definition sheet of one indicator with its trend, targets, completeness and records."""

    permission_required = "analytics.view_indicatorsnapshot"
    template_name = "analytics/indicator_detail.html"

    def get_context_data(self, code, **kwargs):
        context = super().get_context_data(**kwargs)
        indicator = _indicator_or_404(code)
        snapshots = list(snapshot_list(indicator_code=code))
        series = _series(indicator, snapshots)
        latest = series[-1] if series else None
        # The breakdown and the records link follow the newest period that has data.
        shown = next((s for s in reversed(series) if s.status != SnapshotStatus.INCOMPLETE), latest)
        period = registry.Period.parse(shown.period) if shown else None
        withheld = indicator_withheld(indicator, self.request.user)
        if withheld:  # the user's own rows of the breakdown only: no value, trend or completeness of the city
            snapshots, series, latest = [], [], None
        from ..editions import revisions
        from ..history import value_history

        revised = revisions(snapshots)
        history = [] if withheld else _history_rows(indicator, value_history(code)[:HISTORY_ROWS])
        rows = [
            {
                "snapshot": s,
                "revision": _revision_text(indicator, s, revised),
                "value": format_value(indicator, s.value),
                "target": format_value(indicator, s.target),
                "style": STATUS_STYLE.get(s.status, "light"),
                "status_label": SnapshotStatus(s.status).label,
                "missing": [item for item in s.shown_completeness["inputs"] if not item["present"]],
                # A monthly (quarterly) indicator's year, recomputed from the year's records, stands out among its
                # months (quarters).
                "is_year_total": indicator.frequency != Frequency.YEARLY and len(s.period) == 4,
            }
            for s in sorted(snapshots, key=lambda s: registry.Period.parse(s.period).sort_key, reverse=True)
        ]
        breakdown = None
        if indicator.breakdown and period:
            columns, cells = indicator.breakdown(period, user=self.request.user)
            breakdown = (columns, [[number(c, 3) if isinstance(c, float) else c for c in row] for row in cells])
        context.update(
            title=str(indicator.name),
            indicator=indicator,
            pillar_label=Pillar(indicator.pillar).label,
            unit_label=Unit(indicator.unit).label,
            kind_label=IndicatorKind(indicator.kind).label,
            direction_label=Direction(indicator.direction).label,
            frequency_label=Frequency(indicator.frequency).label,
            office_label=Role(indicator.source_office).label,
            rows=rows,
            latest=latest,
            shown=shown,
            withheld_note=WITHHELD_DETAIL_NOTE if withheld else None,
            chart=charts.line_chart(
                [(s.period, s.value if s.status != SnapshotStatus.INCOMPLETE else None) for s in series],
                title=_("%(name)s over time, with its target") % {"name": indicator.name},
                y_label=str(Unit(indicator.unit).label),
                target_points=[(s.period, s.target) for s in series],
                value_format=indicator.decimals,
                testid="chart-indicator",
            ),
            records_url=self._records_url(indicator, period),
            breakdown=breakdown,
            baseline=IndicatorBaseline.objects.filter(indicator_code=code).first(),
            targets=IndicatorTarget.objects.filter(indicator_code=code).order_by("year"),
            target_form=TargetForm(unit=unit_of(indicator)),
            baseline_form=BaselineForm(unit=unit_of(indicator)),
            can_set=self.request.user.has_perm("analytics.change_indicatortarget"),
            history=history,
            # Changes after the first computation: the box opens when there are any.
            history_changes=sum(1 for item in history if not item["change"].created),
            history_limit=HISTORY_ROWS,
        )
        return context

    def _records_url(self, indicator, period):
        """The records behind the value, when the user may see them (another office's records would be a 403)."""
        url = indicator.records_url(period) if indicator.records_url and period else None
        return url if url and may_open(self.request, url) else None


HISTORY_ROWS = 100  # the newest changes shown on an indicator's page


def _history_rows(indicator, changes):
    return [
        {
            "change": change,
            "old": "–" if change.created else format_value(indicator, change.old_value),
            "new": format_value(indicator, change.new_value),
            "status_label": SnapshotStatus(change.status).label if change.status in SnapshotStatus.values else "",
            "style": STATUS_STYLE.get(change.status, "light"),
        }
        for change in changes
    ]


class _IndicatorWriteView(LoginRequiredMixin, PermissionRequiredMixin, View):
    form_class = None

    def post(self, request, code):
        indicator = _indicator_or_404(code)
        form = self.form_class(request.POST, unit=unit_of(indicator))
        if form.is_valid():
            self.save(indicator, form.cleaned_data)
            messages.success(request, self.done_message)
        else:
            errors = "; ".join(f"{form.fields[name].label}: {' '.join(e)}" for name, e in form.errors.items())
            messages.error(request, _("Not saved: %(errors)s") % {"errors": errors})
        return redirect("analytics:indicator_detail", code=indicator.code)


class IndicatorTargetSetView(_IndicatorWriteView):
    permission_required = "analytics.change_indicatortarget"
    form_class = TargetForm
    done_message = gettext_lazy("Target saved. The scorecard shows it after the next recompute.")

    def save(self, indicator, data):
        indicator_target_set(
            indicator_code=indicator.code,
            year=data["year"],
            value=data["value"],
            note=data["note"],
            by=self.request.user,
        )


class IndicatorBaselineSetView(_IndicatorWriteView):
    permission_required = "analytics.change_indicatorbaseline"
    form_class = BaselineForm
    done_message = gettext_lazy("Baseline saved.")

    def save(self, indicator, data):
        indicator_baseline_set(
            indicator_code=indicator.code,
            year=data["year"],
            value=data["value"],
            source=data["source"],
            by=self.request.user,
        )


class RecomputeView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Queue the same task the nightly schedule runs; the lock skips it if a run is in progress."""

    permission_required = "analytics.recompute_indicators"

    def post(self, request):
        from ..tasks import indicators_recompute_task

        full = request.POST.get("full") == "1"
        # Nothing is lost when the queue is down: the changed periods stay marked in the database and the
        # nightly run (or the next click) recomputes them.
        if enqueue(indicators_recompute_task, full=full):
            messages.info(request, _("Recompute queued. The page shows the new “data as of” when it has finished."))
        else:
            messages.warning(
                request,
                _(
                    "The task queue is unavailable right now, so the recompute could not be queued. Nothing is "
                    "lost: the changed data will be included in the nightly recompute at 01:00 WITA, or try "
                    "again in a few minutes."
                ),
            )
        return redirect("analytics:scorecard")


FREQUENCY_LABELS = {
    "daily": pgettext_lazy("reporting calendar", "Daily"),
    "monthly": pgettext_lazy("reporting calendar", "Monthly"),
    "yearly": pgettext_lazy("reporting calendar", "Yearly"),
}


def _percent(part, whole):
    """part ÷ whole in %, Indonesian format with one decimal ("–" when nothing is expected)."""
    return "–" if not whole else f"{number(part / whole * 100, 1)}%"


def source_completeness(user):
    """The reporting calendar per data source (smarteconomy.sources), as DHIS2's reporting rate summary: expected,
    received (submitted), on time, not reported ("tidak dilaporkan": past due with neither data nor a submission),
    completeness (received ÷ expected) and timeliness (on time ÷ expected), and the periods still missing. Units are
    periods, days for a daily source (a parking location counts the days it is expected). An office sees its own
    sources (a parking operator its locations), Bappeda and the administrators all of them."""
    from smarteconomy.sources import all_sources, calendar_cells

    role = user_role(user)
    sources = [s for s in all_sources() if role in (Role.BAPPEDA, Role.ADMIN) or s.office == role]
    everything = role in (Role.BAPPEDA, Role.ADMIN)
    parts = {s.code: s.parts_of_user(user) for s in sources if not everything and s.parts_of_user is not None}
    rows = {}
    for cell in calendar_cells(sources):
        source = cell.source
        if not cell.expected or (source.code in parts and cell.part.key not in parts[source.code]):
            continue
        row = rows.get(source.code)
        if row is None:
            start, end = source.schedule()
            row = rows[source.code] = {
                "source": source,
                "office": str(Role(source.office).label).split(" (")[0],  # "DKUMKMP", not the office's full name
                "frequency": FREQUENCY_LABELS[source.frequency],
                "start": start,
                "end": end,
                "expected": 0,
                "received": 0,
                "on_time": 0,
                "not_reported": 0,
                "missing": [],
            }
        units = cell.expected_units
        row["expected"] += units
        if cell.submitted:
            row["received"] += units
            row["on_time"] += units if cell.on_time else 0
            continue
        if cell.status == ReportingStatus.RETURNED:
            state = "returned"  # Bappeda sent it back with a reason
        elif cell.has_data:
            state = "not_submitted"
        else:
            state = "not_reported" if cell.not_reported else "awaited"
        if cell.not_reported:  # past due with neither data nor a submission (a returned period too)
            row["not_reported"] += units
        label = f"{cell.period} ({cell.part.label})" if cell.part.key else str(cell.period)
        row["missing"].append(
            {"period": label, "state": state, "not_reported": state == "not_reported", "key": str(cell.period)}
        )
    result = list(rows.values())
    for row in result:
        row["completeness"] = _percent(row["received"], row["expected"])
        row["timeliness"] = _percent(row["on_time"], row["expected"])
        row["missing"].sort(key=lambda item: item["period"])
        row["missing"].sort(key=lambda item: item["key"], reverse=True)  # the newest first, then by part
    return sorted(result, key=lambda row: (row["office"], row["source"].code))


class CompletenessView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Which office's data is missing for which period: the inputs of every snapshot, per source office.
    An indicator with missing inputs shows as incomplete on the scorecard until its office submits them."""

    permission_required = "analytics.view_indicatorsnapshot"
    template_name = "analytics/completeness.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicators = {indicator.code: indicator for indicator in registry.all_indicators()}
        urls = {code: reverse("analytics:indicator_detail", args=[code]) for code in indicators}
        offices, running = {}, set()
        # Every snapshot of every period (hundreds, more each month): read as values, not model instances, and
        # only the missing inputs' texts are translated (the arrived ones are only counted). A period in progress
        # is not an office's missing data: it is said once, above the tables, not in every row.
        snapshots = snapshot_list(user=self.request.user).order_by("-period_start", "indicator_code")
        for code, period, completeness in snapshots.values_list("indicator_code", "period", "completeness"):
            indicator = indicators.get(code)
            if indicator is None:
                continue
            inputs = (completeness or {}).get("inputs", [])
            if any(registry.is_period_input(item) and not item.get("present") for item in inputs):
                running.add(period)
            inputs = [item for item in inputs if not registry.is_period_input(item)]
            if not inputs:
                # Nothing but the period itself: a period in progress, said once above the tables. A row of
                # "- -" under an office's heading read as if something were missing.
                continue
            missing = [
                {"name": registry.render_text(item.get("name")), "detail": registry.render_text(item.get("detail"))}
                for item in inputs
                if not item.get("present")
            ]
            offices.setdefault(indicator.source_office, []).append(
                {
                    "period": period,
                    "indicator": indicator,
                    "url": urls[code],
                    "present": len(inputs) - len(missing),
                    "expected": len(inputs),
                    "missing": missing,
                }
            )
        context.update(
            title=_("Data completeness"),
            offices=[
                {
                    "label": Role(office).label,
                    "rows": rows,
                    "missing": sum(len(row["missing"]) for row in rows),
                }
                for office, rows in sorted(offices.items())
            ],
            sources=source_completeness(self.request.user),
            run=last_recompute(),
            running=", ".join(sorted(running, key=lambda p: (p[:4], len(p)))),
        )
        return context
