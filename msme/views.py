"""The DKUMKMP pages: the MSME registry (with the duplicate step on entry), the report of registrations by
kecamatan and year, Sobat UMKM listings, trainings with their selection, and the SME Center outlet. Every
write goes through msme.services; Bappeda and the administrators read, with NIK and phone masked."""

import csv
from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from smarteconomy.choices import Role
from smarteconomy.exporting import neutralize
from smarteconomy.lists import ObjectListView, related_table
from smarteconomy.models import Kelurahan
from smarteconomy.roles import can_see_personal_data, mask_field
from smarteconomy.views import ObjectDetailView, RecordActionView, RecordEditMixin, ServiceFormView, form_refusal

from . import filtersets, forms, selectors, tables
from .choices import ParticipantStatus
from .models import Listing, Msme, OutletProduct, Training, TrainingParticipant
from .services import (
    MERGE_FIELDS,
    DuplicateCandidates,
    listing_save,
    msme_create,
    msme_merge,
    msme_update,
    outlet_movement_record,
    outlet_outstanding,
    outlet_payout_record,
    outlet_product_save,
    outlet_stock,
    participant_record,
    participant_select,
    participant_withdraw,
    training_apply,
    training_run_selection,
    training_save,
)
from .validators import normalize_phone

# --- Registry ---------------------------------------------------------------------------------------------------


class MsmeListView(ObjectListView):
    queryset = selectors.msme_list()
    filterset_class = filtersets.MsmeFilterSet
    table_class = tables.MsmeTable
    title = gettext_lazy("MSME registry")
    default_sort = "-registered_on"
    export_name = "msmes"
    actions = (
        (gettext_lazy("Register an MSME"), "msme:msme_add", {}, "msme.add_msme"),
        (gettext_lazy("Import"), "imports:upload", {"importer": "msmes"}, "msme.add_msme"),
    )


class MsmeDetailView(ObjectDetailView):
    model = Msme
    template_name = "msme/msme_detail.html"
    fields = (
        "name",
        "owner_name",
        "owner_nik",
        "nib",
        "phone",
        "address",
        "kelurahan",
        "business_category",
        "scale",
        "registered_on",
        "status",
        "qris_since",
        "created_at",
    )
    related_lists = (
        (gettext_lazy("Sobat UMKM listings"), "listings", tables.ListingTable),
        (gettext_lazy("Trainings"), "trainings", tables.MsmeTrainingTable),
    )
    personal_fields = {"owner_nik": "nik", "phone": "phone"}
    personal_data_owner = Role.DKUMKMP

    def get_queryset(self):
        return super().get_queryset().select_related("kelurahan__kecamatan")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = self.request.user.has_perm("msme.change_msme")
        context["can_list"] = self.request.user.has_perm("msme.add_listing")
        return context


PERSONAL_FIELDS = {"owner_nik": "nik", "phone": "phone"}


def _shown(field, value):
    """A field's value as the comparison shows it: labels for choices, local dates, the kelurahan's name."""
    if _empty(value):
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Kelurahan):
        return f"{value.name} ({value.kecamatan.name})"
    return str(value)


def _empty(value):
    return value in (None, "")


def merge_comparison(target, data, *, sees_personal_data):
    """The rows of the side-by-side comparison: the registered record's value and the entry's, per field.

    ``choosable`` when the entry has a different value; the registered value is preselected, except where the
    record has none (taking the entry's then loses nothing). The owner's NIK is never preselected: changing it
    is an explicit choice, highlighted."""
    rows = []
    for name in MERGE_FIELDS:
        field = Msme._meta.get_field(name)
        registered = getattr(target, name)
        entry = data.get(name)
        if name == "phone":
            entry = normalize_phone(entry)
        choosable = not _empty(entry) and registered != entry
        shown_registered, shown_entry = _shown(field, registered), _shown(field, entry)
        if name in PERSONAL_FIELDS and not sees_personal_data:
            shown_registered = mask_field(PERSONAL_FIELDS[name], shown_registered)
            shown_entry = mask_field(PERSONAL_FIELDS[name], shown_entry)
        rows.append(
            {
                "name": name,
                "label": field.verbose_name,
                "registered": shown_registered,
                "entry": shown_entry,
                "choosable": choosable,
                "take_entry": choosable and _empty(registered) and name != "owner_nik",
                "nik": name == "owner_nik",
            }
        )
    return rows


