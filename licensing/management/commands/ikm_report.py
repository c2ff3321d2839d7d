"""``ikm_report``: the service satisfaction index (IKM, PermenPANRB 14/2017) per period, as CSV or JSON."""

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from licensing.ikm import PERIOD_LENGTHS, REPORT_COLUMNS, IkmError, ikm_table, periods_between, report_rows
from licensing.models import PermitType


class Command(BaseCommand):
    help = (
        "Print the IKM per period: period,responses,u1..u9 (each element's NRR, full precision),ikm (rounded to 2 "
        "decimals),category. Periods are whole quarters, months or years, from the one containing --start to the "
        "one containing --end; a response counts in the period it was submitted in (WITA)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True, help="first month, YYYY-MM")
        parser.add_argument("--end", required=True, help="last month, YYYY-MM")
        parser.add_argument("--period-length", default="quarter", help="quarter (default), month or year")
        parser.add_argument("--permit-type", default="", help="only the applications of this permit type (code)")
        parser.add_argument("--format", required=True, help="csv or json")

    def handle(self, *args, **options):
        if options["format"] not in ("csv", "json"):
            raise CommandError(f"Unknown format {options['format']!r}; use csv or json.")
        if options["period_length"] not in PERIOD_LENGTHS:
            raise CommandError(
                f"Unknown period length {options['period_length']!r}; use one of {', '.join(PERIOD_LENGTHS)}."
            )
        permit_type = options["permit_type"]
        if permit_type and not PermitType.objects.filter(code=permit_type).exists():
            known = ", ".join(PermitType.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"No permit type {permit_type!r}. Known codes: {known}.")
        try:
            periods = periods_between(options["start"], options["end"], options["period_length"])
        except IkmError as exc:
            raise CommandError(str(exc)) from None
        rows = report_rows(ikm_table(periods, permit_type or None))
        if options["format"] == "json":
            # Decimals as strings: a JSON number would lose the full precision of the NRRs.
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=REPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
