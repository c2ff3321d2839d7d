"""Leading-sector analyses for analysts and scripts, in full precision, as CSV or JSON on stdout."""

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from analytics import economics as ec
from analytics.choices import PriceBasis
from analytics.models import Region
from analytics.selectors import load_panel
from smarteconomy.models import Sector

REPORTS = ("lq", "dlq", "shiftshare", "klassen")


def report_rows(report, panel, *, start, end, method, variant):
    """(columns, rows) of one report; rows are lists in BPS sector order, TOTAL last where it has meaning."""
    if report == "lq":
        frame = ec.lq_summary(panel, start, end)
        columns = [c for c in frame.columns]
    elif report == "dlq":
        frame = ec.dynamic_lq(panel, start, end, variant)
        columns = ["dlq", "slq_mean", "quadrant"]
    elif report == "shiftshare":
        frame = ec.shift_share(panel, start, end, method)
        columns = ["base_value", "end_value", "delta", "regional_share", "proportional_shift", "differential_shift"]
        if method == "esteban-marquillas":
            columns += ["competitive_effect", "allocation_effect"]
    else:
        frame = ec.klassen(panel, start, end)
        columns = ["lq_mean", "region_growth", "reference_growth", "quadrant"]
    names = dict(Sector.objects.values_list("code", "name_id"))
    names[ec.TOTAL] = "Total"
    rows = [[code, names.get(code, code), *(_plain(frame.loc[code, c]) for c in columns)] for code in frame.index]
    return ["sector_code", "sector_name", *columns], rows


def _plain(value):
    return value.item() if hasattr(value, "item") else value


class Command(BaseCommand):
    help = "LQ, dynamic LQ, shift-share or Klassen typology of a region against a reference region."

    def add_arguments(self, parser):
        parser.add_argument("report", choices=REPORTS)
        parser.add_argument("--region", default="64.71", help="Kemendagri code of the region (default 64.71)")
        parser.add_argument("--reference", default="64", help="Kemendagri code of the reference region (default 64)")
        parser.add_argument("--start", type=int, required=True)
        parser.add_argument("--end", type=int, required=True)
        parser.add_argument("--price-basis", default=PriceBasis.ADHK, choices=PriceBasis.values)
        parser.add_argument("--method", default="classic", choices=ec.SHIFT_SHARE_METHODS)
        parser.add_argument("--variant", default="compound", choices=ec.DLQ_VARIANTS)
        parser.add_argument("--format", default="csv", choices=("csv", "json"))

    def handle(self, *args, **options):
        regions = {}
        for key in ("region", "reference"):
            try:
                regions[key] = Region.objects.get(code=options[key])
            except Region.DoesNotExist:
                raise CommandError(f"Unknown {key} code {options[key]!r}.") from None
        try:
            ec.check_window(options["start"], options["end"], one_year=options["report"] == "lq")
            panel = load_panel(
                region=regions["region"],
                reference=regions["reference"],
                price_basis=options["price_basis"],
                start=options["start"],
                end=options["end"],
            )
            columns, rows = report_rows(
                options["report"],
                panel,
                start=options["start"],
                end=options["end"],
                method=options["method"],
                variant=options["variant"],
            )
        except ec.EconomicsError as exc:
            raise CommandError(str(exc)) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps([dict(zip(columns, row, strict=True)) for row in rows], ensure_ascii=False))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
