"""The back office's admin site: every ModelAdmin registered on it, ours and the libraries' (auth, axes), gets
``BackOfficeAdminMixin``, so the rules below hold for each admin without each one remembering them.

- A changelist accepts only the filters it declares (``list_filter``, ``date_hierarchy``); Django's own default
  also accepts any lookup on a local field, with which ``?owner_nik__startswith=6471`` recovers a hidden NIK one
  digit at a time. A refused lookup is Django's DisallowedModelAdminLookup: a 400.
- Personal data (``personal_fields``, {field name: "nik" or "phone"}, as on ObjectDetailView) is never in a form,
  never filtered on, and masked in the change history (django-simple-history's pages) for every user outside
  ``personal_data_owner``: the administrators (Diskominfo) are not the office that owns it. Free text that may quote
  a NIK or phone number (the model's ``free_text_fields``) is left out of the forms for them too.
- A write refused by the lock of an approved period (smarteconomy.sources.PeriodLocked, raised by
  ``MarksDirtyAdmin`` or any service a save calls) is an error message on the page, never a server error, and
  leaves nothing written: an add, a change, a delete, a bulk action and a revert from the history each run in one
  transaction that the refusal rolls back.
"""

from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.filters import SimpleListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.db import router, transaction
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseRedirect
from simple_history.template_utils import HistoricalRecordContextHelper

from .roles import can_see_personal_data, mask_field, owner_office_of, redact
from .sources import PeriodLocked

# The parameters Django's field list filters use: ChoicesFieldListFilter and BooleanFieldListFilter (exact,
# isnull), DateFieldListFilter (gte, lt), EmptyFieldListFilter (isempty); a relation's filter adds
# <field>__<target>__exact.
FIELD_FILTER_LOOKUPS = ("exact", "isnull", "gte", "lt", "isempty")
DATE_HIERARCHY_LOOKUPS = ("year", "month", "day")


class MaskedHistoryHelper(HistoricalRecordContextHelper):
    """A history entry's changes as ``model_admin`` shows them to ``user``: personal fields masked, and NIKs and phone
    numbers typed into other text masked too, unless the user's office owns the data."""

    def __init__(self, model, historical_record, *, model_admin, user):
        super().__init__(model, historical_record)
        self.personal_fields = model_admin.get_personal_fields()
        self.sees_personal_data = model_admin.sees_personal_data(user)

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if self.sees_personal_data:
            return value
        if change.field in self.personal_fields:
            return mask_field(self.personal_fields[change.field], value)
        return redact(value)


class BackOfficeAdminMixin:
    """Mixed into every ModelAdmin by ``BackOfficeSite.register`` (see the module's docstring). It comes first in
    the class's bases, so it reads ``personal_fields`` and ``personal_data_owner`` from the admin, without defaults
    of its own that would hide them."""

    def get_personal_fields(self):
        return getattr(self, "personal_fields", {})

    def sees_personal_data(self, user):
        owner = getattr(self, "personal_data_owner", None) or owner_office_of(self.model)
        return can_see_personal_data(user, owner)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or ())
        hidden = [*self.get_personal_fields()]
        if not self.sees_personal_data(request.user):
            # Free text that may quote a NIK or phone number (the model's ``free_text_fields``, masked on the
            # office pages) is left out of the form for everyone outside the owning office.
            hidden += getattr(self.model, "free_text_fields", ())
        return exclude + [name for name in hidden if name not in exclude]

    def lookup_allowed(self, lookup, value, request=None):
        if (lookup, value) in self._limit_choices_lookups():
            return True  # the raw-id popup of a ForeignKey with limit_choices_to, as Django allows it
        if self._touches_personal_field(lookup):
            return False
        return lookup in self.declared_lookups(request)

    def declared_lookups(self, request=None):
        """The query parameters this changelist's filters use, and only those."""
        lookups = set()
        if self.date_hierarchy:
            lookups.update(LOOKUP_SEP.join((self.date_hierarchy, part)) for part in DATE_HIERARCHY_LOOKUPS)
        for item in self.get_list_filter(request) if request is not None else self.list_filter:
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                lookups.add(item.parameter_name)
                continue
            path = item[0] if isinstance(item, list | tuple) else item
            path = getattr(path, "name", path)  # a Field instance
            field = get_fields_from_path(self.model, path)[-1]
            lookups.update(LOOKUP_SEP.join((path, part)) for part in FIELD_FILTER_LOOKUPS)
            if field.is_relation:
                lookups.add(LOOKUP_SEP.join((path, field.target_field.name, "exact")))
        return lookups

    def _limit_choices_lookups(self):
        pairs = set()
        for fk_lookup in self.model._meta.related_fkey_lookups:
            if callable(fk_lookup):
                fk_lookup = fk_lookup()
            pairs.update(widgets.url_params_from_lookup_dict(fk_lookup).items())
        return pairs

    def _touches_personal_field(self, lookup):
        """Whether the lookup's path goes through a field declared personal by the admin of its model."""
        model = self.model
        for part in lookup.split(LOOKUP_SEP):
            model_admin = self.admin_site._registry.get(model)
            if model_admin is not None and part in model_admin.get_personal_fields():
                return True
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                return False
            if not field.is_relation or field.related_model is None:
                return False
            model = field.related_model
        return False

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedHistoryHelper(self.model, historical_record, model_admin=self, user=request.user)

    # The lock: every write view in one transaction; a PeriodLocked rolls it back and is shown as an error message.

    def _unless_locked(self, view, request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return view(request, *args, **kwargs)
        except PeriodLocked as locked:
            for message in locked.messages:
                self.message_user(request, message, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        return self._unless_locked(super().changeform_view, request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._unless_locked(super().delete_view, request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):  # bulk actions (delete selected) and list_editable
        return self._unless_locked(super().changelist_view, request, *args, **kwargs)

    def history_form_view(self, request, *args, **kwargs):  # simple_history's revert
        return self._unless_locked(super().history_form_view, request, *args, **kwargs)


class BackOfficeSite(admin.AdminSite):
    site_header = "Smart Economy Balikpapan · back office"
    site_title = "Smart Economy Balikpapan"
    index_title = "Diskominfo"

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, BackOfficeAdminMixin):
            admin_class = type(admin_class.__name__, (BackOfficeAdminMixin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)
