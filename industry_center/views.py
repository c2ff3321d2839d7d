"""The DKUMKMP pages of the industry centre: production houses, tenants and tenancies, levy bills with their
dynamic QRIS and printable SKRD, payments, and the QRIS reconciliation. Every write goes through
industry_center.services; Bappeda and the administrators see the same pages without the buttons."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from smarteconomy.choices import Role
from smarteconomy.lists import ObjectListView
from smarteconomy.views import (
    ObjectDetailView,
    RecordActionView,
    RecordEditMixin,
    ServiceFormView,
    errors_text,
    form_refusal,
)

from . import filtersets, selectors, tables
from .choices import OPEN_BILL_STATUSES, OPEN_SETTLEMENT_STATUSES, BillKind, BillStatus
from .forms import IssueMonthForm, PaymentForm, ProductionHouseForm, ReasonForm, ResolveForm, TenancyForm, TenantForm
from .models import LevyBill, Payment, ProductionHouse, SettlementRow, Tenancy, Tenant
from .services import (
    levy_bill_cancel,
    levy_bill_issue_arrears,
    levy_bills_issue_month,
    levy_interest,
    payment_record,
    production_house_save,
    settlement_row_resolve,
    settlement_row_set_aside,
    tenancy_save,
    tenant_save,
)


class _EditLinkMixin:
    """A detail page with an Edit button for those allowed to change the record."""

    edit_url = ""
    edit_permission = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.edit_url and self.request.user.has_perm(self.edit_permission):
            context["edit_link"] = reverse(self.edit_url, args=[self.object.pk])
        return context


class _CreateView(ServiceFormView):
    """Create a record through its service (``service(by=..., **data)``); then show it, or its list."""

    service = None
    list_url = ""

    @property
    def cancel_url(self):
        return reverse(self.list_url)

    def save(self, data):
        return type(self).service(by=self.request.user, **data)

    def saved_url(self, saved):
        return saved.get_absolute_url() if hasattr(saved, "get_absolute_url") else reverse(self.list_url)


class _EditView(RecordEditMixin, _CreateView):
    """Edit a record through its service (``service(<service_arg>=record, by=..., **data)``)."""

    service_arg = ""

    @property
    def cancel_url(self):
        return self.saved_url(self.object)

    def save(self, data):
        return type(self).service(**{self.service_arg: self.object}, by=self.request.user, **data)


# --- Production houses --------------------------------------------------------------------------------------------


class ProductionHouseListView(ObjectListView):
    queryset = selectors.house_list()
    filterset_class = filtersets.ProductionHouseFilterSet
    table_class = tables.ProductionHouseTable
    title = gettext_lazy("Production houses")
    default_sort = "unit_code"
    export_name = "production-houses"
    actions = (
        (gettext_lazy("Add production house"), "industry_center:house_add", {}, "industry_center.add_productionhouse"),
    )


class ProductionHouseDetailView(_EditLinkMixin, ObjectDetailView):
    model = ProductionHouse
    template_name = "industry_center/detail.html"
    fields = ("centre", "unit_code", "commodity", "equipment_level", "upgrade_notes", "active")
    related_lists = ((gettext_lazy("Tenancies"), "tenancies", tables.TenancyTable),)
    edit_url = "industry_center:house_edit"
    edit_permission = "industry_center.change_productionhouse"


class ProductionHouseCreateView(_CreateView):
    permission_required = "industry_center.add_productionhouse"
    form_class = ProductionHouseForm
    title = gettext_lazy("Add a production house")
    service = staticmethod(production_house_save)
    list_url = "industry_center:house_list"


class ProductionHouseUpdateView(_EditView):
    permission_required = "industry_center.change_productionhouse"
    form_class = ProductionHouseForm
    title = gettext_lazy("Edit a production house")
    model = ProductionHouse
    service = staticmethod(production_house_save)
    service_arg = "house"


# --- Tenants and tenancies ----------------------------------------------------------------------------------------


class TenantListView(ObjectListView):
    queryset = selectors.tenant_list()
    filterset_class = filtersets.TenantFilterSet
    table_class = tables.TenantTable
    title = gettext_lazy("Tenants")
    default_sort = "name"
    export_name = "tenants"
    actions = ((gettext_lazy("Add tenant"), "industry_center:tenant_add", {}, "industry_center.add_tenant"),)


class TenantDetailView(_EditLinkMixin, ObjectDetailView):
    model = Tenant
    template_name = "industry_center/detail.html"
    fields = ("name", "owner_name", "nib", "phone", "notes")
    related_lists = (
        (gettext_lazy("Tenancies"), "tenancies", tables.TenancyTable),
        (gettext_lazy("Levy bills"), "bills", tables.LevyBillTable),
    )
    edit_url = "industry_center:tenant_edit"
    edit_permission = "industry_center.change_tenant"
    personal_fields = {"phone": "phone"}
    personal_data_owner = Role.DKUMKMP

    def get_context_data(self, **kwargs):
        self.object.bills = selectors.bill_list().filter(tenancy__tenant=self.object)[:24]
        return super().get_context_data(**kwargs)


class TenantCreateView(_CreateView):
    permission_required = "industry_center.add_tenant"
    form_class = TenantForm
    title = gettext_lazy("Add a tenant")
    service = staticmethod(tenant_save)
    list_url = "industry_center:tenant_list"


class TenantUpdateView(_EditView):
    permission_required = "industry_center.change_tenant"
    form_class = TenantForm
    title = gettext_lazy("Edit a tenant")
    model = Tenant
    service = staticmethod(tenant_save)
    service_arg = "tenant"


class TenancyListView(ObjectListView):
    queryset = selectors.tenancy_list()
    filterset_class = filtersets.TenancyFilterSet
    table_class = tables.TenancyTable
    title = gettext_lazy("Tenancies")
    default_sort = "-start"
    export_name = "tenancies"
    actions = ((gettext_lazy("Add tenancy"), "industry_center:tenancy_add", {}, "industry_center.add_tenancy"),)


class TenancyCreateView(_CreateView):
    permission_required = "industry_center.add_tenancy"
    form_class = TenancyForm
    title = gettext_lazy("Add a tenancy")
    service = staticmethod(tenancy_save)
    list_url = "industry_center:tenancy_list"


class TenancyUpdateView(_EditView):
    permission_required = "industry_center.change_tenancy"
    form_class = TenancyForm
    title = gettext_lazy("Edit a tenancy")
    model = Tenancy
    service = staticmethod(tenancy_save)
    service_arg = "tenancy"
    list_url = "industry_center:tenancy_list"


# --- Bills --------------------------------------------------------------------------------------------------------


class LevyBillListView(ObjectListView):
    queryset = selectors.bill_list()
    filterset_class = filtersets.LevyBillFilterSet
    table_class = tables.LevyBillTable
    title = gettext_lazy("Levy bills")
    default_sort = "-period"
    export_name = "levy-bills"
    template_name = "industry_center/bill_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["issue_form"] = IssueMonthForm(initial={"period": timezone.localdate().strftime("%Y-%m")})
        context["this_month"] = timezone.localdate().strftime("%Y-%m")
        return context


class LevyBillIssueMonthView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Issue a month's bills now (the beat task does it on the 1st); running it again issues nothing new."""

    permission_required = "industry_center.add_levybill"
    http_method_names = ["post"]

    def post(self, request):
        form = IssueMonthForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Not issued: give the month as YYYY-MM."))
            return redirect("industry_center:bill_list")
        period = form.cleaned_data["period"] or timezone.localdate()
        month = period.strftime("%m/%Y")
        try:
            created, _details = levy_bills_issue_month(period=period, by=request.user)
        except ValidationError as error:  # e.g. the month is locked (approved): nothing issued
            messages.error(request, _("Not issued: %(error)s") % {"error": errors_text(error)})
            return redirect("industry_center:bill_list")
        if created:
            messages.success(request, _("%(count)d bills issued for %(month)s.") % {"count": created, "month": month})
        else:
            messages.info(request, _("Every active tenancy already has its bill for %(month)s.") % {"month": month})
        return redirect(reverse("industry_center:bill_list") + f"?period_from={period:%Y-%m-01}")


