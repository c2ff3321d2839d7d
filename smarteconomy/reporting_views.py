"""The reporting pages: Bappeda's office x period grid (DHIS2's reporting rate summary), the drill-down of one
source, and the steps of the workflow (submit, approve, return, reopen) on a period.

An office sees only its own sources (a parking operator only its own locations); another office's source is a 404,
as if it did not exist. The steps are POSTs whose permission is checked again by smarteconomy.reporting: the
responsible office submits (403 for anyone else who sees the source), only Bappeda and the administrators approve,
return and reopen."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from .choices import Role, SourceFrequency
from .exporting import export_response
from .periods import PeriodError
from .reporting import STEPS
from .reporting_selectors import (
    ATTENTION_STATES,
    cells_needing,
    grid,
    grid_rows_for_export,
    sees_everything,
    source_for,
    source_periods_for,
    visible_parts,
    year_choices,
)
from .sources import calendar_cells, format_rate, summary

EXPORT_FORMATS = ("csv", "xlsx")
# The lists of periods the overview shows above its grid for ``?show=`` (the worklist links to them).
ATTENTION_TITLES = {
    "waiting": gettext_lazy("Periods waiting for approval"),
    "late": gettext_lazy("Periods past their due day and not submitted"),
}


def _rates(numbers):
    return {
        **numbers,
        "completeness_text": format_rate(numbers["completeness"]),
        "timeliness_text": format_rate(numbers["timeliness"]),
    }


class ReportingOverviewView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "smarteconomy.view_reportingperiod"
    template_name = "smarteconomy/reporting_overview.html"

    def bad_request(self, reason):
        context = {"reason": reason, "back_url": reverse("reporting:overview"), "title": _("Reporting")}
        return render(self.request, "400.html", context, status=400)

    def get(self, request, *args, **kwargs):
        years = year_choices()
        raw = request.GET.get("year", "")
        if raw:
            try:
                year = int(raw)
            except ValueError:
                year = None
            if year not in years:
                return self.bad_request(
                    _("Unknown year “%(year)s”: choose one from %(first)s to %(last)s.")
                    % {"year": raw, "first": years[-1], "last": years[0]}
                )
        else:
            year = timezone.localdate().year
        fmt = request.GET.get("export", "")
        if fmt:
            if fmt not in EXPORT_FORMATS:
                return self.bad_request(_("Unknown export format “%(format)s”: use csv or xlsx.") % {"format": fmt})
            # Built now, in the request's language (a generator would be read while the response streams).
            rows = list(grid_rows_for_export(request.user, year))
            return export_response(request, rows, name=f"reporting-{year}", fmt=fmt)
        self.show = request.GET.get("show", "")
        if self.show and self.show not in ATTENTION_STATES:
            return self.bad_request(_("Unknown list “%(show)s”.") % {"show": self.show[:20]})
        self.year, self.years = year, years
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups, columns, total = grid(self.request.user, self.year)
        offices = []
        for label, rows in groups:
            cells = [cell for row in rows for slot in row.cells if slot for cell in [slot[0]]]
            # An office's table shows the months when it has a monthly or daily source, the year when a yearly one.
            shown = [*(range(12) if any(not row.source.yearly for row in rows) else ())]
            shown += [12] if any(row.source.yearly for row in rows) else []
            for row in rows:
                row.summary = _rates(row.summary)
                row.shown_cells = [row.cells[i] for i in shown]
            offices.append(
                {
                    "label": label,
                    "rows": rows,
                    "columns": [columns[i] for i in shown],
                    "summary": _rates(summary(cells)),
                }
            )
        context.update(
            title=_("Reporting"),
            year=self.year,
            years=self.years,
            columns=columns,
            offices=offices,
            summary=_rates(total),
            sees_everything=sees_everything(self.request.user),
        )
        if self.show:
            context["attention_title"] = ATTENTION_TITLES[self.show]
            context["attention"] = [
                {"cell": cell, "state": state, "url": _source_url(cell.source, cell.part.key)}
                for cell, state in cells_needing(self.request.user, self.show)
            ]
        return context


def _source_and_part(request, code, part_key):
    """The source and part the user sees, or 404."""
    source = source_for(request.user, code)
    if source is None:
        raise Http404(_("No data source “%(code)s” for you.") % {"code": code})
    parts = visible_parts(request.user, source)
    if source.parts is None:
        return source, parts[0], parts
    part = next((p for p in parts if p.key == part_key), None)
    if part_key and part is None:
        raise Http404(_("No part “%(part)s” of %(source)s for you.") % {"part": part_key, "source": source.name})
    return source, part, parts


def _source_url(source, part_key=""):
    url = reverse("reporting:source", kwargs={"code": source.code})
    return f"{url}?{urlencode({'part': part_key})}" if part_key else url


class ReportingSourceView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """One source (one part of it): every period with its due day, what arrived, its state, who and when, the
    reason of a return or a reopening, its history, and the steps the user may take."""

    permission_required = "smarteconomy.view_reportingperiod"
    template_name = "smarteconomy/reporting_source.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source, part, parts = _source_and_part(self.request, kwargs["code"], self.request.GET.get("part", ""))
        if source.yearly:
            due_rule = _("due on %(day)02d/%(month)02d of the following year") % {
                "day": source.yearly_due[1],
                "month": source.yearly_due[0],
            }
        else:
            due_rule = _("due on day %(day)s of the following month") % {"day": source.due_day}
        context.update(
            source=source,
            part=part,
            parts=parts,
            part_rows=None,
            title=source.name,
            office_label=Role(source.office).label,
            frequency_label=SourceFrequency(source.frequency).label,
            due_rule=due_rule,
        )
        if part is None:  # a source reported per location, none chosen: the locations, each with its summary
            cells = calendar_cells([source])
            context["part_rows"] = [
                {
                    "part": p,
                    "url": _source_url(source, p.key),
                    "summary": _rates(summary([c for c in cells if c.part.key == p.key])),
                }
                for p in parts
            ]
            return context
        rows = source_periods_for(self.request.user, source, part)
        context.update(
            rows=rows,
            summary=_rates(summary([row.cell for row in rows])),
            title=f"{source.name} · {part.label}" if part.key else source.name,
            source_url=_source_url(source, part.key),
        )
        return context


class ReportingStepView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """POST: take a step of the workflow on a period (the part and the reason in the form); back to the source's
    page with a message saying what happened or why it was refused."""

    permission_required = "smarteconomy.view_reportingperiod"
    http_method_names = ["post"]

    def post(self, request, code, period, step):
        if step not in STEPS:
            raise Http404(_("Unknown step “%(step)s”.") % {"step": step})
        part_key = request.POST.get("part", "")
        source, part, _parts = _source_and_part(request, code, part_key)
        if part is None:
            raise Http404(_("Choose a location of %(source)s.") % {"source": source.name})
        kwargs = {"source": source.code, "period": period, "part": part.key, "by": request.user}
        if step in ("return", "reopen"):
            kwargs["reason"] = request.POST.get("reason", "")
        try:
            row = STEPS[step](**kwargs)
        except PermissionDenied:
            raise
        except (ValidationError, PeriodError) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, _("%(period)s: %(error)s") % {"period": period, "error": text})
        else:
            done = {
                "submit": _("%(period)s of %(source)s is submitted: Bappeda will approve it or return it."),
                "approve": _("%(period)s of %(source)s is approved: its data is locked."),
                "return": _("%(period)s of %(source)s is returned to the office with your reason."),
                "reopen": _("%(period)s of %(source)s is reopened: the office may correct and submit it again."),
            }[step]
            messages.success(request, done % {"period": row.period, "source": source.name})
        return redirect(_source_url(source, part.key))
