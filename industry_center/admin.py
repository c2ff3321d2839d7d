from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from smarteconomy.admin import MarksDirtyAdmin, ReadOnlyRecordAdmin
from smarteconomy.choices import Role
from smarteconomy.forms import LocalizedNumbersAdminMixin

from .models import Centre, LevyBill, Payment, ProductionHouse, SettlementRow, Tenancy, Tenant
from .services import HOUSES_SOURCE


@admin.register(Centre)
class CentreAdmin(ReadOnlyRecordAdmin):
    list_display = ("code", "name", "merchant_id")


@admin.register(ProductionHouse)
class ProductionHouseAdmin(MarksDirtyAdmin, SimpleHistoryAdmin):
    list_display = ("unit_code", "centre", "commodity", "equipment_level", "active")
    list_filter = ("centre", "commodity", "equipment_level", "active")
    search_fields = ("unit_code",)
    dirty_source = HOUSES_SOURCE

    def dirty_dates(self, obj):
        return [timezone.localdate()]  # the indicators read a house as it was (its history): from now on


@admin.register(Tenant)
class TenantAdmin(SimpleHistoryAdmin):
    list_display = ("name", "owner_name", "nib")
    search_fields = ("name", "owner_name", "nib")
    # Personal data stays on the DKUMKMP pages: never in the back office's forms or filters, masked in its history
    # (smarteconomy.admin_site).
    personal_fields = {"phone": "phone"}
    personal_data_owner = Role.DKUMKMP


@admin.register(Tenancy)
class TenancyAdmin(ReadOnlyRecordAdmin):
    list_display = ("house", "tenant", "start", "end", "monthly_levy")


@admin.register(LevyBill)
class LevyBillAdmin(ReadOnlyRecordAdmin):
    list_display = ("number", "kind", "tenancy", "period", "amount", "paid_amount", "status", "due_date")
    list_filter = ("status", "kind")
    search_fields = ("number",)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyRecordAdmin):
    list_display = ("bill", "channel", "amount", "paid_at", "reference", "recorded_by")
    list_filter = ("channel",)
    search_fields = ("reference", "bill__number")


@admin.register(SettlementRow)
class SettlementRowAdmin(LocalizedNumbersAdminMixin, SimpleHistoryAdmin):
    list_display = ("rrn", "transaction_at", "amount", "bill_number", "status")
    list_filter = ("status",)
    search_fields = ("rrn", "bill_number")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
