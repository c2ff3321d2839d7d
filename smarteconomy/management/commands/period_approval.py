"""The reporting workflow for scripts (smarteconomy.reporting):

    manage.py period_approval status [--source SOURCE [--period P]] [--format text|json]
    manage.py period_approval submit|approve|return|reopen --source SOURCE --period YYYY-MM|YYYY --user USERNAME
        [--part LOCATION] [--reason TEXT] [--format text|json]

``status`` without ``--source`` lists every source with its periods' states. A step is taken in a person's name:
``--user`` is required for it (the history keeps who took it) and that user's permissions apply exactly as on the
reporting page; ``return`` and ``reopen`` also need ``--reason``. Every refusal is a CommandError that says why, and
writes nothing."""

import json

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from smarteconomy.periods import PeriodError
from smarteconomy.reporting import STEPS
from smarteconomy.reporting_selectors import status_rows
from smarteconomy.sources import get_source

ACTIONS = ("status", *STEPS)


class Command(BaseCommand):
    help = "Show the reporting periods' states, or submit, approve, return or reopen a period of a data source."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("--source", help="the data source's code, e.g. licensing.applications")
        parser.add_argument("--period", help="YYYY-MM for a monthly or daily source, YYYY for a yearly one")
        parser.add_argument("--part", default="", help="the location's code, for a source reported per location")
        parser.add_argument("--user", help="the username taking the step (required for a step)")
        parser.add_argument("--reason", default="", help="why (required to return or reopen)")
        parser.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args, **options):
        with translation.override("en"):
            if options["action"] == "status":
                return self.status(options)
            return self.step(options)

    def status(self, options):
        if options["period"] and not options["source"]:
            try:
                rows = status_rows(period=options["period"])
            except PeriodError as exc:
                raise CommandError(str(exc)) from None
        else:
            try:
                if options["source"]:
                    source = get_source(options["source"])
                    if options["period"]:
                        source.parse_period(options["period"])
                rows = status_rows(options["source"], options["period"])
            except PeriodError as exc:
                raise CommandError(str(exc)) from None
        if options["part"]:
            rows = [row for row in rows if row["part"] == options["part"]]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write("No periods.")
            return
        for row in rows:
            who = ""
            if row["decided_by"]:
                who = f" by {row['decided_by']}"
            elif row["submitted_by"]:
                who = f" by {row['submitted_by']}"
            part = f" [{row['part']}]" if row["part"] else ""
            reason = f" – {row['reason']}" if row["reason"] else ""
            self.stdout.write(
                f"{row['source']}{part} {row['period']}: {row['status']} ({row['state']}), due {row['due']}, "
                f"received {row['received_units']}/{row['expected_units']}{who}{reason}"
            )

    def step(self, options):
        action = options["action"]
        missing = [name for name in ("source", "period", "user") if not options[name]]
        if missing:
            raise CommandError(f"{action} needs {', '.join('--' + name for name in missing)}.")
        if action in ("return", "reopen") and not options["reason"].strip():
            raise CommandError(f"{action} needs --reason (the office reads it).")
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {options['user']!r}.")
        kwargs = {"source": options["source"], "period": options["period"], "part": options["part"], "by": user}
        if action in ("return", "reopen"):
            kwargs["reason"] = options["reason"]
        try:
            source = get_source(options["source"])
            if source.parts is not None and not options["part"]:
                keys = ", ".join(part.key for part in source.all_parts()) or "none yet"
                raise CommandError(f"{source.code} reports per location: give --part (one of: {keys}).")
            source.part(options["part"])  # an unknown part is refused before who may take the step
            row = STEPS[action](**kwargs)
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(f"{user.username} may not {action}: {exc}") from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        result = {
            "source": row.source,
            "part": row.part,
            "period": row.period,
            "status": row.status,
            "by": user.username,
            "reason": row.reason,
        }
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            part = f" [{row.part}]" if row.part else ""
            self.stdout.write(f"{row.source}{part} {row.period}: {row.status} (by {user.username})")
