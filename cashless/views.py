"""Pages of the cashless app: the operator's upload, the raw log list and the summaries with their charts.

A parking operator works on its own locations only (OperatorMembership): another location's id or code is a
404, as if it did not exist. Bappeda and the administrators read every location."""

from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from analytics import charts
from smarteconomy.choices import ImportStatus
from smarteconomy.exporting import CHUNK_SIZE, export_response, table_rows
from smarteconomy.forms import ImportForm
from smarteconomy.importing import get_importer
from smarteconomy.lists import ObjectListView, PageData, request_table
from smarteconomy.templatetags.formatting import rupiah

from . import selectors
from .choices import PaymentMethod
from .filtersets import ParkingTransactionFilterSet
from .importers import IMPORTER_CODE
from .models import ParkingLocation, ParkingTransaction
from .services import parking_transactions_import
from .tables import ParkingTransactionTable

EXPORT_MAX_ROWS = 100_000
SUMMARY_DEFAULT_DAYS = 92
DEFAULT_LIST_DAYS = 7


class LocationUploadForm(ImportForm):
    location = forms.ModelChoiceField(
        queryset=ParkingLocation.objects.none(),
        label=gettext_lazy("Location"),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    field_order = ["location", "file"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = selectors.location_list(user=user)


class UploadView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """An operator uploads a log for one of its locations and gets the shared import report."""

    permission_required = "cashless.add_parkingtransaction"
    template_name = "cashless/upload.html"

    def context(self, form, batch=None, location=None):
        importer = get_importer(IMPORTER_CODE)
        summary_url = None
        if batch is not None and batch.status == ImportStatus.COMMITTED and location is not None:
            summary_url = summary_url_for(location)
        return {
            "importer": importer,
            "form": form,
            "batch": batch,
            "errors_preview": batch.errors[:200] if batch else [],
            "title": _("Upload e-parking transactions"),
            "summary_url": summary_url,
            "has_locations": form.fields["location"].queryset.exists(),
        }

    def get(self, request):
        return render(request, self.template_name, self.context(LocationUploadForm(user=request.user)))

    def post(self, request):
        location_id = request.POST.get("location", "")
        # Another operator's location: as if it did not exist.
        if (
            location_id.isdigit()
            and ParkingLocation.objects.filter(pk=location_id).exists()
            and not selectors.location_list(user=request.user).filter(pk=location_id).exists()
        ):
            raise Http404(_("No such location."))
        form = LocationUploadForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form), status=400)
        location = form.cleaned_data["location"]
        upload = form.cleaned_data["file"]
        batch = parking_transactions_import(
            location=location,
            data=upload,
            filename=upload.name,
            user=request.user,
            dry_run="dry_run" in request.POST,
        )
        status = 200 if batch.status in (ImportStatus.COMMITTED, ImportStatus.VALIDATED) else 422
        form = LocationUploadForm(initial={"location": location.pk}, user=request.user)
        return render(request, self.template_name, self.context(form, batch, location), status=status)


def summary_url_for(location):
    return f"{reverse('cashless:summary')}?{urlencode({'location': location.code})}"


