"""Publish an edition of the scorecard for a period; prints the edition's id (then its content hash on stderr)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from analytics.editions import EditionError, publish


class Command(BaseCommand):
    help = "Publish an edition of the scorecard: freeze the snapshots of a period (prints the edition's id)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="YYYY or YYYY-MM")
        parser.add_argument("--title", required=True, help='e.g. "Evaluasi Smart Economy 2025"')
        parser.add_argument("--user", help="the publishing user's username (default: none, named as the command)")
        parser.add_argument("--notes", default="")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named “{options['user']}”.")
            if not user.has_perm("analytics.publish_edition"):
                raise CommandError(f"User “{user.username}” may not publish editions (Bappeda and administrators do).")
        try:
            edition = publish(options["period"], options["title"], user, notes=options["notes"])
        except EditionError as exc:
            with translation.override("en"):
                raise CommandError(exc.message) from None
        self.stdout.write(str(edition.pk))
        self.stderr.write(f"Edition “{edition.title}” ({edition.period}), SHA-256 {edition.content_hash}")
