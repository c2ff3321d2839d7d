from smarteconomy.importing.command import BaseImportCommand


class Command(BaseImportCommand):
    help = "Import the bank's QRIS settlement file (CSV or XLSX) and match its transactions to levy bills."
    importer_code = "qris_settlement"
