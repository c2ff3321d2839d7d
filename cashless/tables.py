"""Tables of the cashless pages."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from smarteconomy.tables import DateColumn, DateTimeColumn, StatusBadgeColumn
from smarteconomy.templatetags.formatting import rupiah

from .models import ParkingTransaction

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}
NOWRAP = {"td": {"class": "text-nowrap"}}


class TransactionStatusColumn(StatusBadgeColumn):
    STYLES = {"paid": "success", "failed": "danger", "voided": "secondary"}


class RupiahColumn(tables.Column):
    def render(self, value):
        return rupiah(value)

    def value(self, value):
        return value


class ParkingTransactionTable(tables.Table):
    # Sorting by time follows the keyset index (location, business date, entry time, id).
    entry_time = DateTimeColumn(order_by=("business_date", "entry_time"), format="Y-m-d H:i", attrs=NOWRAP)
    exit_time = DateTimeColumn(orderable=False, format="Y-m-d H:i", attrs=NOWRAP)
    transaction_id = tables.Column(orderable=False, attrs=NOWRAP)
    amount = RupiahColumn(orderable=False, attrs={"td": {"class": "text-end text-nowrap"}})
    status = TransactionStatusColumn(orderable=False)
    vehicle_class = tables.Column(orderable=False)
    payment_method = tables.Column(orderable=False)
    issuer = tables.Column(orderable=False)
    failure_reason = tables.Column(orderable=False)
    gate = tables.Column(orderable=False)
    business_date = DateColumn(orderable=False, format="Y-m-d", verbose_name=_("Business date"), attrs=NOWRAP)

    class Meta:
        model = ParkingTransaction
        fields = (
            "business_date",
            "entry_time",
            "exit_time",
            "transaction_id",
            "vehicle_class",
            "payment_method",
            "issuer",
            "amount",
            "status",
            "failure_reason",
            "gate",
        )
        attrs = TABLE_ATTRS