class TransactionListView(ObjectListView):
    """The raw log of one location over a date range (at most 92 days), keyset pages, capped CSV export."""

    queryset = ParkingTransaction.objects.all()
    filterset_class = ParkingTransactionFilterSet
    table_class = ParkingTransactionTable
    title = gettext_lazy("E-parking transaction log")
    default_sort = "-entry_time"
    export_name = "parking-transactions"
    template_name = "cashless/transaction_list.html"

    def get_queryset(self):
        return selectors.transaction_list(user=self.request.user)

    def get_filterset(self, queryset):
        data = self.request.GET.copy()
        visible = selectors.location_list(user=self.request.user)
        requested = data.get("location")
        if requested:
            if not requested.isdigit() or not visible.filter(pk=requested).exists():
                raise Http404(_("No such location."))
            location = visible.get(pk=requested)
        else:
            location = visible.first()
            if location is not None:
                data["location"] = str(location.pk)
        if location is not None and not (data.get("date_from") and data.get("date_to")):
            # A date range is required: by default the last 7 days with transactions (or up to today).
            last = selectors.summary_date_range(locations=[location])[1] or timezone.localdate()
            data["date_to"] = data.get("date_to") or last.isoformat()
            end = date.fromisoformat(data["date_to"]) if _is_date(data["date_to"]) else last
            data["date_from"] = data.get("date_from") or (end - timedelta(days=DEFAULT_LIST_DAYS - 1)).isoformat()
        self.location = location
        return self.filterset_class(data, queryset=queryset, request=self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export_max_rows"] = EXPORT_MAX_ROWS
        context["location"] = self.location
        return context

    def export(self, queryset, order, fmt):
        # A capped export: a year of a busy location is millions of rows, more than a spreadsheet can hold.
        table = request_table(self.table_class, PageData([], self.queryset.model), self.request)
        ordering = [("-" if desc else "") + path for path, desc in order]
        records = queryset.order_by(*ordering)[:EXPORT_MAX_ROWS].iterator(chunk_size=CHUNK_SIZE)
        return export_response(self.request, table_rows(table, records), name=self.export_name, fmt=fmt)


def _is_date(text):
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _period(request, last):
    """(start, end) from ?from=&to= (dates), defaulting to the last 92 days with data."""

    def parse(name):
        try:
            return date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    end = parse("to") or last or timezone.localdate()
    start = parse("from") or end - timedelta(days=SUMMARY_DEFAULT_DAYS - 1)
    if start > end:
        start, end = end, start
    return start, end


class SummaryView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Cashless share, failure rate of cashless attempts by hour and revenue by method, per location or for
    every location the user sees. Reads the daily summaries only."""

    permission_required = "cashless.view_dailysummary"
    template_name = "cashless/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = list(selectors.location_list(user=self.request.user))
        code = self.request.GET.get("location", "")
        if code:
            location = next((each for each in visible if each.code == code), None)
            if location is None:
                raise Http404(_("No such location."))
            locations = [location]
        else:
            location = visible[0] if len(visible) == 1 else None
            locations = visible
        first, last = selectors.summary_date_range(locations=locations)
        start, end = _period(self.request, last)
        figures = selectors.overview(selectors.summary_cells(locations=locations, start=start, end=end))
        days, hours, totals = figures["days"], figures["hours"], figures["totals"]
        months = selectors.by_month(days)
        per_day = selectors.paid_per_day_of(days, start=start, end=end)  # the indicator's definition
        totals["per_day"], totals["complete_days"] = per_day["per_day"], per_day["days"]
        by_location = figures["by_location"] if location is None else {}
        per_location = [(each, by_location[each.pk]) for each in visible if each.pk in by_location]
        method_labels = dict(PaymentMethod.choices)
        revenue = [
            (method_labels[method], amount, method.value in ("qris", "emoney")) for method, amount in figures["revenue"]
        ]
        context.update(
            {
                "title": _("Cashless e-parking"),
                "locations": visible,
                "location": location,
                "selected_code": code,
                "start": start,
                "end": end,
                "first": first,
                "last": last,
                "totals": totals,
                "days": days,
                "months": months,
                "share_by_day_chart": charts.line_chart(
                    [(row["business_date"].strftime("%d/%m"), row["cashless_share"]) for row in days],
                    title=_("Cashless share of paid transactions per day (%)"),
                    y_label="%",
                    testid="chart-share-day",
                ),
                "share_by_month_chart": charts.horizontal_bar_chart(
                    [(row["month"], row["cashless_share"], True) for row in months],
                    title=_("Cashless share of paid transactions per month (%)"),
                    testid="chart-share-month",
                ),
                "failure_by_hour_chart": charts.line_chart(
                    [(f"{row['hour']:02d}.00", row["failure_rate"]) for row in hours],
                    title=_("Failed cashless attempts by hour of day (WITA, % of attempts)"),
                    y_label="%",
                    testid="chart-failure-hour",
                ),
                "revenue_chart": charts.horizontal_bar_chart(
                    revenue,
                    title=_("Parking revenue by payment method"),
                    value_format=lambda value: rupiah(value),
                    testid="chart-revenue-method",
                ),
                "per_location": per_location,
                "tariff": location.tariffs.filter(valid_from__lte=end).order_by("-valid_from").first()
                if location
                else None,
                "time_zone": settings.TIME_ZONE,
            }
        )
        return context
