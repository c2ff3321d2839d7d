from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from smarteconomy.forms import LocalizedNumbersAdminMixin

from .models import PermitApplication, PermitType, ServiceDisruption


@admin.register(PermitType)
class PermitTypeAdmin(LocalizedNumbersAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "service_level_days", "risk_level", "active")
    list_filter = ("risk_level", "active")
    search_fields = ("code", "name")


@admin.register(PermitApplication)
class PermitApplicationAdmin(SimpleHistoryAdmin):
    """Read-only here: statuses change only through the workflow (licensing.services)."""

    list_display = ("registration_number", "applicant_name", "permit_type", "channel", "status", "submitted_at")
    list_filter = ("status", "channel", "permit_type")
    search_fields = ("registration_number", "applicant_name", "nib")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ServiceDisruption)
class ServiceDisruptionAdmin(SimpleHistoryAdmin):
    list_display = ("system", "started_at", "ended_at", "responsible_unit")
    list_filter = ("system",)
