"""parking_archive {list,archive,restore} [--month YYYY-MM]: the months of the e-parking log (PostgreSQL).

list     every month in the log with its rows, and every archived month with its dump;
archive  one month (--month), or every month past PARKING_RETENTION_MONTHS without it;
restore  one archived month (--month) back into the log, identical row for row.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from cashless import archive
from smarteconomy.numbers import format_number


def parse_month(text):
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return date(int(year), int(month), 1)
    except ValueError:
        raise CommandError(f"--month {text!r}: give a month as YYYY-MM, e.g. 2021-03.") from None


class Command(BaseCommand):
    help = "List, archive or restore months of the e-parking log (PostgreSQL: a partition a month)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "archive", "restore"])
        parser.add_argument("--month", help="YYYY-MM (archive: without it, every month past the retention)")

    def handle(self, *args, **options):
        action, month = options["action"], options["month"]
        if action == "restore" and not month:
            raise CommandError("restore needs --month YYYY-MM.")
        month = parse_month(month) if month else None
        try:
            if action == "list":
                for entry in archive.months():
                    where = f"  {entry.file}" if entry.file else ""
                    self.stdout.write(f"{entry.month:%Y-%m}  {entry.state:<8}  {format_number(entry.rows):>12}{where}")
            elif action == "archive":
                records = [archive.archive_month(month)] if month else archive.archive_due()
                for record in records:
                    self.stdout.write(
                        f"archived {record.month:%Y-%m}: {format_number(record.rows)} rows, {record.file}, "
                        f"sha256 {record.sha256}"
                    )
                if not records:
                    self.stdout.write("Nothing to archive: no month of the log is past the retention period.")
            else:
                record = archive.restore_month(month)
                self.stdout.write(f"restored {record.month:%Y-%m}: {format_number(record.rows)} rows")
        except archive.ArchiveError as error:
            raise CommandError(str(error)) from None
