"""FilterSets of the industry-centre pages."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from smarteconomy.filtersets import SearchFilterSet

from .choices import BillKind, BillStatus, Commodity, EquipmentLevel, PaymentChannel, SettlementStatus
from .models import Centre, LevyBill, Payment, ProductionHouse, SettlementRow, Tenancy, Tenant
from .selectors import bills_overdue, settlements_needing_attention

BOOLEAN = forms.NullBooleanSelect(attrs={"class": "form-select form-select-sm"})
MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


class ProductionHouseFilterSet(SearchFilterSet):
    search_fields = ("unit_code", "upgrade_notes")
    centre_id = django_filters.ModelChoiceFilter(field_name="centre", queryset=Centre.objects.all(), label=_("Centre"))
    commodity = django_filters.ChoiceFilter(choices=Commodity.choices, label=_("Commodity"))
    equipment_level = django_filters.ChoiceFilter(choices=EquipmentLevel.choices, label=_("Equipment"))
    active = django_filters.BooleanFilter(label=_("In use"), widget=BOOLEAN)

    class Meta:
        model = ProductionHouse
        fields = ["q", "centre_id", "commodity", "equipment_level", "active"]


class TenantFilterSet(SearchFilterSet):
    search_fields = ("name", "owner_name", "nib")

    class Meta:
        model = Tenant
        fields = ["q"]


class TenancyFilterSet(SearchFilterSet):
    search_fields = ("tenant__name", "tenant__owner_name", "house__unit_code")
    current = django_filters.BooleanFilter(field_name="end", lookup_expr="isnull", label=_("Ongoing"), widget=BOOLEAN)

    class Meta:
        model = Tenancy
        fields = ["q", "current"]


class MonthFilter(django_filters.DateFilter):
    field_class = forms.DateField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, input_formats=MONTH_FORMATS, **kwargs)


class LevyBillFilterSet(SearchFilterSet):
    search_fields = ("number", "tenancy__tenant__name", "tenancy__tenant__owner_name", "tenancy__house__unit_code")
    status = django_filters.ChoiceFilter(choices=BillStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=BillKind.choices, label=_("Kind"))
    period_from = django_filters.DateFilter(field_name="period", lookup_expr="gte", label=_("Period from"))
    period_to = django_filters.DateFilter(field_name="period", lookup_expr="lte", label=_("Period until"))
    tenant_id = django_filters.ModelChoiceFilter(
        field_name="tenancy__tenant", queryset=Tenant.objects.all(), label=_("Tenant")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Past the due date"), widget=BOOLEAN)
    aging = django_filters.ChoiceFilter(
        method="filter_aging",
        choices=[
            ("0-30", _("0-30 days")),
            ("31-60", _("31-60 days")),
            ("61-90", _("61-90 days")),
            ("90+", _("More than 90 days")),
        ],
        label=_("Days past the due date"),
    )

    class Meta:
        model = LevyBill
        fields = ["q", "status", "kind", "period_from", "period_to", "tenant_id", "overdue", "aging"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return bills_overdue(queryset) if value else queryset.exclude(pk__in=bills_overdue(queryset))

    def filter_aging(self, queryset, name, value):
        return bills_overdue(queryset, aging=value) if value else queryset


class PaymentFilterSet(SearchFilterSet):
    search_fields = ("reference", "bill__number", "bill__tenancy__tenant__name")
    channel = django_filters.ChoiceFilter(choices=PaymentChannel.choices, label=_("Channel"))
    paid_after = django_filters.DateFilter(field_name="paid_at", lookup_expr="date__gte", label=_("Paid from"))
    paid_before = django_filters.DateFilter(field_name="paid_at", lookup_expr="date__lte", label=_("Paid until"))

    class Meta:
        model = Payment
        fields = ["q", "channel", "paid_after", "paid_before"]


class SettlementRowFilterSet(SearchFilterSet):
    search_fields = ("rrn", "bill_number", "payer")
    status = django_filters.ChoiceFilter(choices=SettlementStatus.choices, label=_("Status"))
    needs_attention = django_filters.BooleanFilter(method="filter_attention", label=_("Needs a person"), widget=BOOLEAN)

    class Meta:
        model = SettlementRow
        fields = ["q", "status", "needs_attention"]

    def filter_attention(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return settlements_needing_attention(queryset)
        return queryset.exclude(pk__in=settlements_needing_attention(queryset))
