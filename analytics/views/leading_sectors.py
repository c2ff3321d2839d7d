import hashlib

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.cache import cache
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from smarteconomy.exporting import export_response, table_rows
from smarteconomy.lists import ObjectListView
from smarteconomy.models import Sector
from smarteconomy.views import ObjectDetailView

from .. import charts, tables
from .. import economics as ec
from ..choices import GrdpStatus, source_label, unit_label
from ..filtersets import GrdpValueFilterSet, RegionFilterSet
from ..forms import METHOD_LABELS, VARIANT_LABELS, LeadingSectorsForm
from ..models import GrdpValue, Region
from ..narrative import CLASS_LABELS, DLQ_LABELS, KLASSEN_LABELS, narrative
from ..selectors import grdp_list, leading_sectors, lq_class_changes
from ..tables import year_mark

NOT_OFFICIAL_MARK = "not official"
MILLION = 1_000_000
CACHE_SECONDS = 6 * 3600


class GrdpValueListView(ObjectListView):
    queryset = grdp_list()
    filterset_class = GrdpValueFilterSet
    table_class = tables.GrdpValueTable
    title = gettext_lazy("GRDP (PDRB) by sector")
    default_sort = "id"
    export_name = "grdp"
    actions = ((gettext_lazy("Import GRDP"), "imports:upload", {"importer": "grdp"}, "analytics.add_grdpvalue"),)


class GrdpValueDetailView(ObjectDetailView):
    model = GrdpValue
    fields = ("region", "sector", "year", "price_basis", "value", "unit", "status", "release", "source")

    def field_rows(self):
        shown = {
            self.model._meta.get_field("source").verbose_name: source_label,
            self.model._meta.get_field("unit").verbose_name: unit_label,
        }
        return [(label, shown[label](value) if label in shown else value) for label, value in super().field_rows()]


class RegionListView(ObjectListView):
    queryset = Region.objects.all()
    filterset_class = RegionFilterSet
    table_class = tables.RegionTable
    title = gettext_lazy("Regions")
    default_sort = "code"
    export_name = "regions"


class RegionDetailView(ObjectDetailView):
    model = Region
    fields = ("code", "name", "level")


def _rows(frame, sector_names, **extra):
    rows = []
    for code, values in frame.iterrows():
        row = {"sector_code": code, "sector_name": sector_names.get(code, _("Total") if code == ec.TOTAL else code)}
        row.update(values.to_dict())
        for key, mapper in extra.items():
            row[key] = mapper(row)
        rows.append(row)
    return rows


