"""A PostgreSQL backend for the test suite only.

Between transactional tests Django empties every table with TRUNCATE, which
the append-only triggers refuse. This backend lets that one statement through
by switching triggers off for the flush (``session_replication_role`` needs
a superuser, which the throwaway test cluster's owner is). Production uses
Django's own backend, where a flush fails as it should.

A Celery worker of the tests may be reading the tables while they are
emptied (its outbox relay looks every second); when PostgreSQL breaks the
deadlock by ending the flush, the flush runs again. And the test database is
dropped at the session's end even when a connection of the suite's own
threads is still open (``WITH (FORCE)``; Django's drop fails then, with a
warning that names no one).
"""

import time

from django.db import OperationalError
from django.db.backends.postgresql import base, creation, operations
from psycopg import errors

FLUSH_ATTEMPTS = 5


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        # CASCADE reaches django-auditlog's own auditlog_logentry table, which its
        # migrations create although AUDITLOG_LOGENTRY_MODEL replaces it (it stays empty).
        statements = super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=True)
        if not statements:
            return statements
        return ["SET session_replication_role = replica", *statements, "SET session_replication_role = DEFAULT"]

    def execute_sql_flush(self, sql_list):
        for attempt in range(1, FLUSH_ATTEMPTS + 1):
            try:
                return super().execute_sql_flush(sql_list)
            except OperationalError as error:
                if not isinstance(error.__cause__, errors.DeadlockDetected) or attempt == FLUSH_ATTEMPTS:
                    raise
                time.sleep(0.1 * attempt)


class DatabaseCreation(creation.DatabaseCreation):
    def _destroy_test_db(self, test_database_name, verbosity):
        self.connection.close_pool()
        with self._nodb_cursor() as cursor:
            name = self.connection.ops.quote_name(test_database_name)
            cursor.execute(f"DROP DATABASE {name} WITH (FORCE)")


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    creation_class = DatabaseCreation
