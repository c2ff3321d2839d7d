"""The reporting pages: Bappeda's office x period grid (DHIS2's reporting rate summary), the drill-down of one
source, and the steps of the workflow (submit, approve, return, reopen) on a period."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .sources import all_sources, calendar_cells, summary


class ReportingOverviewView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "smarteconomy.view_reportingperiod"
    template_name = "smarteconomy/reporting_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cells = calendar_cells(all_sources())
        context.update(title=_("Reporting"), cells=cells, summary=summary(cells))
        return context
