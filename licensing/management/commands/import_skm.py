from smarteconomy.importing.command import BaseImportCommand


class Command(BaseImportCommand):
    help = (
        "Import the paper service satisfaction survey forms (SKM: registration_number,submitted_at,u1..u9,comment; "
        "CSV or XLSX) through the shared importer. All or nothing."
    )
    importer_code = "skm"
