"""Create an API token for an account and print its key, once (the database keeps only its digest): for scripts
and benchmarks; administrators use the back office (API tokens → Add)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from smarteconomy.tokens import api_token_create


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print its key (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        _token, key = api_token_create(user=user, name=options["name"])
        self.stdout.write(key)
