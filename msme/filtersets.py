"""FilterSets of the msme pages (the same FilterSet narrows a page, its export and the report)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from smarteconomy.filtersets import IntegerFilter, SearchFilterSet
from smarteconomy.models import Kecamatan, Kelurahan

from .choices import BusinessCategory, MsmeStatus, OutletMovementKind, ParticipantStatus, PayoutMethod, Scale
from .models import Listing, MarketplaceCategory, Msme, OutletMovement, OutletPayout, OutletProduct, Training
from .selectors import msme_duplicate_candidates, msmes_with_outlet_payout_due, trainings_this_week

BOOLEAN = {"widget": forms.NullBooleanSelect(attrs={"class": "form-select form-select-sm"})}


class MsmeFilterSet(SearchFilterSet):
    search_fields = ("name", "owner_name", "nib", "address")
    status = django_filters.ChoiceFilter(choices=MsmeStatus.choices, label=_("Status"))
    scale = django_filters.ChoiceFilter(choices=Scale.choices, label=_("Scale"))
    business_category = django_filters.ChoiceFilter(choices=BusinessCategory.choices, label=_("Business category"))
    kecamatan_id = django_filters.ModelChoiceFilter(
        field_name="kelurahan__kecamatan", queryset=Kecamatan.objects.all(), label=_("Kecamatan")
    )
    kelurahan_id = django_filters.ModelChoiceFilter(
        field_name="kelurahan", queryset=Kelurahan.objects.all(), label=_("Kelurahan")
    )
    registered_after = django_filters.DateFilter(
        field_name="registered_on", lookup_expr="gte", label=_("Registered from")
    )
    registered_before = django_filters.DateFilter(
        field_name="registered_on", lookup_expr="lte", label=_("Registered until")
    )
    has_active_listing = django_filters.BooleanFilter(label=_("On Sobat UMKM"), **BOOLEAN)
    duplicates = django_filters.BooleanFilter(method="filter_duplicates", label=_("Possible duplicate"), **BOOLEAN)
    payout_due = django_filters.BooleanFilter(method="filter_payout_due", label=_("Outlet payout due"), **BOOLEAN)

    class Meta:
        model = Msme
        fields = [
            "q",
            "status",
            "scale",
            "business_category",
            "kecamatan_id",
            "kelurahan_id",
            "registered_after",
            "registered_before",
            "has_active_listing",
            "duplicates",
            "payout_due",
        ]

    def filter_duplicates(self, queryset, name, value):
        if value is None:
            return queryset
        found = msme_duplicate_candidates(queryset)
        return found if value else queryset.exclude(pk__in=found.values("pk"))

    def filter_payout_due(self, queryset, name, value):
        if value is None:
            return queryset
        found = msmes_with_outlet_payout_due(queryset)
        return found if value else queryset.exclude(pk__in=found.values("pk"))


class ListingFilterSet(SearchFilterSet):
    search_fields = ("product_name", "msme__name", "external_id")
    category_id = django_filters.ModelChoiceFilter(
        field_name="category", queryset=MarketplaceCategory.objects.all(), label=_("Category")
    )
    active = django_filters.BooleanFilter(label=_("Active"), **BOOLEAN)
    msme_id = IntegerFilter(field_name="msme_id", label=_("MSME id"), grouping=False)
    listed_after = django_filters.DateFilter(field_name="listed_on", lookup_expr="gte", label=_("Listed from"))
    listed_before = django_filters.DateFilter(field_name="listed_on", lookup_expr="lte", label=_("Listed until"))

    class Meta:
        model = Listing
        fields = ["q", "category_id", "active", "msme_id", "listed_after", "listed_before"]


class TrainingFilterSet(SearchFilterSet):
    search_fields = ("title", "partner", "topics", "location")
    starts_after = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte", label=_("From"))
    starts_before = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte", label=_("Until"))
    this_week = django_filters.BooleanFilter(method="filter_this_week", label=_("Held this week"), **BOOLEAN)

    class Meta:
        model = Training
        fields = ["q", "starts_after", "starts_before", "this_week"]

    def filter_this_week(self, queryset, name, value):
        if value is None:
            return queryset
        found = trainings_this_week(queryset)
        return found if value else queryset.exclude(pk__in=found.values("pk"))


class ParticipantFilterSet(SearchFilterSet):
    search_fields = ("msme__name",)
    status = django_filters.ChoiceFilter(choices=ParticipantStatus.choices, label=_("Status"))

    class Meta:
        model = Training
        fields = ["q", "status"]


class OutletProductFilterSet(SearchFilterSet):
    search_fields = ("name", "msme__name")

    class Meta:
        model = OutletProduct
        fields = ["q"]


class OutletMovementFilterSet(SearchFilterSet):
    search_fields = ("product__name", "note")
    kind = django_filters.ChoiceFilter(choices=OutletMovementKind.choices, label=_("Kind"))

    class Meta:
        model = OutletMovement
        fields = ["q", "kind"]


class OutletPayoutFilterSet(SearchFilterSet):
    search_fields = ("reference", "msme__name")
    method = django_filters.ChoiceFilter(choices=PayoutMethod.choices, label=_("Method"))
    month_after = django_filters.DateFilter(field_name="month", lookup_expr="gte", label=_("From month"))
    month_before = django_filters.DateFilter(field_name="month", lookup_expr="lte", label=_("Until month"))

    class Meta:
        model = OutletPayout
        fields = ["q", "method", "month_after", "month_before"]
