"""Create the first administrator of a new installation (there are no superusers).

The administrator gets the admin role, sets a password here, and enrols an
authenticator app at first login. Further users are created in the admin site.
"""

import getpass
import sys

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mentorprogram.models import User
from mentorprogram.roles import ADMIN


class Command(BaseCommand):
    help = "Create an administrator (users, roles, settings; never case content)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    def handle(self, *args, username, email, password_stdin, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} exists already.")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        user = User(username=username, email=email, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=ADMIN))
        self.stdout.write(f"Administrator {username} created. Log in and enrol an authenticator app.")
