from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from smarteconomy.forms import LocalizedNumbersAdminMixin

from .choices import source_label
from .models import GrdpValue, Region


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level")
    search_fields = ("code", "name")


@admin.register(GrdpValue)
class GrdpValueAdmin(LocalizedNumbersAdminMixin, SimpleHistoryAdmin):
    list_display = ("region", "sector", "year", "price_basis", "value", "unit", "source_name")
    list_filter = ("region", "year", "price_basis")
    search_fields = ("sector__code", "source")

    @admin.display(description=GrdpValue._meta.get_field("source").verbose_name, ordering="source")
    def source_name(self, obj):
        return source_label(obj.source)