class MsmeCreateView(ServiceFormView):
    """Entry with the duplicate step: when the entry may already be registered, the form comes back with the
    candidates, and the officer merges it into one of them or confirms it is a different business. A merge
    first shows the registered record and the entry side by side; the officer chooses, field by field, which
    value to keep (the registered one unless chosen otherwise), then confirms."""

    permission_required = "msme.add_msme"
    form_class = forms.MsmeForm
    template_name = "msme/msme_form.html"
    title = gettext_lazy("Register an MSME")
    cancel_url_name = "msme:msme_list"

    def get_initial(self):
        return {"registered_on": timezone.localdate(), "status": "active", "scale": "micro"}

    def merge_target(self, text):
        if not text.isdigit():
            raise ValidationError(_("Choose the registered MSME to merge into."))
        return get_object_or_404(
            Msme.objects.visible_to(self.request.user).select_related("kelurahan__kecamatan"), pk=int(text)
        )

    def form_valid(self, form):
        decision = self.request.POST.get("decision", "")
        data = form.cleaned_data
        try:
            if decision.startswith("merge:"):  # the comparison step: nothing is written yet
                target = self.merge_target(decision.removeprefix("merge:"))
                context = self.get_context_data(form=form)
                context["merge_target"] = target
                context["comparison"] = merge_comparison(
                    target, data, sees_personal_data=can_see_personal_data(self.request.user, Role.DKUMKMP)
                )
                return self.render_to_response(context)
            if decision.startswith("merge-confirm:"):
                target = self.merge_target(decision.removeprefix("merge-confirm:"))
                take = [name for name in MERGE_FIELDS if self.request.POST.get(f"keep_{name}") == "entry"]
                msme = msme_merge(into=target, take=take, by=self.request.user, **data)
                messages.success(self.request, _("Merged into %(name)s.") % {"name": msme})
            else:
                msme = msme_create(by=self.request.user, confirm_new=decision == "new", **data)
                messages.success(self.request, _("%(name)s is registered.") % {"name": msme})
        except DuplicateCandidates as duplicates:
            candidates = Msme.objects.select_related("kelurahan__kecamatan").in_bulk(
                [c.pk for c in duplicates.candidates]
            )
            context = self.get_context_data(form=form)
            context["candidates"] = [(c, candidates[c.pk]) for c in duplicates.candidates]
            return self.render_to_response(context)
        except ValidationError as error:
            return self.form_invalid_from(form, error)
        return redirect(msme)


class MsmeUpdateView(RecordEditMixin, ServiceFormView):
    permission_required = "msme.change_msme"
    model = Msme
    form_class = forms.MsmeForm
    title = gettext_lazy("Edit an MSME")

    def save(self, data):
        return msme_update(msme=self.object, by=self.request.user, **data)


class DistrictReportView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """New registrations per year by kecamatan (the registry's filters apply); ?format=csv downloads it."""

    permission_required = "msme.view_msme"
    template_name = "msme/report_by_district.html"

    def years(self):
        this_year = timezone.localdate().year
        try:
            start = int(self.request.GET.get("start") or 2019)
            end = int(self.request.GET.get("end") or this_year)
        except ValueError:
            start, end = 2019, this_year
        if start > end:
            start, end = end, start
        return max(start, 1990), min(end, max(start, 1990) + 30)

    def report(self):
        filterset = filtersets.MsmeFilterSet(
            self.request.GET or None, queryset=selectors.msme_list().visible_to(self.request.user)
        )
        queryset = filterset.qs if not filterset.is_bound or filterset.is_valid() else Msme.objects.none()
        start, end = self.years()
        return filterset, selectors.msme_count_by_district(start=start, end=end, queryset=queryset)

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            _filterset, report = self.report()
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="msme-new-registrations-{report.years[0]}-{report.years[-1]}.csv"'
            )
            response.write("\ufeff")
            write_report_csv(response, report)
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, report = self.report()
        start, end = self.years()
        context.update(title=_("New MSME registrations by kecamatan and year"), filterset=filterset, report=report)
        context.update(start=start, end=end)
        return context


def write_report_csv(out, report):
    """The report as CSV: the header first (a CSV's first line is its header, for every spreadsheet and script that
    reads it), then one row per kecamatan and the total. What it counts (new registrations, a flow) is in the
    filename and on the page, not in a caption line above the header."""
    writer = csv.writer(out)
    writer.writerow([_("kecamatan"), *report.years, _("total")])
    for name, values, total in report.rows:
        writer.writerow([neutralize(name), *values, total])
    writer.writerow([_("total"), *report.totals, report.grand_total])


