from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from notifications import services
from notifications.tasks import run_rules_and_send
from smarteconomy.tasking import run_logged


class Command(BaseCommand):
    help = (
        "Run the notification rules now (the same code as the beat task notifications.run) and send the e-mails due; "
        "--dry-run prints what would be sent and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; write nothing.")

    def handle(self, *args, dry_run=False, **options):
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
