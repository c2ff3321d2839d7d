"""FilterSets of the licensing pages."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from smarteconomy.filtersets import SearchFilterSet
from smarteconomy.models import Kecamatan

from .choices import Channel, DisruptedSystem, PermitStatus, RiskLevel
from .models import PermitApplication, PermitType, ServiceDisruption
from .selectors import (
    applications_decided_within,
    applications_due_soon,
    applications_not_overdue,
    applications_overdue,
    applications_waiting_for_applicant,
    disruptions_open,
)


class PermitApplicationFilterSet(SearchFilterSet):
    search_fields = ("registration_number", "applicant_name", "nib", "oss_reference")
    status = django_filters.ChoiceFilter(choices=PermitStatus.choices, label=_("Status"))
    permit_type_id = django_filters.ModelChoiceFilter(
        field_name="permit_type", queryset=PermitType.objects.all(), label=_("Permit type")
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    kecamatan_id = django_filters.ModelChoiceFilter(
        field_name="kelurahan__kecamatan", queryset=Kecamatan.objects.all(), label=_("Kecamatan")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Past the service level"),
        widget=forms.NullBooleanSelect(attrs={"class": "form-select form-select-sm"}),
    )
    due = django_filters.ChoiceFilter(
        method="filter_due",
        choices=[("2d", _("Within 2 working days"))],
        label=_("Service level runs out"),
    )
    waiting = django_filters.ChoiceFilter(
        method="filter_waiting",
        choices=[("14d", _("Returned more than 14 days ago"))],
        label=_("Waiting for the applicant"),
    )
    submitted_after = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__gte", label=_("Submitted from")
    )
    submitted_before = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__lte", label=_("Submitted until")
    )
    decided_after = django_filters.DateFilter(field_name="decided_at", lookup_expr="date__gte", label=_("Decided from"))
    decided_before = django_filters.DateFilter(
        field_name="decided_at", lookup_expr="date__lte", label=_("Decided until")
    )
    # After the decided dates (filters run in the order declared): it computes each decided application's clock.
    service_level = django_filters.ChoiceFilter(
        method="filter_service_level",
        choices=[("within", _("Decided within the service level")), ("over", _("Decided over the service level"))],
        label=_("Service level met"),
    )

    class Meta:
        model = PermitApplication
        fields = [
            "q",
            "status",
            "permit_type_id",
            "channel",
            "kecamatan_id",
            "overdue",
            "due",
            "waiting",
            "submitted_after",
            "submitted_before",
            "decided_after",
            "decided_before",
            "service_level",
        ]

    def filter_overdue(self, queryset, name, value):
        """Open applications past their service level (or, for "no", every other one): selectors.applications_overdue,
        which the DPMPTSP worklist counts too."""
        if value is None:
            return queryset
        return applications_overdue(queryset) if value else applications_not_overdue(queryset)

    def filter_due(self, queryset, name, value):
        return applications_due_soon(queryset) if value else queryset

    def filter_waiting(self, queryset, name, value):
        return applications_waiting_for_applicant(queryset) if value else queryset

    def filter_service_level(self, queryset, name, value):
        return applications_decided_within(queryset, within=value == "within") if value else queryset


class ServiceDisruptionFilterSet(SearchFilterSet):
    search_fields = ("impact", "follow_up", "responsible_unit")
    system = django_filters.ChoiceFilter(choices=DisruptedSystem.choices, label=_("System"))
    started_after = django_filters.DateFilter(field_name="started_at", lookup_expr="date__gte", label=_("From"))
    started_before = django_filters.DateFilter(field_name="started_at", lookup_expr="date__lte", label=_("Until"))

    ongoing = django_filters.BooleanFilter(
        method="filter_ongoing",
        label=_("Still ongoing"),
        widget=forms.NullBooleanSelect(attrs={"class": "form-select form-select-sm"}),
    )

    class Meta:
        model = ServiceDisruption
        fields = ["q", "system", "ongoing", "started_after", "started_before"]

    def filter_ongoing(self, queryset, name, value):
        if value is None:
            return queryset
        return disruptions_open(queryset) if value else queryset.exclude(pk__in=disruptions_open(queryset))


class PermitTypeFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "legal_basis")
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("Risk level"))
    active = django_filters.BooleanFilter(
        label=_("Active"), widget=forms.NullBooleanSelect(attrs={"class": "form-select form-select-sm"})
    )

    class Meta:
        model = PermitType
        fields = ["q", "risk_level", "active"]
