from smarteconomy.choices import Role
from smarteconomy.importing import ChoiceColumn, DateColumn, DecimalColumn, Importer, LookupColumn, TextColumn, register
from smarteconomy.models import Kelurahan

from .models import Payment


@register
class PaymentImporter(Importer):
    code = "sample-payments"
    label = "Sample payments"
    office = Role.DKUMKMP
    permission = "sampleapp.add_payment"
    columns = (
        TextColumn("reference", max_length=20, example="INV-1"),
        DateColumn("paid_on", example="2026-01-31"),
        DecimalColumn("amount", min_value=0, decimal_places=2, max_digits=14, example="150000"),
        ChoiceColumn("channel", choices=[("qris", "QRIS"), ("cash", "Tunai")], example="qris"),
        LookupColumn(
            "kelurahan",
            required=False,
            what="kelurahan",
            lookup=lambda: {k.code: k for k in Kelurahan.objects.all()},
            example="64.71.01.1001",
        ),
        TextColumn("note", max_length=100, required=False),
    )
    key = ("reference",)

    def save(self, rows):
        Payment.objects.bulk_create(Payment(**values) for _number, values in rows)
        return len(rows), 0
