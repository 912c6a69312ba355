"""Test data the application itself could never write: the clock moved on."""

from django.db import connection, transaction


def backdate(model, pk, **fields) -> None:
    """Set ``fields`` of one row as the schema owner with the triggers off (a case closed years ago).

    The database keeps a case's closing time to its own clock, so a test of
    what happens years later writes the past the only way it can: as the
    owner, who may switch triggers off, which the runtime role never can.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # audit: test data, the clock moved on
        model.objects.filter(pk=pk).update(**fields)  # audit: test data, the clock moved on
        cursor.execute("SET LOCAL session_replication_role = origin")  # audit: test data, triggers back on
