"""FilterSets of the licensing pages."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from smarteconomy.filtersets import SearchFilterSet
from smarteconomy.models import Kecamatan

from .choices import OPEN_STATUSES, Channel, DisruptedSystem, PermitStatus, RiskLevel
from .models import PermitApplication, PermitType, ServiceDisruption
from .selectors import holiday_dates, working_days_left


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
    submitted_after = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__gte", label=_("Submitted from")
    )
    submitted_before = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__lte", label=_("Submitted until")
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
            "submitted_after",
            "submitted_before",
        ]

    def filter_overdue(self, queryset, name, value):
        """Open applications past their service level (or, for "no", every other one).

        The service level counts working days (weekends and public holidays excluded) and stops while an
        application is returned to the applicant, so the deadline cannot be computed in SQL from
        submitted_at: a calendar-day approximation would be wrong around holidays and returns. Instead the
        clock of each *open* application is computed in Python with selectors.working_days_left, the one
        definition the table's deadline column shows too. Open applications are a small working queue
        (decided ones are never overdue), so this is three queries (open applications, their status changes,
        the holidays) whatever the page, and the result narrows the queryset by id.
        """
        if value is None:
            return queryset
        holidays = holiday_dates()
        candidates = queryset.filter(status__in=OPEN_STATUSES).select_related("permit_type").prefetch_related("changes")
        overdue_ids = [
            application.pk for application in candidates if (working_days_left(application, holidays) or 0) < 0
        ]
        return queryset.filter(pk__in=overdue_ids) if value else queryset.exclude(pk__in=overdue_ids)


class ServiceDisruptionFilterSet(SearchFilterSet):
    search_fields = ("impact", "follow_up", "responsible_unit")
    system = django_filters.ChoiceFilter(choices=DisruptedSystem.choices, label=_("System"))
    started_after = django_filters.DateFilter(field_name="started_at", lookup_expr="date__gte", label=_("From"))
    started_before = django_filters.DateFilter(field_name="started_at", lookup_expr="date__lte", label=_("Until"))

    class Meta:
        model = ServiceDisruption
        fields = ["q", "system", "started_after", "started_before"]


class PermitTypeFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "legal_basis")
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("Risk level"))
    active = django_filters.BooleanFilter(
        label=_("Active"), widget=forms.NullBooleanSelect(attrs={"class": "form-select form-select-sm"})
    )

    class Meta:
        model = PermitType
        fields = ["q", "risk_level", "active"]
