from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from smarteconomy.admin import MarksDirtyAdmin
from smarteconomy.forms import LocalizedNumbersAdminMixin
from smarteconomy.periods import changed_span, months_between

from .models import PermitApplication, PermitType, ServiceDisruption
from .services import APPLICATIONS_SOURCE, DISRUPTIONS_SOURCE, PERMIT_TYPES_SOURCE


@admin.register(PermitType)
class PermitTypeAdmin(MarksDirtyAdmin, LocalizedNumbersAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "service_level_days", "risk_level", "active")
    list_filter = ("risk_level", "active")
    search_fields = ("code", "name")
    # A service level changed: the share decided within it changes in every period.
    dirty_source = PERMIT_TYPES_SOURCE

    def dirty_dates(self, obj):
        return [timezone.localdate()]


@admin.register(PermitApplication)
class PermitApplicationAdmin(MarksDirtyAdmin, SimpleHistoryAdmin):
    """Read-only here: statuses change only through the workflow (licensing.services)."""

    list_display = ("registration_number", "applicant_name", "permit_type", "channel", "status", "submitted_at")
    list_filter = ("status", "channel", "permit_type")
    search_fields = ("registration_number", "applicant_name", "nib")

    dirty_source = APPLICATIONS_SOURCE

    def has_change_permission(self, request, obj=None):
        return False

    def dirty_dates(self, obj):
        return [obj.submitted_at, obj.decided_at, obj.issued_at]


@admin.register(ServiceDisruption)
class ServiceDisruptionAdmin(MarksDirtyAdmin, SimpleHistoryAdmin):
    list_display = ("system", "started_at", "ended_at", "responsible_unit")
    list_filter = ("system",)
    dirty_source = DISRUPTIONS_SOURCE

    def dirty_dates(self, obj):
        return months_between(obj.started_at, obj.ended_at or timezone.now())

    def locked_dates(self, stored, obj):
        # As licensing.services.service_disruption_save: recording the end of a running disruption changes only
        # the months between its old and its new end.
        if stored is not None and all(
            getattr(stored, field.attname) == getattr(obj, field.attname)
            for field in ServiceDisruption._meta.concrete_fields
            if field.name != "ended_at"
        ):
            return changed_span(stored.ended_at, obj.ended_at)
        return super().locked_dates(stored, obj)
