"""The bank's QRIS settlement file (CSV or XLSX), through the shared importer: every row is checked (an unknown
merchant, a bad amount or time refuses the whole file, with the rows listed), then each transaction is matched to
a bill. A transaction whose RRN is already recorded is skipped, so importing the same file again matches nothing
twice."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smarteconomy.choices import Role
from smarteconomy.importing import DateTimeColumn, Importer, IntegerColumn, TextColumn, register

from .models import Centre, SettlementRow
from .services import settlement_row_record
from .sources import SETTLEMENTS_SOURCE

QRIS_MAX_AMOUNT = 10**13 - 1  # the QRIS amount (EMVCo tag 54) has at most 13 characters


@register
class QrisSettlementImporter(Importer):
    code = "qris_settlement"
    label = gettext_lazy("QRIS settlement file (bank)")
    description = gettext_lazy(
        "One row per QRIS transaction into the city's account, as the bank's settlement report gives it. Rows are "
        "matched to levy bills by the bill number in the QRIS, else by amount, payer and date; the others wait on "
        "the reconciliation page. A transaction already imported (same RRN) is skipped."
    )
    office = Role.DKUMKMP
    permission = "industry_center.add_settlementrow"
    lock_source = SETTLEMENTS_SOURCE
    lock_columns = ("transaction_time",)
    columns = (
        DateTimeColumn("transaction_time", example="2025-03-05 10:21"),
        IntegerColumn(
            "amount",
            min_value=1,
            max_value=QRIS_MAX_AMOUNT,
            example="150000",
            help_text=gettext_lazy("Whole rupiah; a QRIS amount has at most 13 digits."),
        ),
        TextColumn(
            "rrn",
            max_length=64,
            regex=r"[0-9A-Za-z\-]+",
            regex_message=gettext_lazy("An RRN has letters and digits only."),
            example="250305123456",
        ),
        TextColumn("bill_number", max_length=25, required=False, example="SKRD-SIKS-202503-0001"),
        TextColumn("merchant_id", max_length=99, example="ID1020067812345"),
        TextColumn("payer", max_length=200, required=False, example="SITI AMINAH"),
    )
    key = ("rrn",)

    def clean_row(self, values, row_number):
        centres = self.centres()
        if values["merchant_id"] not in centres:
            known = ", ".join(sorted(centres)) or _("none: no centre has a static QRIS yet")
            return [
                (
                    "merchant_id",
                    _("Unknown merchant “%(id)s”: not the QRIS of any centre (known: %(known)s).")
                    % {"id": values["merchant_id"], "known": known},
                )
            ]
        return []

    def centres(self):
        if not hasattr(self, "_centres"):
            self._centres = {c.merchant_id: c for c in Centre.objects.exclude(merchant_id="")}
        return self._centres

    def clean_all(self, rows):
        rrns = [values["rrn"] for _number, values in rows]
        self.known_rrns = set(SettlementRow.objects.filter(rrn__in=rrns).values_list("rrn", flat=True))
        for number, values in rows:
            if values["rrn"] in self.known_rrns:
                self.ctx.warn(
                    _("RRN %(rrn)s was already imported; the row is skipped.") % {"rrn": values["rrn"]}, number, "rrn"
                )
        return []

    def lock_candidates(self, rows):
        # A row already imported (same RRN) is skipped: it is no change to a locked month.
        known = getattr(self, "known_rrns", ())
        return [(number, values) for number, values in rows if values["rrn"] not in known]

    def save(self, rows):
        created = 0
        by = self.ctx.user if getattr(self.ctx.user, "pk", None) else None
        for number, values in rows:
            if values["rrn"] in self.known_rrns:
                continue
            settlement_row_record(
                centre=self.centres()[values["merchant_id"]],
                row_number=number,
                transaction_at=values["transaction_time"],
                amount=int(values["amount"]),
                rrn=values["rrn"],
                merchant_id=values["merchant_id"],
                bill_number=values["bill_number"] or "",
                payer=values["payer"] or "",
                by=by,
            )
            created += 1
        return created, 0
