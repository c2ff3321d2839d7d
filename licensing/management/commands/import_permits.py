from smarteconomy.importing.command import BaseImportCommand


class Command(BaseImportCommand):
    help = "Import permit applications (Spontan / OSS export, CSV or XLSX) through the shared importer."
    importer_code = "permits"
