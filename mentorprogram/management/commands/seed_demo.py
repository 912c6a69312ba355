"""Fictional demo data for `make run`. Idempotent: a second run changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mentorprogram.models import User

DEMO_PASSWORD = "demo-passord-2026"  # noqa: S105  (fictional demo users only; refused without DEBUG)
DEMO_USERS = [
    # username, first name, last name: clearly invented Norwegian names.
    ("demo", "Dina", "Demostad"),
]


class Command(BaseCommand):
    help = "Create fictional demo users (development only) and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production", action="store_true", help="Seed even with DEBUG off (never on real data)."
        )

    @transaction.atomic
    def handle(self, *args, allow_production, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("seed_demo creates users with a known password and only runs with DEBUG on.")
        created = 0
        for username, first_name, last_name in DEMO_USERS:
            user, was_created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first_name, "last_name": last_name, "email": f"{username}@demo.invalid"},
            )
            if was_created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created += 1
        self.stdout.write(f"Demo data: {created} new users.")
        self.stdout.write("Log in at http://127.0.0.1:8000/login/ with:")
        for username, first_name, last_name in DEMO_USERS:
            self.stdout.write(f"  {username:<12} password {DEMO_PASSWORD}   ({first_name} {last_name})")
