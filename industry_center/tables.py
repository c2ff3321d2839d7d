"""Tables of the industry-centre pages."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role
from smarteconomy.tables import DateTimeColumn, FreeTextColumn, PersonalDataColumn, StatusBadgeColumn
from smarteconomy.templatetags.formatting import rupiah

from .models import LevyBill, Payment, ProductionHouse, SettlementRow, Tenancy, Tenant

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


class RupiahColumn(tables.Column):
    """Shown as Rp1.234.567; exported as the plain number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}})
        super().__init__(**kwargs)

    def render(self, value):
        return rupiah(value)

    def value(self, value):
        return value


class PeriodColumn(tables.Column):
    def render(self, value):
        return value.strftime("%m/%Y")

    def value(self, value):
        return value.strftime("%Y-%m")


class BillStatusColumn(StatusBadgeColumn):
    STYLES = {
        "issued": "primary",
        "partly_paid": "info",
        "paid": "success",
        "overdue": "danger",
        "cancelled": "secondary",
    }


class SettlementStatusColumn(StatusBadgeColumn):
    STYLES = {
        "matched": "success",
        "resolved": "success",
        "unmatched": "warning",
        "ambiguous": "warning",
        "review": "danger",
        "ignored": "secondary",
    }


class ProductionHouseTable(tables.Table):
    unit_code = tables.Column(linkify=True)

    class Meta:
        model = ProductionHouse
        fields = ("unit_code", "centre", "commodity", "equipment_level", "active")
        attrs = TABLE_ATTRS


class TenantTable(tables.Table):
    name = tables.Column(linkify=True)
    phone = PersonalDataColumn(owner_office=Role.DKUMKMP, kind="phone")
    active_tenancies = tables.Column(verbose_name=_("Active tenancies"), orderable=False)

    class Meta:
        model = Tenant
        fields = ("name", "owner_name", "nib", "phone", "active_tenancies")
        attrs = TABLE_ATTRS


class TenancyTable(tables.Table):
    house = tables.Column(linkify=True, order_by=("house__unit_code",))
    tenant = tables.Column(linkify=True, order_by=("tenant__name",))
    monthly_levy = RupiahColumn()
    edit = tables.LinkColumn(
        "industry_center:tenancy_edit",
        args=[tables.A("pk")],
        text=_("Edit"),
        orderable=False,
        verbose_name="",
        exclude_from_export=True,
    )

    class Meta:
        model = Tenancy
        fields = ("house", "tenant", "start", "end", "monthly_levy", "edit")
        attrs = TABLE_ATTRS

    def before_render(self, request):
        if request is None or not request.user.has_perm("industry_center.change_tenancy"):
            self.columns.hide("edit")


class LevyBillTable(tables.Table):
    number = tables.Column(linkify=True, attrs={"td": {"class": "text-nowrap"}})
    tenant = tables.Column(accessor="tenancy__tenant", verbose_name=_("Tenant"), order_by=("tenancy__tenant__name",))
    house = tables.Column(accessor="tenancy__house", verbose_name=_("House"), order_by=("tenancy__house__unit_code",))
    period = PeriodColumn()
    amount = RupiahColumn()
    paid_amount = RupiahColumn()
    status = BillStatusColumn()

    def render_kind(self, record):
        return "SKRD" if record.kind == "monthly" else "STRD"  # the official short names; the export has the label

    class Meta:
        model = LevyBill
        fields = ("number", "kind", "tenant", "house", "period", "amount", "paid_amount", "due_date", "status")
        attrs = TABLE_ATTRS


class PaymentTable(tables.Table):
    bill = tables.Column(linkify=True, order_by=("bill__number",))
    amount = RupiahColumn()
    paid_at = DateTimeColumn(short=True)

    class Meta:
        model = Payment
        fields = ("paid_at", "bill", "channel", "amount", "reference", "recorded_by")
        attrs = TABLE_ATTRS


class SettlementRowTable(tables.Table):
    rrn = tables.Column(linkify=True)
    transaction_at = DateTimeColumn(short=True, attrs={"td": {"class": "text-nowrap"}})
    amount = RupiahColumn()
    bill_number = tables.Column(verbose_name=_("Bill no. in the QRIS"), attrs={"td": {"class": "text-nowrap"}})
    status = SettlementStatusColumn(attrs={"td": {"class": "text-nowrap"}})
    bill = tables.Column(
        accessor="payment__bill",
        verbose_name=_("Paid bill"),
        orderable=False,
        linkify=True,
        attrs={"td": {"class": "text-nowrap"}},
    )
    # The reason in the reader's language (the matcher's, translated; a person's, as typed), masked like a note.
    reason = FreeTextColumn(
        accessor="get_reason_display",
        order_by=("reason",),
        verbose_name=SettlementRow._meta.get_field("reason").verbose_name,
        attrs={"td": {"class": "small reason-cell"}},
    )

    class Meta:
        model = SettlementRow
        fields = ("transaction_at", "rrn", "amount", "bill_number", "payer", "status", "bill", "reason")
        attrs = TABLE_ATTRS
