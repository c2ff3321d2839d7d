"""Tables of the msme pages. NIK and phone numbers go through PersonalDataColumn: in full for DKUMKMP,
masked for everyone else, exports included."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role
from smarteconomy.tables import DateColumn, FreeTextColumn, PersonalDataColumn, StatusBadgeColumn
from smarteconomy.templatetags.formatting import number, rupiah

from .models import Listing, Msme, OutletPayout, OutletProduct, Training, TrainingParticipant

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


class RupiahColumn(tables.Column):
    def render(self, value):
        return rupiah(value)

    def value(self, value):
        return value


class MsmeStatusColumn(StatusBadgeColumn):
    STYLES = {"active": "success", "inactive": "warning", "closed": "secondary"}


class ParticipantStatusColumn(StatusBadgeColumn):
    STYLES = {"selected": "success", "waitlisted": "warning", "applied": "info", "withdrawn": "secondary"}


class IdColumn(tables.Column):
    """A registry number as written (48162), not as a grouped number (48.162)."""

    def render(self, value):
        return str(value)


class MsmeTable(tables.Table):
    id = IdColumn(linkify=True, verbose_name="#")
    name = tables.Column(linkify=True)
    owner_nik = PersonalDataColumn(owner_office=Role.DKUMKMP, kind="nik", orderable=False)
    phone = PersonalDataColumn(owner_office=Role.DKUMKMP, kind="phone", orderable=False)
    nib = tables.Column(visible=False)  # in the exports, not on the screen (the page must fit 1366 px)
    address = FreeTextColumn(visible=False)
    kelurahan = tables.Column(order_by=("kelurahan__code",))
    kecamatan = tables.Column(
        accessor="kelurahan__kecamatan", verbose_name=_("Kecamatan"), orderable=False, visible=False
    )
    registered_on = DateColumn(short=True)
    status = MsmeStatusColumn()
    has_active_listing = tables.BooleanColumn(verbose_name=_("On Sobat UMKM"), orderable=False)

    def render_kelurahan(self, value, record):
        return format_html('{}<br><span class="small text-muted">{}</span>', value, record.kelurahan.kecamatan)

    def value_kelurahan(self, value):
        return str(value)  # the exports have the kecamatan in a column of its own

    class Meta:
        model = Msme
        fields = (
            "id",
            "name",
            "owner_name",
            "owner_nik",
            "nib",
            "phone",
            "address",
            "kelurahan",
            "kecamatan",
            "business_category",
            "scale",
            "registered_on",
            "status",
            "has_active_listing",
        )
        attrs = TABLE_ATTRS


class ListingTable(tables.Table):
    product_name = tables.Column(linkify=True)
    msme = tables.Column(linkify=True, order_by=("msme__name",))
    price = RupiahColumn()
    listed_on = DateColumn(short=True)
    delisted_on = DateColumn(short=True)

    class Meta:
        model = Listing
        fields = ("external_id", "product_name", "msme", "category", "price", "active", "listed_on", "delisted_on")
        attrs = TABLE_ATTRS


class TrainingTable(tables.Table):
    title = tables.Column(linkify=True)
    starts_on = DateColumn(short=True)
    ends_on = DateColumn(short=True)
    selected_count = tables.Column(verbose_name=_("Selected"), orderable=False)
    applicant_count = tables.Column(verbose_name=_("Applicants"), orderable=False)
    budget = RupiahColumn()
    realized_cost = RupiahColumn()

    class Meta:
        model = Training
        fields = (
            "title",
            "partner",
            "starts_on",
            "ends_on",
            "quota",
            "selected_count",
            "applicant_count",
            "budget",
            "realized_cost",
        )
        attrs = TABLE_ATTRS


class ParticipantTable(tables.Table):
    msme = tables.Column(linkify=True)
    kecamatan = tables.Column(accessor="msme__kelurahan__kecamatan", verbose_name=_("Kecamatan"))
    priority_score = tables.Column()
    status = ParticipantStatusColumn()

    class Meta:
        model = TrainingParticipant
        fields = ("msme", "kecamatan", "priority_score", "status", "attended", "qris_adopted_on", "applied_at")
        attrs = TABLE_ATTRS

    def render_priority_score(self, value):
        return number(value, 2)


class MsmeTrainingTable(tables.Table):
    training = tables.Column(linkify=True)
    status = ParticipantStatusColumn()

    class Meta:
        model = TrainingParticipant
        fields = ("training", "status", "priority_score", "attended", "qris_adopted_on")
        attrs = TABLE_ATTRS


class OutletProductTable(tables.Table):
    name = tables.Column(linkify=True)
    msme = tables.Column(linkify=True, order_by=("msme__name",))
    unit_price = RupiahColumn()
    stock = tables.Column(verbose_name=_("In stock"), orderable=False)

    class Meta:
        model = OutletProduct
        fields = ("name", "msme", "unit_price", "commission_percent", "stock")
        attrs = TABLE_ATTRS


class OutletMovementTable(tables.Table):
    on = DateColumn(short=True)
    unit_price = RupiahColumn()

    class Meta:
        model = OutletProduct.movements.rel.related_model
        fields = ("on", "kind", "quantity", "unit_price", "commission_percent", "note", "by")
        attrs = TABLE_ATTRS


class OutletPayoutTable(tables.Table):
    msme = tables.Column(linkify=True, order_by=("msme__name",))
    month = DateColumn(format="F Y")
    amount = RupiahColumn()
    paid_on = DateColumn(short=True)

    class Meta:
        model = OutletPayout
        fields = ("reference", "msme", "month", "amount", "paid_on", "method")
        attrs = TABLE_ATTRS
