"""Recompute the scorecard now, synchronously (for cron and scripts); same lock and run log as the nightly task."""

from django.core.management.base import BaseCommand, CommandError

from analytics.scorecard import indicators_recompute
from smarteconomy.choices import TaskStatus
from smarteconomy.tasking import run_logged


class Command(BaseCommand):
    help = "Recompute the indicator snapshots (incremental: changed periods only; --full: every period)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="recompute every period, not only changed ones")

    def handle(self, *args, **options):
        run = run_logged(
            "analytics.indicators_recompute", indicators_recompute, kwargs={"full": options["full"]}, pass_run=True
        )
        if run.status == TaskStatus.SKIPPED:
            raise CommandError("Skipped: another recompute is still running (see the task run log).")
        failures = run.details.get("failures", {})
        for code, error in failures.items():
            self.stderr.write(f"{code}: {error}")
        self.stdout.write(
            f"Recompute ({run.details.get('mode')}) run #{run.pk}: {run.rows_affected} snapshots written, "
            f"{len(run.details.get('indicators', {}))} indicators computed, {len(failures)} failed, "
            f"in {run.duration.total_seconds():.1f} s."
        )
        if failures:
            raise CommandError(f"{len(failures)} indicator(s) failed.")
