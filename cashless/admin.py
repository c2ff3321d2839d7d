from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from smarteconomy.forms import LocalizedNumbersAdminMixin

from .models import DailySummary, OperatorMembership, ParkingLocation, ParkingTransaction, TariffScheme


class TariffSchemeInline(LocalizedNumbersAdminMixin, admin.TabularInline):
    model = TariffScheme
    extra = 0


class OperatorMembershipInline(admin.TabularInline):
    model = OperatorMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(ParkingLocation)
class ParkingLocationAdmin(SimpleHistoryAdmin):
    """Locations, their tariffs and the operator accounts that may upload for them (each operator account gets
    an API token under Auth Token → Tokens)."""

    list_display = ("code", "name", "operator_name", "active")
    search_fields = ("code", "name", "operator_name")
    inlines = (TariffSchemeInline, OperatorMembershipInline)


@admin.register(ParkingTransaction)
class ParkingTransactionAdmin(admin.ModelAdmin):
    """Read-only: transactions come only from the operators' logs (cashless.ingest)."""

    list_display = ("transaction_id", "location", "entry_time", "payment_method", "status", "amount")
    list_filter = ("location", "payment_method", "status")
    search_fields = ("transaction_id",)
    date_hierarchy = "business_date"
    show_full_result_count = False  # no COUNT(*) over millions of rows

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DailySummary)
class DailySummaryAdmin(admin.ModelAdmin):
    """Read-only: rebuilt from the log by cashless.services."""

    list_display = ("location", "business_date", "hour", "payment_method", "vehicle_class", "status", "count", "amount")
    list_filter = ("location", "payment_method", "status")
    date_hierarchy = "business_date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