# --- Sobat UMKM listings ----------------------------------------------------------------------------------------


class ListingListView(ObjectListView):
    queryset = selectors.listing_list()
    filterset_class = filtersets.ListingFilterSet
    table_class = tables.ListingTable
    title = gettext_lazy("Sobat UMKM listings")
    default_sort = "-listed_on"
    export_name = "sobat-umkm-listings"
    actions = (
        (gettext_lazy("Add a listing"), "msme:listing_add", {}, "msme.add_listing"),
        (gettext_lazy("Import the catalogue"), "imports:upload", {"importer": "listings"}, "msme.add_listing"),
    )


class ListingDetailView(ObjectDetailView):
    model = Listing
    template_name = "msme/listing_detail.html"
    fields = ("external_id", "msme", "product_name", "category", "price", "active", "listed_on", "delisted_on")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = self.request.user.has_perm("msme.change_listing")
        return context


class ListingCreateView(ServiceFormView):
    permission_required = "msme.add_listing"
    form_class = forms.ListingForm
    title = gettext_lazy("Add a Sobat UMKM listing")
    cancel_url_name = "msme:listing_list"
    enctype = "multipart/form-data"

    def get_initial(self):
        initial = {"listed_on": timezone.localdate(), "active": True}
        if (self.request.GET.get("msme") or "").isdigit():
            initial["msme"] = self.request.GET["msme"]
        return initial

    def save(self, data):
        return listing_save(by=self.request.user, **data)


class ListingUpdateView(RecordEditMixin, ServiceFormView):
    permission_required = "msme.change_listing"
    model = Listing
    form_class = forms.ListingForm
    title = gettext_lazy("Edit a Sobat UMKM listing")
    enctype = "multipart/form-data"

    def save(self, data):
        if data.get("photo") is None:
            data.pop("photo")  # no new photo: keep the current one
        elif data["photo"] is False:
            data["photo"] = ""
        return listing_save(listing=self.object, by=self.request.user, **data)


# --- Trainings --------------------------------------------------------------------------------------------------


class TrainingListView(ObjectListView):
    queryset = selectors.training_list()
    filterset_class = filtersets.TrainingFilterSet
    table_class = tables.TrainingTable
    title = gettext_lazy("Trainings")
    default_sort = "-starts_on"
    export_name = "trainings"
    actions = ((gettext_lazy("Add a training"), "msme:training_add", {}, "msme.add_training"),)


class TrainingDetailView(ObjectDetailView):
    model = Training
    template_name = "msme/training_detail.html"
    fields = (
        "title",
        "partner",
        "starts_on",
        "ends_on",
        "topics",
        "location",
        "quota",
        "budget",
        "realized_cost",
        "follow_up_days",
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        training = self.object
        participants = list(selectors.participant_list(training))
        context["participants"] = participants
        context["selected"] = sum(1 for p in participants if p.status == ParticipantStatus.SELECTED)
        context["weights"] = [
            (Training._meta.get_field(name).verbose_name, getattr(training, name))
            for name in (
                "weight_never_trained",
                "weight_no_digital_payment",
                "weight_kecamatan_equity",
                "weight_has_products",
            )
        ]
        context["can_edit"] = self.request.user.has_perm("msme.change_training")
        context["apply_form"] = forms.ApplyForm(initial={"msme": self.request.GET.get("msme")})
        return context


class TrainingCreateView(ServiceFormView):
    permission_required = "msme.add_training"
    form_class = forms.TrainingForm
    title = gettext_lazy("Add a training")
    cancel_url_name = "msme:training_list"

    def save(self, data):
        return training_save(by=self.request.user, **data)


class TrainingUpdateView(RecordEditMixin, ServiceFormView):
    permission_required = "msme.change_training"
    model = Training
    form_class = forms.TrainingForm
    title = gettext_lazy("Edit a training")

    def save(self, data):
        return training_save(training=self.object, by=self.request.user, **data)


class _TrainingPostView(RecordActionView):
    permission_required = "msme.change_training"
    model = Training
    refused_message = gettext_lazy("Not changed: %(error)s")


class TrainingApplyView(_TrainingPostView):
    def act(self, request, training):
        form = forms.ApplyForm(request.POST)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        participant = training_apply(training=training, msme=form.cleaned_data["msme"], by=request.user)
        return _("%(name)s has applied, with a priority score of %(score)s.") % {
            "name": participant.msme,
            "score": participant.priority_score,
        }


class TrainingSelectionView(_TrainingPostView):
    def act(self, request, training):
        selected, waitlisted = training_run_selection(training=training, by=request.user)
        return _("Selection done: %(selected)d selected, %(waitlisted)d on the waitlist.") % {
            "selected": selected,
            "waitlisted": waitlisted,
        }


class ParticipantActionView(_TrainingPostView):
    def post(self, request, pk, participant_pk):
        self.participant_pk = participant_pk
        return super().post(request, pk)

    def act(self, request, training):
        participant = get_object_or_404(TrainingParticipant, training=training, pk=self.participant_pk)
        form = forms.ParticipantActionForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("The request was incomplete."))
        action = form.cleaned_data["action"]
        if action == "select":
            participant_select(participant=participant, by=request.user)
        elif action == "withdraw":
            promoted = participant_withdraw(participant=participant, by=request.user)
            if promoted:
                return _("Withdrawn; %(name)s moves up from the waitlist.") % {"name": promoted.msme}
        elif action in ("attended", "absent"):
            participant_record(participant=participant, attended=action == "attended", by=request.user)
        else:
            day = form.cleaned_data["qris_adopted_on"]
            if not day:
                raise ValidationError(_("Give the date QRIS was adopted."))
            participant_record(participant=participant, qris_adopted_on=day, by=request.user)
        return _("Saved.")


