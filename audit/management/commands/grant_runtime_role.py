"""Give the application's runtime database role exactly what it needs, and no more on the trail.

Run as the database owner after every ``migrate`` (docker-compose's
``migrate`` service does both). The owner keeps the schema; web, worker and
beat connect as the runtime role, which may:

- read and write the application's tables (SELECT, INSERT, UPDATE, DELETE;
  never TRUNCATE, never DDL, and it cannot switch triggers off);
- only INSERT and SELECT on the audit trail (``TRAIL_TABLES``): even with
  the triggers gone, the role the application runs as cannot rewrite history;
- only SELECT on the erasure records and the retention period
  (``OWNER_WRITES_ONLY``): those rows are written by the database's own
  erasure function and by ``migrate``, which run as the owner, so the
  application can neither forge an erasure nor shorten the period.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

# The audit trail proper: never UPDATE, DELETE or TRUNCATE for the runtime role.
TRAIL_TABLES = ("audit_modelchange", "audit_auditevent", "audit_accessevent", "audit_chainlink")
# Written by the owner's functions and by migrate only: the runtime role reads them.
OWNER_WRITES_ONLY = ("audit_erasure", "audit_erasedrow", "audit_retentionpolicy")


def runtime_role_grant(role: str, *, password: str | None = None) -> None:
    """Create ``role`` if it is missing and set its privileges on every table and sequence of the schema."""
    ident = sql.Identifier(role)
    statements = []
    with transaction.atomic(), connection.cursor() as cursor:
        # audit: a read of the role catalogue
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        exists = cursor.fetchone() is not None
        if password:
            verb = "ALTER" if exists else "CREATE"
            statements.append(sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(ident, sql.Literal(password)))
        elif not exists:
            statements.append(sql.SQL("CREATE ROLE {} NOLOGIN").format(ident))
        database = sql.Identifier(connection.settings_dict["NAME"])
        statements += [
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, ident),
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident),
            sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(ident),
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(ident),
            *(
                sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table), ident)
                for table in TRAIL_TABLES
            ),
            *(
                sql.SQL("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table), ident)
                for table in OWNER_WRITES_ONLY
            ),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(ident),
        ]
        for statement in statements:
            cursor.execute(statement)  # audit: role and privilege statements, run by the owner; no row is written


class Command(BaseCommand):
    help = "Create or update the runtime database role: INSERT and SELECT only on the audit trail."

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, help="The role web, worker and beat connect as.")
        parser.add_argument(
            "--password-env",
            default="",
            help="The environment variable that holds the role's password (the role can then log in).",
        )

    def handle(self, *args, role, password_env, **options):
        password = None
        if password_env:
            password = os.environ.get(password_env)
            if not password:
                raise CommandError(f"{password_env} is empty: the runtime role needs a password to log in")
        runtime_role_grant(role, password=password)
        self.stdout.write(
            f"{role}: INSERT and SELECT on {', '.join(TRAIL_TABLES)}; SELECT on {', '.join(OWNER_WRITES_ONLY)}; "
            "read and write elsewhere."
        )
