"""FilterSets of the shared pages. Every FilterSet has ``q``, the free-text search of its list page."""

from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import ImportStatus, Role, TaskStatus
from .forms import LIST_FILTER_RENDERER, LocalizedDecimalField, LocalizedIntegerField
from .models import ExportLog, ImportBatch, Kecamatan, Kelurahan, Sector, TaskRun
from .roles import user_role

# The values NullBooleanSelect reads ("unknown" = no filter, "true", "false"), with a list filter's wording.
YES_NO_FILTER_CHOICES = (("unknown", _("All")), ("true", _("Yes")), ("false", _("No")))


class NumberFilter(django_filters.NumberFilter):
    """A number typed the Indonesian way (2,5; 25.000), as in every form (smarteconomy.forms)."""

    field_class = LocalizedDecimalField


class IntegerFilter(django_filters.NumberFilter):
    """A whole number; ``grouping=False`` for a year or a registry number."""

    field_class = LocalizedIntegerField


class SearchFilterSet(django_filters.FilterSet):
    """Adds ``q``: case-insensitive search over ``search_fields``."""

    # Filters generated for a model's number fields read numbers the Indonesian way too.
    FILTER_DEFAULTS = {
        model_field: {**options, "filter_class": NumberFilter}
        if options.get("filter_class") is django_filters.NumberFilter
        else options
        for model_field, options in django_filters.filterset.FILTER_FOR_DBFIELD_DEFAULTS.items()
    }
    search_fields = ()
    q = django_filters.CharFilter(method="search", label=_("Search"))

    @property
    def form(self):
        form = super().form
        form.renderer = LIST_FILTER_RENDERER
        for field in form.fields.values():
            if isinstance(field.widget, forms.NullBooleanSelect):
                # A yes/no filter left empty filters nothing: "All", not Django's "Unknown".
                field.widget.choices = YES_NO_FILTER_CHOICES
            css = "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
            if field.widget.input_type == "text" and field.__class__.__name__ == "DateField":
                field.widget.input_type = "date"
        return form

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        fields = [f for f in self.search_fields if not self._masked_for_user(queryset.model, f)]
        if not fields:
            return queryset.none()
        return queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": value}) for f in fields)))

    def _masked_for_user(self, model, path):
        """Whether ``path`` ends in a free-text field that the user sees masked (smarteconomy.roles.free_text_for):
        the search leaves it out, or typing a NIK digit by digit would reveal it by which rows match."""
        from .roles import can_see_personal_data, owner_office_of

        *relations, name = path.split("__")
        for relation in relations:
            model = model._meta.get_field(relation).related_model
        if name not in getattr(model, "free_text_fields", ()) or self.request is None:
            return False
        return not can_see_personal_data(getattr(self.request, "user", None), owner_office_of(model))


class KelurahanFilterSet(SearchFilterSet):
    search_fields = ("name", "code", "postal_code", "kecamatan__name")
    kecamatan_id = django_filters.ModelChoiceFilter(
        field_name="kecamatan", queryset=Kecamatan.objects.all(), label=_("Kecamatan")
    )

    class Meta:
        model = Kelurahan
        fields = ["q", "kecamatan_id"]


class SectorFilterSet(SearchFilterSet):
    search_fields = ("code", "name_id", "name_en", "label_in_paper")

    class Meta:
        model = Sector
        fields = ["q"]


class ImportBatchFilterSet(SearchFilterSet):
    search_fields = ("original_name", "importer", "message")

    def search(self, queryset, name, value):
        # The file name and the message may hold a NIK or a phone number, shown in full to the uploading office
        # only: for the other offices' batches the search reads the masked name, and the message only for a
        # search without digits (else ?q= would find the hidden digits one guess at a time).
        value = value.strip()
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        own = Q(office=user_role(user)) if user_role(user) else Q(pk__in=[])
        masked = Q(masked_name__icontains=value) | Q(importer__icontains=value)
        if not any(character.isdigit() for character in value):
            masked |= Q(message__icontains=value)
        full = Q(original_name__icontains=value) | Q(importer__icontains=value) | Q(message__icontains=value)
        return queryset.filter((own & full) | (~own & masked))

    status = django_filters.ChoiceFilter(choices=ImportStatus.choices, label=_("Status"))
    office = django_filters.ChoiceFilter(choices=Role.choices, label=_("Office"))
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("From"))
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("Until"))

    class Meta:
        model = ImportBatch
        fields = ["q", "status", "office", "created_after", "created_before"]


class ExportLogFilterSet(SearchFilterSet):
    search_fields = ("list_name", "user__username", "query")
    format = django_filters.ChoiceFilter(choices=[("csv", "CSV"), ("xlsx", "XLSX")], label=_("Format"))

    class Meta:
        model = ExportLog
        fields = ["q", "format"]


class TaskRunFilterSet(SearchFilterSet):
    search_fields = ("task", "error")
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("Status"))
    failing = django_filters.BooleanFilter(
        method="filter_failing",
        label=_("Failed, not repaired since"),
        widget=forms.NullBooleanSelect(attrs={"class": "form-select form-select-sm"}),
    )

    class Meta:
        model = TaskRun
        fields = ["q", "status", "failing"]

    def filter_failing(self, queryset, name, value):
        from .selectors import task_runs_failing

        if value is None:
            return queryset
        found = task_runs_failing(queryset)
        return found if value else queryset.exclude(pk__in=found.values("pk"))
