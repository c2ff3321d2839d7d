from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from notifications import services
from notifications.reports import all_reports
from notifications.tasks import reports_and_send, run_rules_and_send
from smarteconomy.tasking import run_logged


class Command(BaseCommand):
    help = (
        "Run the notification rules now (the same code as the beat task notifications.run) and send the e-mails due; "
        "with --reports, the scheduled reports instead (the beat task notifications.reports), of the periods they "
        "cover on --date; --dry-run prints what would be sent and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; write nothing.")
        parser.add_argument(
            "--reports", action="store_true", help="Run the scheduled reports (all, or those of --report)."
        )
        parser.add_argument(
            "--report",
            action="append",
            dest="codes",
            metavar="CODE",
            help="Only this scheduled report (repeatable): " + ", ".join(report.code for report in all_reports()),
        )
        parser.add_argument(
            "--date", help="With --reports: the day the reports are run for (YYYY-MM-DD, default today in WITA)."
        )

    def handle(self, *args, dry_run=False, reports=False, codes=None, date=None, **options):
        if codes or date:
            reports = True
        if reports:
            return self._reports(dry_run=dry_run, codes=codes, day=_parse_day(date))
        if dry_run:
            _created, planned = services.notifications_run(dry_run=True)
            for user, rule, subject, delivery in planned:
                self.stdout.write(
                    f"{user.username} <{user.email or '-'}> [{delivery}] {rule.code}: {subject.title} "
                    f"({services.absolute(subject.link)})"
                )
            self.stdout.write(_("%(count)d notifications would be created.") % {"count": len(planned)})
            return
        run = run_logged("notifications.run", run_rules_and_send)
        details = run.details or {}
        self.stdout.write(
            _("%(created)d notifications created, %(sent)d e-mails sent, %(failed)d tries failed.")
            % {
                "created": details.get("notifications", 0),
                "sent": details.get("sent", 0),
                "failed": details.get("failed_tries", 0),
            }
        )

    def _reports(self, *, dry_run, codes, day):
        known = {report.code for report in all_reports()}
        unknown = sorted(set(codes or ()) - known)
        if unknown:
            raise CommandError(
                _("Unknown scheduled report: %(codes)s. Known: %(known)s.")
                % {"codes": ", ".join(unknown), "known": ", ".join(sorted(known))}
            )
        if dry_run:
            _queued, planned = services.reports_run(codes=codes, day=day, dry_run=True)
            for user, report, period in planned:
                self.stdout.write(f"{user.username} <{user.email}> {report.code} {period.key}")
            self.stdout.write(_("%(count)d scheduled reports would be sent.") % {"count": len(planned)})
            return
        run = run_logged("notifications.reports", reports_and_send, kwargs={"codes": codes, "day": day})
        details = run.details or {}
        self.stdout.write(
            _("%(queued)d scheduled reports queued, %(sent)d e-mails sent, %(failed)d tries failed.")
            % {
                "queued": details.get("reports", 0),
                "sent": details.get("sent", 0),
                "failed": details.get("failed_tries", 0),
            }
        )


def _parse_day(text):
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2026-12-05.") % {"value": text}
        ) from None
