"""Reads of a fixed shape that every request makes, turned into SQL once per process instead of once per request.

Before a page starts, each request reads its session, its user, the user's roles and permissions, the second
factor's device and the number of unread notifications. Building those querysets and compiling them to SQL cost
about 5 ms of a worker's CPU a request (the roles and permissions, a union of two queries with subqueries, 2.9 ms
of it), more than PostgreSQL took to answer them (``make bench``: the two cores are saturated by per-request
Python). ``CompiledQuery`` builds the queryset once, with a stand-in for each value that changes between requests,
keeps its SQL, and afterwards only executes that SQL with the request's values through Django's own cursor (so it
is counted, logged and wrapped like any other query) and applies the same converters the ORM would.

Only reads: the queryset is compiled as a SELECT, and what comes back are rows (tuples) or model instances built
the way the ORM builds them. Nothing written goes around the audit.
"""

import datetime
import itertools
from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet

# Stand-ins no request can ask for: a negative id (ids count from 1), a string with a NUL (PostgreSQL's text
# cannot hold one), a moment before the system existed. Each call of ``stand_in`` gives a new one.
_serial = itertools.count(1)


def stand_in(kind: type):
    """A value of ``kind`` (int, str, datetime) that marks where a request's own value goes."""
    n = next(_serial)
    if kind is int:
        return -2_147_000_000 - n  # in range of a 32-bit id column (Django refuses an overflow at compile)
    if kind is str:
        return f"\x00compiled-{n}\x00"
    if kind is datetime.datetime:
        return datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(seconds=n)
    raise TypeError(f"no stand-in for {kind!r}")


class CompiledQuery:
    """``build(**stand_ins)`` returns the queryset; ``params`` names each value a request passes and its type.

    ``rows(**values)`` executes the SQL with ``values`` in the stand-ins' places and returns the converted rows;
    ``instances(**values)`` returns model instances when the queryset selects whole rows (``only()`` not used), with
    its annotations set on them.
    """

    def __init__(self, build: Callable[..., QuerySet], **params: type):
        self._build = build
        self._params = params
        self._compiled: dict[str, tuple] = {}

    def _compile(self, using: str) -> tuple:
        compiled = self._compiled.get(using)
        if compiled is None:
            marks = {name: stand_in(kind) for name, kind in self._params.items()}
            queryset = self._build(**marks).using(using)
            compiler = queryset.query.get_compiler(using)
            sql, params = compiler.as_sql()
            by_mark = {(type(value), value): name for name, value in marks.items()}
            slots = [by_mark.get((type(p), p)) for p in params]
            missing = set(marks) - set(slots)
            if missing:
                raise ValueError(f"the query does not use {sorted(missing)}")
            fields = [column[0] for column in compiler.select[: compiler.col_count]]
            converters = compiler.get_converters(fields)
            compiled = (
                sql,
                list(params),
                slots,
                compiler.klass_info,
                list(converters.items()),
                queryset,
                dict(compiler.annotation_col_map),
            )
            self._compiled[using] = compiled
        return compiled

    def rows(self, *, using: str = "default", **values) -> list[tuple]:
        sql, params, slots, _klass_info, converters, _queryset, _annotations = self._compile(using)
        if set(values) != set(self._params):
            raise TypeError(f"expected {sorted(self._params)}, got {sorted(values)}")
        bound = [values[slot] if slot is not None else param for slot, param in zip(slots, params, strict=True)]
        connection = connections[using]
        with connection.cursor() as cursor:
            # audit: a SELECT compiled from a queryset (see the module's text); nothing is written
            cursor.execute(sql, bound)
            rows = cursor.fetchall()
        if not converters:
            return rows
        converted = []
        for row in rows:  # as SQLCompiler.apply_converters does, with this thread's connection
            row = list(row)
            for position, (functions, expression) in converters:
                for function in functions:
                    row[position] = function(row[position], expression, connection)
            converted.append(tuple(row))
        return converted

    def instances(self, *, using: str = "default", **values) -> list:
        """Model instances, each with the queryset's annotations as attributes (as the ORM sets them)."""
        _sql, _params, _slots, klass_info, _converters, queryset, annotations = self._compile(using)
        model = queryset.model
        query = queryset.query
        if klass_info is None or query.deferred_loading[0] or query.select_related:
            raise TypeError("instances() needs a queryset of whole rows")
        names = [field.attname for field in model._meta.concrete_fields]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        if end - start != len(names):
            raise TypeError("instances() needs a queryset of whole rows")
        found = []
        for row in self.rows(using=using, **values):
            instance = model.from_db(using, names, row[start:end])
            for name, position in annotations.items():
                setattr(instance, name, row[position])
            found.append(instance)
        return found
