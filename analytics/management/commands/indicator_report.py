"""The current snapshots of the scorecard, as CSV or JSON on stdout."""

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from analytics.choices import Pillar
from analytics.registry import Period, RegistryError
from analytics.selectors import snapshot_list

COLUMNS = ["code", "pillar", "period", "value", "target", "achievement", "status", "completeness", "computed_at"]


class Command(BaseCommand):
    help = "Print the indicator snapshots: code,pillar,period,value,target,achievement,status,completeness,computed_at"

    def add_arguments(self, parser):
        parser.add_argument("--pillar", choices=Pillar.values)
        parser.add_argument("--period", help="YYYY or YYYY-MM")
        parser.add_argument("--format", default="csv", choices=("csv", "json"))

    def handle(self, *args, **options):
        period = None
        if options["period"]:
            try:
                period = str(Period.parse(options["period"]))
            except RegistryError as exc:
                raise CommandError(str(exc)) from None
        rows = [
            {
                "code": s.indicator_code,
                "pillar": s.pillar,
                "period": s.period,
                "value": s.value,
                "target": s.target,
                "achievement": s.achievement,
                "status": s.status,
                "completeness": f"{s.completeness.get('present', 0)}/{s.completeness.get('expected', 0)}",
                "computed_at": s.computed_at.isoformat(),
            }
            for s in snapshot_list(pillar=options["pillar"], period=period)
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
