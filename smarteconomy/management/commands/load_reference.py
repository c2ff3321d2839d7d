"""Load (or refresh) the reference data every app declares (AppConfig.reference_data: importer code and
file), through the shared importer. Idempotent: unchanged rows are not written again."""

from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import
from smarteconomy.importing.command import report_import


def reference_files():
    """[(importer code, path)] in app order: Kemendagri areas, BPS sectors, then the apps' own."""
    files = []
    for config in apps.get_app_configs():
        for code, relative in getattr(config, "reference_data", ()):
            files.append((code, Path(config.path) / relative))
    return files


class Command(BaseCommand):
    help = "Load the reference data of every app (kecamatan/kelurahan, BPS sectors, regions, ...). Idempotent."

    def handle(self, *args, **options):
        for code, path in reference_files():
            batch = run_import(code, data=path.read_bytes(), filename=path.name, user=None, source="command")
            report_import(self, batch)
            if batch.status != ImportStatus.COMMITTED:
                raise CommandError(f"{path}: {batch.message}")
