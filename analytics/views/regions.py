"""The province's regions side by side: the LQ of every sector in every region whose GRDP is loaded, and Kota
Balikpapan beside its neighbours."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from ..choices import MARK_OF_STATUS, GrdpStatus, source_label
from ..forms import ProvinceComparisonForm
from ..selectors import province_comparison
from .leading_sectors import NOT_OFFICIAL_MARK

# The heat table's shades: LQ above 1 in teal, deeper the further above; below 1 in pale blue-grey. The number is
# always written in the cell and a basis sector is also in bold: the shade only repeats them.
SHADES = ((2.0, "lq-heat-4"), (1.25, "lq-heat-3"), (1.0, "lq-heat-2"), (0.75, "lq-heat-1"))


def shade(value):
    if value is None or value != value:  # NaN: no value
        return ""
    return next((name for bound, name in SHADES if value > bound or (bound == 0.75 and value >= bound)), "lq-heat-0")


class ProvinceComparisonView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "analytics.view_grdpvalue"
    template_name = "analytics/province_comparison.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ProvinceComparisonForm(self.request.GET or None)
        context.update(form=form, title=_("Regions of Kalimantan Timur"))
        if form.is_bound and not form.is_valid():
            return context
        data = form.cleaned_data if form.is_bound else {"price_basis": "ADHK", "year": None, "vintage": None}
        result = province_comparison(price_basis=data["price_basis"], year=data["year"], vintage=data["vintage"])
        context["result"] = result
        if result is None:
            return context
        context["vintage_label"] = source_label(result.vintage.label) if result.vintage else ""
        context["sources"] = [source_label(source) for source in result.sources]
        context["not_official"] = any(NOT_OFFICIAL_MARK in source.lower() for source in result.sources)
        context["marked"] = [
            (region, GrdpStatus(result.statuses[region.code]).label)
            for region in result.regions
            if result.statuses.get(region.code, GrdpStatus.FINAL) != GrdpStatus.FINAL
        ]
        computed = [region for region in result.regions if result.lq is not None and region.code in result.lq.columns]
        context["columns"] = [(region, MARK_OF_STATUS[result.statuses[region.code]]) for region in computed]
        context["heat_rows"] = (
            [
                (
                    code,
                    result.sector_names.get(code, code),
                    [(row[region.code], shade(row[region.code])) for region in computed],
                )
                for code, row in result.lq.iterrows()
            ]
            if result.lq is not None
            else []
        )
        context["neighbours"] = result.neighbours()
        return context