class LevyBillDetailView(ObjectDetailView):
    model = LevyBill
    template_name = "industry_center/bill_detail.html"
    fields = (
        "number",
        "kind",
        "tenancy",
        "period",
        "amount",
        "issued_on",
        "due_date",
        "status",
        "paid_amount",
        "paid_on",
        "arrears_of",
        "cancel_reason",
    )

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("tenancy__tenant", "tenancy__house__centre", "arrears_of")
            .prefetch_related(Prefetch("payments", queryset=Payment.objects.select_related("recorded_by")))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bill = self.object
        user = self.request.user
        context.update(bill_context(bill))
        context["payments"] = list(bill.payments.all())
        context["arrears_bill"] = LevyBill.objects.filter(arrears_of=bill).first()
        context["can_pay"] = user.has_perm("industry_center.add_payment") and bill.status in OPEN_BILL_STATUSES
        context["can_change"] = user.has_perm("industry_center.change_levybill")
        context["can_issue_arrears"] = (
            context["can_change"]
            and bill.kind == BillKind.MONTHLY
            and context["arrears_bill"] is None
            and context["interest"] > 0
        )
        context["can_cancel"] = context["can_change"] and bill.status != BillStatus.CANCELLED and not bill.paid_amount
        context["payment_form"] = PaymentForm(bill=bill)
        context["reason_form"] = ReasonForm()
        context["status_style"] = tables.BillStatusColumn.STYLES.get(bill.status, "secondary")
        return context


