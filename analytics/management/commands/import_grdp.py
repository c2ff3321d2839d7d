from django.core.management.base import CommandError

from smarteconomy.importing.command import BaseImportCommand


class Command(BaseImportCommand):
    help = (
        "Import GRDP (PDRB) values from CSV or XLSX. Default layout (long): "
        "region_code,region_name,sector_code,year,price_basis,value. --layout bps: BPS's table as published "
        "(sectors down, years across) of one region and price basis. --vintage: the release the values belong to."
    )
    importer_code = "grdp"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--layout", choices=("long", "bps"), default="long", help="long (default) or bps")
        parser.add_argument("--region", help="bps layout: the region's Kemendagri code (e.g. 64.71)")
        parser.add_argument("--price-basis", choices=("ADHK", "ADHB"), help="bps layout: ADHK or ADHB")
        parser.add_argument("--unit", choices=("juta", "miliar"), help="bps layout: when the title states none")
        parser.add_argument("--source", default="", help="bps layout: the publication (default: the table's title)")
        parser.add_argument(
            "--vintage",
            default="",
            help="the release's label, e.g. 'PDRB Kaltim 2024, rilis Juli 2025' (default: the source names it)",
        )
        parser.add_argument("--release-date", default="", help="the date of a new release, YYYY-MM-DD (default: today)")

    def importer_for(self, options):
        if options["layout"] == "bps":
            if not options["region"] or not options["price_basis"]:
                raise CommandError("--layout bps needs --region and --price-basis")
            return "grdp_bps"
        if options["region"] or options["price_basis"] or options["unit"] or options["source"]:
            raise CommandError("--region, --price-basis, --unit and --source are for --layout bps")
        return self.importer_code

    def import_params(self, options):
        release = {"vintage": options["vintage"], "release_date": options["release_date"]}
        if options["layout"] != "bps":
            return release
        return {
            **release,
            "region": options["region"],
            "price_basis": options["price_basis"],
            "unit": options["unit"] or "",
            "source": options["source"],
        }
