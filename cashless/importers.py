"""The e-parking log importer: the bulk path of cashless.ingest behind the shared importer, so that the
upload page, ``import_parking`` and the API produce the same ImportBatch and row-level report as every
other import of the product."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smarteconomy.choices import Role
from smarteconomy.importing import (
    BulkImporter,
    BulkOutcome,
    ChoiceColumn,
    DateTimeColumn,
    ImportError_,
    IntegerColumn,
    RowError,
    TextColumn,
    register,
)
from smarteconomy.sources import locked_periods

from . import ingest
from .archive import archived_months
from .choices import PaymentMethod, TransactionStatus, VehicleClass
from .models import ParkingLocation
from .sources import PARKING_SOURCE

IMPORTER_CODE = "parking"


@register
class ParkingTransactionImporter(BulkImporter):
    code = IMPORTER_CODE
    label = gettext_lazy("E-parking transactions")
    description = gettext_lazy(
        "The transaction log of one parking location, one row per transaction: transaction_id, entry_time, "
        "exit_time, vehicle_class, amount, payment_method, issuer, status, failure_reason, gate. Times in "
        "ISO 8601 (without an offset: WITA). Re-importing a file adds nothing; a transaction id already stored "
        "with other content is reported as a conflict."
    )
    office = Role.PARKING_OPERATOR
    permission = "cashless.add_parkingtransaction"
    shared_upload = False  # the upload page is per location: cashless:upload
    # The columns as the upload page documents them; cashless.ingest validates them in bulk (a test keeps
    # the two in step).
    columns = (
        TextColumn(
            "transaction_id",
            max_length=64,
            example="SPG-20250304-000123",
            help_text=gettext_lazy("The operator's id, unique at the location."),
        ),
        DateTimeColumn(
            "entry_time",
            example="2025-03-04T09:15:00+08:00",
            help_text=gettext_lazy("ISO 8601; without an offset the time is WITA."),
        ),
        DateTimeColumn("exit_time", required=False, example="2025-03-04T10:40:00+08:00"),
        ChoiceColumn("vehicle_class", choices=VehicleClass.choices, example="car"),
        IntegerColumn("amount", min_value=0, example="6000", help_text=gettext_lazy("Whole rupiah, digits only.")),
        ChoiceColumn("payment_method", choices=PaymentMethod.choices, example="qris"),
        TextColumn(
            "issuer",
            max_length=60,
            required=False,
            example="TapCash BNI",
            help_text=gettext_lazy("As in the log (e.g. TapCash BNI, Mandiri e-money, Brizzi, Flazz)."),
        ),
        ChoiceColumn("status", choices=TransactionStatus.choices, example="paid"),
        TextColumn("failure_reason", max_length=200, required=False, example=""),
        TextColumn("gate", max_length=60, required=False, example="T1-OUT"),
    )

    def import_file(self, data, filename, *, dry_run):
        location = self.ctx.params.get("location")
        if not isinstance(location, ParkingLocation):
            raise ImportError_(_("No parking location was given for this file."))
        postgres = ingest.connection.vendor == "postgresql"
        clock = ingest.Clock()
        checked, source, delimiter, header = ingest.prepare(data, filename)
        if checked.errors_total:
            return BulkOutcome(checked.rows_total, checked.errors, checked.errors_total)
        # The months of this location that Bappeda approved: every row dated in them is listed, the file refused.
        checked.locked = locked_periods(PARKING_SOURCE, location.code)
        # An archived month (cashless.archive) is refused the same way: it is restored first, never written over.
        checked.locked.update(archived_months())
        # PostgreSQL: each validated chunk is COPY-ed straight into the log while pandas validates the next one
        # (a bad row aborts it all); a transaction id already stored sends the file to the staging path.
        direct = ingest.DirectLoad(location).start() if postgres and not dry_run else None
        try:
            ingest.validate_rows(checked, source, delimiter, header, keep_frames=not postgres, sink=direct)
            clock.lap("validate")
        except BaseException:
            if direct is not None:
                direct.finish(abort=True)  # the connection is the thread's until it ends
            raise
        if direct is not None:
            state = direct.finish(abort=bool(checked.errors_total))
            clock.lap("direct COPY (after validation)")
            clock.laps["  of which serialising chunks"] = direct.seconds_serialising
        if checked.errors_total or dry_run:
            return BulkOutcome(checked.rows_total, checked.errors, checked.errors_total)
        if postgres and state == "error":
            return BulkOutcome(checked.rows_total, [direct.refused()], 1)
        if postgres and state == "done":
            written = ingest.Written(created=direct.created, path="direct")
            dates = checked.dates
        elif postgres:  # "conflict": some transaction ids are stored already
            load = ingest.PostgresLoad(location, source, delimiter, header, checked.dates).start()
            written, refused = load.join(clock)
            if refused is not None:
                return BulkOutcome(checked.rows_total, [refused], 1)
            written.path = "staging"
            dates = checked.dates if written.created else set()
        else:
            written = ingest.write_generic(location, checked.frames)
            written.path = "generic"
            dates = written.dates
        if written.conflicts:
            rows = checked.hashes.rows_of(written.conflicts)
            errors = sorted(
                (RowError(rows.get(tid), "transaction_id", ingest.conflict_message(tid)) for tid in written.conflicts),
                key=lambda error: error.row or 0,
            )
            return BulkOutcome(checked.rows_total, errors, written.conflicts_total)
        ingest.mark_dates_dirty(location, dates)
        clock.lap("dirty dates")
        clock.log(checked.rows_total, written.path)
        return BulkOutcome(checked.rows_total, [], 0, created=written.created, updated=0)