def bill_context(bill):
    payload = selectors.bill_qris_payload(bill)
    return {
        "qris_payload": payload,
        "qr_svg": selectors.qr_svg(payload) if payload else "",
        "interest": levy_interest(bill),
        "today": timezone.localdate(),
    }


class LevyBillPrintView(LevyBillDetailView):
    template_name = "industry_center/bill_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["qr_svg"] = selectors.qr_svg(context["qris_payload"], scale=5) if context["qris_payload"] else ""
        context["interest_rate"] = settings.LEVY_INTEREST_RATE_PER_MONTH
        context["interest_cap"] = settings.LEVY_INTEREST_CAP_MONTHS
        return context


class _BillActionView(RecordActionView):
    model = LevyBill


class PaymentCreateView(_BillActionView):
    permission_required = "industry_center.add_payment"

    def act(self, request, bill):
        form = PaymentForm(request.POST, bill=bill)
        if not form.is_valid():
            raise form_refusal(form)
        payment = payment_record(bill=bill, by=request.user, **form.cleaned_data)
        return _("Payment of %(amount)s recorded.") % {"amount": tables.rupiah(payment.amount)}


class LevyBillArrearsView(_BillActionView):
    permission_required = "industry_center.change_levybill"

    def act(self, request, bill):
        arrears = levy_bill_issue_arrears(bill=bill, by=request.user)
        return _("Arrears bill %(number)s issued for %(amount)s.") % {
            "number": arrears.number,
            "amount": tables.rupiah(arrears.amount),
        }


class LevyBillCancelView(_BillActionView):
    permission_required = "industry_center.change_levybill"

    def act(self, request, bill):
        levy_bill_cancel(bill=bill, reason=request.POST.get("reason", ""), by=request.user)
        if bill.kind == BillKind.MONTHLY:
            return _(
                "Bill %(number)s cancelled. To bill %(month)s again, correct the tenancy if needed and issue the "
                "month again on the bills page: a cancelled bill does not count."
            ) % {"number": bill.number, "month": bill.period.strftime("%m/%Y")}
        return _("Bill %(number)s cancelled.") % {"number": bill.number}


class PaymentListView(ObjectListView):
    queryset = selectors.payment_list()
    filterset_class = filtersets.PaymentFilterSet
    table_class = tables.PaymentTable
    title = gettext_lazy("Levy payments")
    default_sort = "-paid_at"
    export_name = "levy-payments"


# --- Reconciliation -----------------------------------------------------------------------------------------------


class SettlementRowListView(ObjectListView):
    queryset = selectors.settlement_list()
    filterset_class = filtersets.SettlementRowFilterSet
    table_class = tables.SettlementRowTable
    title = gettext_lazy("QRIS reconciliation")
    default_sort = "-transaction_at"
    export_name = "qris-settlement"
    template_name = "industry_center/settlement_list.html"
    actions = (
        (
            gettext_lazy("Import settlement file"),
            "imports:upload",
            {"importer": "qris_settlement"},
            "industry_center.add_settlementrow",
        ),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["open_count"] = selectors.open_settlement_count()
        return context


class SettlementRowDetailView(ObjectDetailView):
    model = SettlementRow
    template_name = "industry_center/settlement_detail.html"
    fields = (
        "transaction_at",
        "amount",
        "rrn",
        "bill_number",
        "merchant_id",
        "payer",
        "centre",
        # The status is the coloured badge below the details (detail_extra), not a second, plain line here.
        "reason",
        "payment",
        "resolved_by",
        "resolved_at",
        "batch",
        "row_number",
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        row = self.object
        context["candidates"] = list(row.candidates.select_related("tenancy__tenant", "tenancy__house"))
        context["can_resolve"] = (
            self.request.user.has_perm("industry_center.change_settlementrow")
            and row.status in OPEN_SETTLEMENT_STATUSES
        )
        context["status_style"] = tables.SettlementStatusColumn.STYLES.get(row.status, "secondary")
        return context


class _SettlementActionView(RecordActionView):
    permission_required = "industry_center.change_settlementrow"
    model = SettlementRow

    def done_url(self, row):
        return reverse("industry_center:settlement_list") + "?needs_attention=true"


class SettlementRowResolveView(_SettlementActionView):
    def act(self, request, row):
        form = ResolveForm(request.POST)
        number = form.data.get("bill_number", "").strip()
        bill = LevyBill.objects.visible_to(request.user).filter(number=number).first() if form.is_valid() else None
        if bill is None:
            raise ValidationError(_("No bill with number “%(number)s”.") % {"number": number})
        settlement_row_resolve(row=row, bill=bill, by=request.user)
        return _("RRN %(rrn)s recorded as payment of bill %(number)s.") % {"rrn": row.rrn, "number": bill.number}


class SettlementRowSetAsideView(_SettlementActionView):
    def act(self, request, row):
        settlement_row_set_aside(row=row, reason=request.POST.get("reason", ""), by=request.user)
        return _("RRN %(rrn)s set aside.") % {"rrn": row.rrn}
