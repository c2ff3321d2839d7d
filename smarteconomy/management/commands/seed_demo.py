"""Demo set-up: reference data, the role groups and one demo user per role; then each app's demo data.

Idempotent: running it again changes nothing but the demo users' passwords (to DEMO_PASSWORD).
Refuses to run with production settings.
"""

import os
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from smarteconomy.choices import Role
from smarteconomy.roles import sync_roles

DEMO_USERS = [
    # username, role, first name, last name
    ("admin", Role.ADMIN, "Admin", "Diskominfo"),
    ("bappeda", Role.BAPPEDA, "Perencana", "Bappeda"),
    ("dpmptsp", Role.DPMPTSP, "Petugas", "DPMPTSP"),
    ("dkumkmp", Role.DKUMKMP, "Petugas", "DKUMKMP"),
    ("operator_airport", Role.PARKING_OPERATOR, "Operator", "Bandara Sepinggan"),
    ("operator_mall", Role.PARKING_OPERATOR, "Operator", "Balikpapan Superblock"),
]


class Command(BaseCommand):
    help = "Load reference data, role groups, one demo user per role and the apps' demo data (idempotent)."

    def handle(self, *args, **options):
        if getattr(settings, "IS_PRODUCTION", False):
            raise CommandError("seed_demo refuses to run with production settings: it creates demo users.")
        password = os.environ.get("DEMO_PASSWORD") or settings.DEMO_PASSWORD_DEFAULT
        call_command("load_reference", stdout=self.stdout, stderr=self.stderr)
        with transaction.atomic():
            sync_roles()
            User = get_user_model()
            for username, role, first_name, last_name in DEMO_USERS:
                user, _created = User.objects.get_or_create(username=username)
                user.first_name, user.last_name = first_name, last_name
                user.email = f"{username}@demo.balikpapan.go.id"
                user.is_staff = role == Role.ADMIN
                user.is_superuser = False
                user.is_active = True
                user.set_password(password)
                user.save()
                user.groups.set([Group.objects.get(name=role)])
        # Each app may add its demo data in <app>/demo.py: def seed(stdout).
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if config.name != "smarteconomy" and find_spec(module_name):
                import_module(module_name).seed(self.stdout)
        # The reporting calendar's schedules and workflow over the apps' demo data (some periods approved: locked).
        from smarteconomy import demo_reporting

        demo_reporting.seed(self.stdout)
        # Then one recompute of the scorecard over every app's demo data, as the nightly task would.
        from analytics.scorecard import indicators_recompute
        from smarteconomy.tasking import run_logged

        run = run_logged("analytics.indicators_recompute", indicators_recompute, kwargs={"full": True}, pass_run=True)
        self.stdout.write(f"Scorecard: recompute run #{run.pk} {run.status}, {run.rows_affected} snapshots written.")
        from analytics.demo import seed_edition  # Bappeda's published edition of the demo scorecard

        seed_edition(self.stdout)
        # The notification rules once, as the beat's run would (notifications.run), so that each demo user's bell
        # shows what the demo data calls for; the e-mails wait in the outbox (EMAIL_URL unset: the console).
        from notifications.services import notifications_run

        created, _planned = notifications_run()
        self.stdout.write(f"Notifications: {created} created by the rules.")
        self.stdout.write(self.style.SUCCESS(f"Demo users (password: {password}):"))
        for username, role, _first, _last in DEMO_USERS:
            self.stdout.write(f"  {username:<18} {Role(role).label}")
