"""Published editions of the scorecard: the list (with Bappeda's publish form), an edition's page with its frozen
entries, content hash and what changed since, and its PDF and XLSX, rendered from the frozen entries only."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from .. import editions
from ..choices import Pillar, SnapshotStatus
from ..models import ScorecardEdition
from ..reports import FORMATS, NOT_COMPUTED, render_pdf, render_xlsx, status_label
from ..selectors import snapshot_list
from .scorecard import STATUS_STYLE, _report_periods, format_value


class PublishForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Period"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(value, value) for value, _shown in periods]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"
        self.fields["period"].widget.attrs["class"] = "form-select form-select-sm"


def _periods():
    return _report_periods(set(snapshot_list().values_list("period", flat=True).distinct()))


class EditionListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """Every published edition, the newest first; Bappeda and the administrators publish a new one here."""

    permission_required = "analytics.view_scorecardedition"
    template_name = "analytics/edition_list.html"
    context_object_name = "editions"

    def get_queryset(self):
        return ScorecardEdition.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        can_publish = self.request.user.has_perm("analytics.publish_edition")
        periods = _periods() if can_publish else []
        form = PublishForm(periods=periods, initial={"period": periods[0][0] if periods else None})
        context.update(title=_("Published editions"), can_publish=can_publish, form=form)
        return context


class EditionPublishView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """POST: publish an edition of the scorecard for a period (editions.publish)."""

    permission_required = "analytics.publish_edition"

    def post(self, request):
        form = PublishForm(request.POST, periods=_periods())
        if not form.is_valid():
            errors = "; ".join(f"{form.fields[name].label}: {' '.join(e)}" for name, e in form.errors.items())
            messages.error(request, _("Not published: %(errors)s") % {"errors": errors})
            return redirect("analytics:edition_list")
        data = form.cleaned_data
        try:
            edition = editions.publish(data["period"], data["title"], request.user, notes=data["notes"])
        except editions.EditionError as exc:
            messages.error(request, _("Not published: %(errors)s") % {"errors": exc.message})
            return redirect("analytics:edition_list")
        messages.success(request, _("Edition “%(title)s” published.") % {"title": edition.title})
        return redirect(edition)


def _entry_row(entry, row):
    indicator = row.indicator
    shown = row.snapshot  # None: no snapshot for the period, or withheld from the reader
    status = shown.status if shown else NOT_COMPUTED
    return {
        "entry": entry,
        "indicator": indicator,
        "shown": shown,
        "value": format_value(indicator, shown.value if shown else None),
        "target": format_value(indicator, shown.target if shown else None),
        "style": STATUS_STYLE.get(status, "light"),
        "status_label": status_label(status) if status in (*SnapshotStatus.values, NOT_COMPUTED) else status,
    }


class EditionDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """An edition as published: its entries, who published it and when, its data as of, its content hash (checked
    against the stored entries), and where the live scorecard has changed since."""

    permission_required = "analytics.view_scorecardedition"
    template_name = "analytics/edition_detail.html"

    def get_context_data(self, pk, **kwargs):
        context = super().get_context_data(**kwargs)
        edition = get_object_or_404(ScorecardEdition, pk=pk)
        rows = [_entry_row(entry, row) for entry, row in editions.edition_rows(edition, self.request.user)]
        pillars = [
            {"pillar": pillar, "rows": [r for r in rows if r["indicator"].pillar == pillar.value]} for pillar in Pillar
        ]
        changes = []
        for entry, snapshot, changed in editions.changes_since(edition, self.request.user):
            if changed:
                indicator = editions.frozen_indicator(entry)
                changes.append(
                    {
                        "indicator": indicator,
                        "period": entry.period,
                        "old": format_value(indicator, entry.value),
                        "new": format_value(indicator, snapshot.value) if snapshot else _("no longer computed"),
                    }
                )
        context.update(
            title=edition.title,
            edition=edition,
            pillars=[p for p in pillars if p["rows"]],
            verified=editions.verify(edition),
            changes=changes,
        )
        return context


class EditionDownloadView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The edition's PDF or XLSX, rendered from its frozen entries only: the same edition gives the same file."""

    permission_required = "analytics.view_scorecardedition"

    def get(self, request, pk, fmt):
        from smarteconomy.models import ExportLog
        from smarteconomy.roles import user_role

        if fmt not in FORMATS:
            raise Http404(_("Unknown format “%(format)s”: use pdf or xlsx.") % {"format": fmt})
        edition = get_object_or_404(ScorecardEdition, pk=pk)
        report = editions.edition_report(edition, user=request.user)
        content = render_pdf(report) if fmt == "pdf" else render_xlsx(report)
        ExportLog.objects.create(
            list_name="analytics:edition_download",
            office=user_role(request.user) or "",
            user=request.user,
            format=fmt,
            query=f"edition={edition.pk}",
            rows=len(report.rows),
        )
        response = HttpResponse(content, content_type=FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{report.filename}.{fmt}"'
        add_never_cache_headers(response)
        return response
