"""The current snapshots of the scorecard, or the frozen entries of a published edition (--edition ID), as CSV or
JSON on stdout."""

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from analytics.choices import Pillar
from analytics.models import ScorecardEdition
from analytics.registry import Period, RegistryError
from analytics.selectors import snapshot_list

COLUMNS = ["code", "pillar", "period", "value", "target", "achievement", "status", "completeness", "computed_at"]


class Command(BaseCommand):
    help = "Print the indicator snapshots: code,pillar,period,value,target,achievement,status,completeness,computed_at"

    def add_arguments(self, parser):
        parser.add_argument("--pillar", choices=Pillar.values)
        parser.add_argument("--period", help="YYYY, YYYY-MM or YYYY-Qn (a quarterly indicator such as the IKM)")
        parser.add_argument("--format", default="csv", choices=("csv", "json"))
        parser.add_argument("--edition", type=int, help="the id of a published edition: its frozen entries")

    def handle(self, *args, **options):
        period = None
        if options["period"]:
            try:
                period = str(Period.parse(options["period"]))
            except RegistryError as exc:
                raise CommandError(str(exc)) from None
        if options["edition"] is not None:
            rows = self.edition_rows(options["edition"], options["pillar"], period)
        else:
            rows = self.snapshot_rows(options["pillar"], period)
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    def snapshot_rows(self, pillar, period):
        return [
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
            for s in snapshot_list(pillar=pillar, period=period)
        ]

    def edition_rows(self, pk, pillar, period):
        """The edition's entries that have a snapshot, in the same columns (computed_at: the snapshot's)."""
        edition = ScorecardEdition.objects.filter(pk=pk).first()
        if edition is None:
            raise CommandError(f"No published edition with id {pk} (see the list: /analytics/scorecard/editions/).")
        entries = edition.entries.exclude(period="").order_by("pillar", "indicator_code", "period")
        if pillar:
            entries = entries.filter(pillar=pillar)
        if period:
            entries = entries.filter(period=period)
        return [
            {
                "code": e.indicator_code,
                "pillar": e.pillar,
                "period": e.period,
                "value": e.value,
                "target": e.target,
                "achievement": e.achievement,
                "status": e.status,
                "completeness": f"{e.completeness.get('present', 0)}/{e.completeness.get('expected', 0)}",
                "computed_at": e.computed_at.isoformat() if e.computed_at else "",
            }
            for e in entries
        ]