class LeadingSectorsView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Sektor unggulan: LQ, dynamic LQ, shift-share and Klassen for a region against a reference."""

    permission_required = "analytics.view_grdpvalue"
    template_name = "analytics/leading_sectors.html"
    result_template = "analytics/_leading_sectors_result.html"
    EXPORTS = ("lq", "dlq", "shiftshare", "klassen")

    def get(self, request, *args, **kwargs):
        form = LeadingSectorsForm(request.GET)
        context = {"form": form, "title": _("Leading sectors")}
        if not form.regions:
            context["no_data"] = True
            return self.render_to_response(context)
        if not form.is_valid():
            return self.render_to_response(context)
        data = form.cleaned_data
        export = request.GET.get("export")
        key = self.cache_key(request)
        if not export and (cached := cache.get(key)) is not None:
            context["result_html"] = cached
            return self.render_to_response(context)
        try:
            result = leading_sectors(
                region=data["region"],
                reference=data["reference"],
                start=data["start"],
                end=data["end"],
                price_basis=data["price_basis"],
                shift_share_method=data["method"],
                dlq_variant=data["variant"],
                vintage=data["vintage"],
            )
            class_changes = None
            if data["compare"] is not None:
                class_changes = lq_class_changes(
                    region=data["region"],
                    reference=data["reference"],
                    price_basis=data["price_basis"],
                    start=data["start"],
                    end=data["end"],
                    old=data["compare"],
                    new=data["vintage"],
                )
        except ec.EconomicsError as exc:
            context["error"] = str(exc)
            return self.render_to_response(context)
        built = self.build_tables(result)
        if export in built and request.GET.get("format") in ("csv", "xlsx"):
            table = built[export]
            name = f"{export}-{result.region.code}-{result.start}-{result.end}-{result.price_basis}"
            return export_response(
                request, table_rows(table, [row.record for row in table.rows]), name=name, fmt=request.GET["format"]
            )
        result_context = {
            "result": result,
            "tables": built,
            "narrative": narrative(result),
            "charts": self.build_charts(result),
            "method_label": METHOD_LABELS[result.shift_share_method],
            "variant_label": VARIANT_LABELS[result.dlq_variant],
            "not_official": any(NOT_OFFICIAL_MARK in source.lower() for source in result.sources),
            "sources": [source_label(source) for source in result.sources],
            "vintage_label": source_label(result.vintage.label) if result.vintage else "",
            "marked_years": [
                (year_mark(year, result.statuses), GrdpStatus(status).label)
                for year, status in result.statuses.items()
                if status != GrdpStatus.FINAL
            ],
            "compare": data["compare"],
            "class_changes": self.class_change_rows(class_changes, result.sector_names),
        }
        context.update(result_context)
        context["result_html"] = render_to_string(self.result_template, result_context, request)
        cache.set(key, context["result_html"], CACHE_SECONDS)
        return self.render_to_response(context)

    def cache_key(self, request):
        """The analysis depends only on the query, the language and the data: any GRDP or sector change
        (every write leaves a history row) gives a new key, so a cached result is never stale."""
        versions = (
            GrdpValue.history.aggregate(v=Max("history_id"))["v"],
            Sector.history.aggregate(v=Max("history_id"))["v"],
            Region.history.aggregate(v=Max("history_id"))["v"],
        )
        query = sorted((k, v) for k, v in request.GET.items() if k != "export")
        raw = repr((get_language(), versions, query)).encode()
        return "leading-sectors:" + hashlib.sha256(raw).hexdigest()

    @staticmethod
    def class_change_rows(changes, names):
        """The sectors whose LQ class differs between the two releases, for the page."""
        if changes is None:
            return None
        return [
            {
                "code": code,
                "name": names.get(code, code),
                "lq_old": row["lq_mean_old"],
                "class_old": CLASS_LABELS.get(row["class_old"], "–"),  # noqa: RUF001 (no value: a dash)
                "lq_new": row["lq_mean_new"],
                "class_new": CLASS_LABELS.get(row["class_new"], "–"),  # noqa: RUF001
            }
            for code, row in changes.iterrows()
            if row["changed"]
        ]

    def build_tables(self, result):
        names = result.sector_names
        # Every row carries the status of each year of the window: exported in hidden columns.
        statuses = {
            f"status_{year}": lambda r, s=status: str(GrdpStatus(s).label) for year, status in result.statuses.items()
        }
        extra = tables.status_columns(result.statuses)
        built = {
            "lq": tables.lq_table_class(result.years, result.statuses)(
                _rows(result.lq, names, class_label=lambda r: CLASS_LABELS[r["class"]], **statuses),
                prefix="lq-",
                extra_columns=extra,
            ),
        }
        if result.klassen is not None:
            built["klassen"] = tables.KlassenTable(
                _rows(result.klassen, names, quadrant=lambda r: KLASSEN_LABELS[r["quadrant"]], **statuses),
                prefix="kl-",
                extra_columns=extra,
            )
        if result.dlq is not None:
            built["dlq"] = tables.DlqTable(
                _rows(result.dlq, names, quadrant=lambda r: DLQ_LABELS[r["quadrant"]], **statuses),
                prefix="dlq-",
                extra_columns=extra,
            )
        if result.shift_share is not None:
            table_class = (
                tables.EstebanMarquillasTable
                if result.shift_share_method == "esteban-marquillas"
                else tables.ShiftShareTable
            )
            built["shiftshare"] = table_class(
                _rows(result.shift_share, names, **statuses), prefix="ss-", extra_columns=extra
            )
        config = RequestConfig(self.request, paginate=False)
        for table in built.values():
            config.configure(table)
        return built

    def build_charts(self, result):
        names = result.sector_names
        lq = result.lq
        built = {
            "lq": charts.horizontal_bar_chart(
                [(f"{code} {names.get(code, '')}", row["lq_mean"], row["lq_mean"] > 1) for code, row in lq.iterrows()],
                title=_("Mean LQ per sector (%(years)s); basis sectors in teal")
                % {"years": ", ".join(year_mark(year, result.statuses) for year in result.years)},
                reference_line=1,
                reference_label="LQ = 1",
                value_format=3,
                testid="chart-lq",
            ),
        }
        if result.klassen is not None:
            built["klassen"] = charts.quadrant_scatter(
                [
                    (code, row["lq_mean"], (row["region_growth"] - row["reference_growth"]) * 100)
                    for code, row in result.klassen.iterrows()
                ],
                title=_("Klassen typology: mean LQ against growth difference (percentage points per year)"),
                x_label=_("Mean LQ"),
                y_label=_("Growth in the region − in the reference (pp/year)"),
                x_line=1,
                y_line=0,
                quadrant_labels={
                    "top_right": str(KLASSEN_LABELS[ec.KLASSEN_I]),
                    "bottom_right": str(KLASSEN_LABELS[ec.KLASSEN_II]),
                    "top_left": str(KLASSEN_LABELS[ec.KLASSEN_III]),
                    "bottom_left": str(KLASSEN_LABELS[ec.KLASSEN_IV]),
                },
                testid="chart-klassen",
            )
        if result.shift_share is not None:
            frame = result.shift_share.drop(index=ec.TOTAL)
            # GRDP is in million rupiah; the chart shows rupiah so that its rb/jt/M/T abbreviations read right.
            built["shiftshare"] = charts.diverging_component_chart(
                [(f"{code} {names.get(code, '')}", (row * MILLION).to_dict()) for code, row in frame.iterrows()],
                title=_("Shift-share components per sector (rupiah, %(method)s)")
                % {"method": METHOD_LABELS[result.shift_share_method]},
                series=[
                    ("regional_share", _("Regional share (PR)"), "#8aa4c8"),
                    ("proportional_shift", _("Proportional shift (PS)"), "#0b4f8a"),
                    ("differential_shift", _("Differential shift (DS)"), "#0f7c7a"),
                ],
                testid="chart-shiftshare",
            )
        return built
