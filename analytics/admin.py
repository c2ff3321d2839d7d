from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from smarteconomy.admin import MarksDirtyAdmin
from smarteconomy.forms import LocalizedNumbersAdminMixin

from .choices import source_label
from .models import GrdpValue, Region
from .services import GRDP_SOURCE


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level")
    search_fields = ("code", "name")


@admin.register(GrdpValue)
class GrdpValueAdmin(MarksDirtyAdmin, LocalizedNumbersAdminMixin, SimpleHistoryAdmin):
    """A value changed here makes its year dirty, as an import does, and is refused in a locked (approved) year."""

    list_display = ("region", "sector", "year", "price_basis", "value", "unit", "source_name")
    list_filter = ("region", "year", "price_basis")
    search_fields = ("sector__code", "source")
    dirty_source = GRDP_SOURCE

    def dirty_dates(self, obj):
        return [int(obj.year)] if obj.year else []

    @admin.display(description=GrdpValue._meta.get_field("source").verbose_name, ordering="source")
    def source_name(self, obj):
        return source_label(obj.source)
