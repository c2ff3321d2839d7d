"""Leading-sector analyses for analysts and scripts, in full precision, as CSV or JSON on stdout."""

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from analytics import economics as ec
from analytics.choices import PriceBasis
from analytics.models import Region
from analytics.selectors import UnknownRelease, grdp_release, load_panel, lq_class_changes
from smarteconomy.models import Sector

REPORTS = ("lq", "dlq", "shiftshare", "klassen", "classchanges")


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
    return frame_rows(frame, columns)


def frame_rows(frame, columns):
    names = dict(Sector.objects.values_list("code", "name_id"))
    names[ec.TOTAL] = "Total"
    rows = [[code, names.get(code, code), *(_plain(frame.loc[code, c]) for c in columns)] for code in frame.index]
    return ["sector_code", "sector_name", *columns], rows


def with_statuses(columns, rows, statuses):
    """Each row with the status of every year of the window (status_<year>: final, preliminary or
    very_preliminary), so that a CSV or JSON row says which of its years are preliminary."""
    names = [f"status_{year}" for year in statuses]
    values = [str(status) for status in statuses.values()]
    return [*columns, *names], [[*row, *values] for row in rows]


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
        parser.add_argument("--vintage", default="", help="the label of a GRDP release (default: the latest values)")
        parser.add_argument(
            "--against",
            default="",
            help="classchanges: the release compared with --vintage (default: the latest values)",
        )

    def handle(self, *args, **options):
        regions = {}
        for key in ("region", "reference"):
            try:
                regions[key] = Region.objects.get(code=options[key])
            except Region.DoesNotExist:
                raise CommandError(f"Unknown {key} code {options[key]!r}.") from None
        vintages = {}
        for key in ("vintage", "against"):
            try:
                vintages[key] = grdp_release(options[key])
            except UnknownRelease:
                raise CommandError(f"Unknown GRDP release {options[key]!r} (--{key}).") from None
        if options["report"] == "classchanges" and vintages["vintage"] is None and vintages["against"] is None:
            raise CommandError("classchanges compares two releases: give --vintage (and --against, or the latest).")
        try:
            ec.check_window(options["start"], options["end"], one_year=options["report"] in ("lq", "classchanges"))
            if options["report"] == "classchanges":
                frame = lq_class_changes(
                    region=regions["region"],
                    reference=regions["reference"],
                    price_basis=options["price_basis"],
                    start=options["start"],
                    end=options["end"],
                    old=vintages["vintage"],
                    new=vintages["against"],
                )
                self.write(options["format"], *frame_rows(frame, list(frame.columns)))
                return
            statuses = {}
            panel = load_panel(
                region=regions["region"],
                reference=regions["reference"],
                price_basis=options["price_basis"],
                start=options["start"],
                end=options["end"],
                vintage=vintages["vintage"],
                statuses=statuses,
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
        statuses = {year: status for year, status in statuses.items() if options["start"] <= year <= options["end"]}
        self.write(options["format"], *with_statuses(columns, rows, statuses))

    def write(self, fmt, columns, rows):
        if fmt == "json":
            self.stdout.write(json.dumps([dict(zip(columns, row, strict=True)) for row in rows], ensure_ascii=False))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
