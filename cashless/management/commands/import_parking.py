"""import_parking FILE --location CODE [--dry-run]: an operator's e-parking log through the shared importer."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from cashless.models import ParkingLocation
from cashless.services import parking_transactions_import
from smarteconomy.choices import ImportStatus
from smarteconomy.importing.command import report_import

# An administrator's command may load a whole year's log at once; the upload page keeps the usual limit.
COMMAND_MAX_BYTES = 2 * 1024 * 1024 * 1024


class Command(BaseCommand):
    help = "Import an e-parking transaction log (CSV or XLSX) for one location; all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument("--location", required=True, help="location code, e.g. SEPINGGAN")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--user", help="user name recorded as the uploader (audit trail)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            location = ParkingLocation.objects.get(code=options["location"].upper())
        except ParkingLocation.DoesNotExist:
            codes = ", ".join(ParkingLocation.objects.values_list("code", flat=True)) or "none yet"
            raise CommandError(f"No such location: {options['location']} (known: {codes})") from None
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"No such user: {options['user']}") from None
        with path.open("rb") as handle:
            batch = parking_transactions_import(
                location=location,
                data=File(handle, name=path.name),  # its size is checked before it is read
                filename=path.name,
                user=user,
                dry_run=options["dry_run"],
                source="command",
                max_bytes=COMMAND_MAX_BYTES,
            )
        report_import(self, batch)
        if batch.status not in (ImportStatus.COMMITTED, ImportStatus.VALIDATED):
            raise CommandError(f"import_parking: {batch.message}")
