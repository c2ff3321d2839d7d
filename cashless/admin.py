from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from smarteconomy.admin import MarksDirtyAdmin, ReadOnlyLogAdmin
from smarteconomy.forms import LocalizedNumbersAdminMixin
from smarteconomy.sources import ensure_unlocked

from .ingest import mark_dates_dirty
from .models import (
    DailySummary,
    OperatorMembership,
    ParkingArchive,
    ParkingLocation,
    ParkingTransaction,
    TariffScheme,
)
from .services import LOCATIONS_SOURCE
from .sources import PARKING_SOURCE


class TariffSchemeInline(LocalizedNumbersAdminMixin, admin.TabularInline):
    model = TariffScheme
    extra = 0


class OperatorMembershipInline(admin.TabularInline):
    model = OperatorMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(ParkingLocation)
class ParkingLocationAdmin(MarksDirtyAdmin, SimpleHistoryAdmin):
    """Locations, their tariffs and the operator accounts that may upload for them (each operator account gets
    an API token under API tokens)."""

    list_display = ("code", "name", "operator_name", "active")
    search_fields = ("code", "name", "operator_name")
    inlines = (TariffSchemeInline, OperatorMembershipInline)
    dirty_source = LOCATIONS_SOURCE

    def dirty_dates(self, obj):
        return [timezone.localdate()]


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

    # A repair in the back office: the summaries of the dates of the deleted transactions are rebuilt. Refused
    # (nothing deleted) for a day in a month Bappeda approved for the location (the lock, smarteconomy.sources).
    def delete_model(self, request, obj):
        ensure_unlocked(PARKING_SOURCE, [obj.business_date], part=obj.location.code)
        super().delete_model(request, obj)
        mark_dates_dirty(obj.location, {obj.business_date})

    def delete_queryset(self, request, queryset):
        dates = {}
        for location, day in queryset.values_list("location", "business_date").distinct():
            dates.setdefault(location, set()).add(day)
        codes = dict(ParkingLocation.objects.filter(pk__in=dates).values_list("pk", "code"))
        for location, days in dates.items():
            ensure_unlocked(PARKING_SOURCE, days, part=codes[location])
        super().delete_queryset(request, queryset)
        for location, days in dates.items():
            mark_dates_dirty(ParkingLocation(pk=location), days)


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


@admin.register(ParkingArchive)
class ParkingArchiveAdmin(ReadOnlyLogAdmin):
    """Read-only: the months archived out of the log and restored, written by ``manage.py parking_archive`` and
    the nightly task (cashless.archive). A record is never deleted: it is how the import knows a month is
    archived, and where its dump and checksum are."""

    list_display = ("month", "state", "rows", "size", "archived_at", "restored_at")
    list_filter = ("state",)
    readonly_fields = ("month", "state", "file", "sha256", "size", "rows", "archived_at", "restored_at")

    def has_delete_permission(self, request, obj=None):
        return False
