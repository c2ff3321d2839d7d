"""The base of every ``import_*`` management command: same importer, same report as the upload page."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from ..choices import ImportStatus
from .base import get_importer, run_import


class BaseImportCommand(BaseCommand):
    importer_code = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--user", help="user name recorded as the uploader (audit trail)")

    def importer_for(self, options):
        """The code of the importer that reads the file (a command may offer several layouts)."""
        return self.importer_code

    def import_params(self, options):
        """What is fixed for the whole file (see ``run_import``'s ``params``)."""
        return {}

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"No such user: {options['user']}") from None
        code = self.importer_for(options)
        with path.open("rb") as handle:
            batch = run_import(
                code,
                data=File(handle, name=path.name),  # its size is checked before it is read
                filename=path.name,
                user=user,
                dry_run=options["dry_run"],
                source="command",
                params=self.import_params(options),
            )
        report_import(self, batch)
        if batch.status not in (ImportStatus.COMMITTED, ImportStatus.VALIDATED):
            raise CommandError(f"{get_importer(code).code}: {batch.message}")


def report_import(command, batch):
    for warning in batch.warnings:
        command.stderr.write(f"warning: row {warning['row'] or '-'}, {warning['column'] or '-'}: {warning['message']}")
    for error in batch.errors:
        command.stderr.write(f"row {error['row'] or '-'}, column {error['column'] or '-'}: {error['message']}")
    if batch.errors_count > len(batch.errors):
        command.stderr.write(f"... and {batch.errors_count - len(batch.errors)} more")
    command.stdout.write(f"{batch.get_status_display()}: {batch.message} (import batch #{batch.pk})")
