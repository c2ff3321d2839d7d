from smarteconomy.importing.command import BaseImportCommand


class Command(BaseImportCommand):
    help = "Import the Sobat UMKM catalogue (CSV or XLSX) through the shared importer, all or nothing."
    importer_code = "listings"
