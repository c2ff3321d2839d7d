from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from smarteconomy.admin import ReadOnlyRecordAdmin
from smarteconomy.choices import Role

from .models import (
    Listing,
    MarketplaceCategory,
    Msme,
    OutletMovement,
    OutletPayout,
    OutletProduct,
    Training,
    TrainingParticipant,
)


@admin.register(Msme)
class MsmeAdmin(ReadOnlyRecordAdmin):
    list_display = ("id", "name", "owner_name", "kelurahan", "business_category", "scale", "registered_on", "status")
    list_filter = ("status", "scale", "business_category")
    search_fields = ("name", "owner_name", "nib")
    # Personal data stays on the DKUMKMP pages: never in the back office's forms or filters, masked in its history
    # (smarteconomy.admin_site).
    personal_fields = {"owner_nik": "nik", "phone": "phone"}
    personal_data_owner = Role.DKUMKMP


@admin.register(MarketplaceCategory)
class MarketplaceCategoryAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Listing)
class ListingAdmin(ReadOnlyRecordAdmin):
    list_display = ("product_name", "msme", "category", "price", "active", "listed_on")
    list_filter = ("active", "category")
    search_fields = ("product_name", "external_id")


@admin.register(Training)
class TrainingAdmin(ReadOnlyRecordAdmin):
    list_display = ("title", "partner", "starts_on", "quota")


@admin.register(TrainingParticipant)
class TrainingParticipantAdmin(ReadOnlyRecordAdmin):
    list_display = ("training", "msme", "status", "priority_score", "attended")
    list_filter = ("status", "attended")


@admin.register(OutletProduct)
class OutletProductAdmin(ReadOnlyRecordAdmin):
    list_display = ("name", "msme", "unit_price", "commission_percent")


@admin.register(OutletMovement)
class OutletMovementAdmin(ReadOnlyRecordAdmin):
    list_display = ("on", "product", "kind", "quantity", "unit_price")
    list_filter = ("kind",)


@admin.register(OutletPayout)
class OutletPayoutAdmin(ReadOnlyRecordAdmin):
    list_display = ("reference", "msme", "month", "amount", "paid_on", "method")
    list_filter = ("method",)
