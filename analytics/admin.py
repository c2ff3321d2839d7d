from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from smarteconomy.admin import MarksDirtyAdmin, ReadOnlyAdmin
from smarteconomy.forms import LocalizedNumbersAdminMixin

from .choices import source_label, unit_label
from .models import EditionEntry, GrdpRelease, GrdpValue, IndicatorSnapshotHistory, Region, ScorecardEdition
from .services import GRDP_SOURCE


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level")
    search_fields = ("code", "name")


@admin.register(GrdpValue)
class GrdpValueAdmin(MarksDirtyAdmin, LocalizedNumbersAdminMixin, SimpleHistoryAdmin):
    """A value changed here makes its year dirty, as an import does, and is refused in a locked (approved) year."""

    list_display = ("region", "sector", "year", "price_basis", "value", "unit_name", "status", "release", "source_name")
    list_filter = ("release", "status", "region", "year", "price_basis")
    search_fields = ("sector__code", "source")
    dirty_source = GRDP_SOURCE

    def dirty_dates(self, obj):
        return [int(obj.year)] if obj.year else []

    @admin.display(description=GrdpValue._meta.get_field("source").verbose_name, ordering="source")
    def source_name(self, obj):
        return source_label(obj.source)

    @admin.display(description=GrdpValue._meta.get_field("unit").verbose_name, ordering="unit")
    def unit_name(self, obj):
        return unit_label(obj.unit)


@admin.register(GrdpRelease)
class GrdpReleaseAdmin(SimpleHistoryAdmin):
    """A release's label and date; its values are kept while it has any (PROTECT)."""

    list_display = ("label", "released_on", "created_at")
    search_fields = ("label",)


class EditionEntryInline(admin.TabularInline):
    model = EditionEntry
    fields = ("indicator_code", "period", "value", "target", "achievement", "status")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ScorecardEdition)
class ScorecardEditionAdmin(ReadOnlyAdmin):
    list_display = ("title", "period", "published_by_name", "published_at", "content_hash")
    list_filter = ("period",)
    search_fields = ("title",)
    inlines = [EditionEntryInline]


@admin.register(IndicatorSnapshotHistory)
class IndicatorSnapshotHistoryAdmin(ReadOnlyAdmin):
    list_display = ("indicator_code", "period", "old_value", "new_value", "status", "changed_at", "task_run")
    list_filter = ("indicator_code",)
    search_fields = ("indicator_code", "period")
