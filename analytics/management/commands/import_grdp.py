from smarteconomy.importing.command import BaseImportCommand


class Command(BaseImportCommand):
    help = "Import GRDP (PDRB) values from CSV or XLSX: region_code,region_name,sector_code,year,price_basis,value"
    importer_code = "grdp"
