"""FilterSets of the cashless pages."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from smarteconomy.filtersets import SearchFilterSet

from .choices import PaymentMethod, TransactionStatus, VehicleClass
from .models import ParkingLocation, ParkingTransaction

MAX_RANGE_DAYS = 92


class ParkingTransactionFilterSet(SearchFilterSet):
    """The raw log: one location and a date range are required (the page fills them in when missing), so
    that every page and export reads one slice of the keyset index."""

    search_fields = ("transaction_id", "issuer", "gate", "failure_reason")
    location = django_filters.ModelChoiceFilter(
        queryset=ParkingLocation.objects.none(), label=_("Location"), required=True, empty_label=None
    )
    date_from = django_filters.DateFilter(
        field_name="business_date", lookup_expr="gte", label=_("From (business date)"), required=True
    )
    date_to = django_filters.DateFilter(
        field_name="business_date", lookup_expr="lte", label=_("Until (business date)"), required=True
    )
    payment_method = django_filters.ChoiceFilter(choices=PaymentMethod.choices, label=_("Payment method"))
    status = django_filters.ChoiceFilter(choices=TransactionStatus.choices, label=_("Status"))
    vehicle_class = django_filters.ChoiceFilter(choices=VehicleClass.choices, label=_("Vehicle class"))

    class Meta:
        model = ParkingTransaction
        fields = ["location", "date_from", "date_to", "payment_method", "status", "vehicle_class", "q"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["location"].queryset = ParkingLocation.objects.visible_to(request.user)

    @property
    def form(self):
        form = super().form
        for name in ("date_from", "date_to"):
            form.fields[name].widget = forms.DateInput(
                attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
            )
        if not getattr(form, "_range_checked", False):
            form._range_checked = True
            original_clean = form.clean

            def clean():
                data = original_clean()
                start, end = data.get("date_from"), data.get("date_to")
                if start and end and end < start:
                    form.add_error("date_to", _("The end of the range is before its start."))
                elif start and end and (end - start).days >= MAX_RANGE_DAYS:
                    form.add_error("date_to", _("Choose at most %(days)d days at a time.") % {"days": MAX_RANGE_DAYS})
                return data

            form.clean = clean
        return form
