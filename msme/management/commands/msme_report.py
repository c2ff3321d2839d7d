"""Reports of the MSME registry on the command line.

    python manage.py msme_report by-district --start 2019 --end 2022 [--format csv|json]

by-district: new registrations per year (registration date) by kecamatan, the six kecamatan in Kemendagri
code order, one column per year, row and column totals."""

import json

from django.core.management.base import BaseCommand, CommandError

from msme.selectors import msme_count_by_district
from msme.views import write_report_csv


class Command(BaseCommand):
    help = "MSME registry reports: by-district = new registrations per year by kecamatan (CSV or JSON)."

    def add_arguments(self, parser):
        parser.add_argument("report", choices=["by-district"])
        parser.add_argument("--start", type=int, required=True, help="first registration year")
        parser.add_argument("--end", type=int, required=True, help="last registration year")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, **options):
        start, end = options["start"], options["end"]
        if start > end:
            raise CommandError(f"--start {start} is after --end {end}.")
        if end - start > 50:
            raise CommandError("At most 50 years at a time.")
        report = msme_count_by_district(start=start, end=end)
        if options["format"] == "json":
            data = {
                "measure": "new MSME registrations per year (by registration date), not the registered stock",
                "years": report.years,
                "rows": [
                    {
                        "kecamatan": name,
                        "values": dict(zip(map(str, report.years), values, strict=True)),
                        "total": total,
                    }
                    for name, values, total in report.rows
                ],
                "totals": dict(zip(map(str, report.years), report.totals, strict=True)),
                "grand_total": report.grand_total,
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            # What the figures count goes to the terminal (stderr); the CSV on stdout starts with its header.
            self.stderr.write("New MSME registrations per year (registration date), not the registered stock.")
            write_report_csv(self.stdout, report)