# --- SME Center outlet ------------------------------------------------------------------------------------------


class OutletProductListView(ObjectListView):
    queryset = selectors.outlet_product_list()
    filterset_class = filtersets.OutletProductFilterSet
    table_class = tables.OutletProductTable
    title = gettext_lazy("SME Center outlet: consigned products")
    default_sort = "name"
    export_name = "outlet-products"
    actions = ((gettext_lazy("Add a product"), "msme:outlet_product_add", {}, "msme.add_outletproduct"),)


class OutletProductDetailView(ObjectDetailView):
    model = OutletProduct
    template_name = "msme/outlet_product_detail.html"
    fields = ("msme", "name", "unit_price", "commission_percent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product = self.object
        context["stock"] = outlet_stock(product)
        context["outstanding"] = outlet_outstanding(product.msme)
        context["movements"] = related_table(
            tables.OutletMovementTable, product.movements.select_related("by"), self.request
        )
        context["movement_form"] = forms.OutletMovementForm(initial={"on": timezone.localdate()})
        context["can_edit"] = self.request.user.has_perm("msme.add_outletmovement")
        return context


class OutletProductCreateView(ServiceFormView):
    permission_required = "msme.add_outletproduct"
    form_class = forms.OutletProductForm
    title = gettext_lazy("Consign a product to the SME Center outlet")
    cancel_url_name = "msme:outlet_product_list"

    def save(self, data):
        return outlet_product_save(by=self.request.user, **data)


class OutletMovementCreateView(RecordActionView):
    permission_required = "msme.add_outletmovement"
    model = OutletProduct

    def act(self, request, product):
        form = forms.OutletMovementForm(request.POST)
        if not form.is_valid():
            raise form_refusal(form)
        outlet_movement_record(product=product, by=request.user, **form.cleaned_data)
        return _("Saved.")


class OutletPayoutListView(ObjectListView):
    queryset = selectors.outlet_payout_list()
    filterset_class = filtersets.OutletPayoutFilterSet
    table_class = tables.OutletPayoutTable
    title = gettext_lazy("SME Center outlet: payouts to owners")
    default_sort = "-month"
    export_name = "outlet-payouts"
    template_name = "msme/outlet_payout_list.html"
    actions = ((gettext_lazy("Record a payout"), "msme:outlet_payout_add", {}, "msme.add_outletpayout"),)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["balances"] = [row for row in selectors.outlet_balances() if row[3]]
        return context


class OutletPayoutCreateView(ServiceFormView):
    permission_required = "msme.add_outletpayout"
    form_class = forms.OutletPayoutForm
    title = gettext_lazy("Record a payout to an owner")
    cancel_url_name = "msme:outlet_payout_list"

    def get_initial(self):
        return {"paid_on": timezone.localdate(), "method": "qris", "msme": self.request.GET.get("msme")}

    def form_valid(self, form):
        try:
            outlet_payout_record(by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            return self.form_invalid_from(form, error)
        messages.success(self.request, _("Payout recorded."))
        return redirect("msme:outlet_payout_list")
