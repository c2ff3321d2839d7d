"""Load (or refresh) Kemendagri areas and BPS sectors through the shared importer. Idempotent."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import
from smarteconomy.importing.command import report_import

DATA = Path(__file__).resolve().parent.parent.parent / "data" / "reference"


class Command(BaseCommand):
    help = "Load the kecamatan/kelurahan of Balikpapan and the 17 BPS sectors (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--wilayah", default=DATA / "wilayah_balikpapan.csv", type=Path)
        parser.add_argument("--sectors", default=DATA / "bps_sectors.csv", type=Path)

    def handle(self, *args, **options):
        for code, path in (("wilayah", options["wilayah"]), ("sectors", options["sectors"])):
            batch = run_import(code, data=path.read_bytes(), filename=path.name, user=None, source="command")
            report_import(self, batch)
            if batch.status != ImportStatus.COMMITTED:
                raise CommandError(f"{path}: {batch.message}")
