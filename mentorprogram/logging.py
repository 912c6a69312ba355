"""Logs never hold personal data.

Log messages in this project name ids and paths, never values. What could
still carry a value into a log is an exception's message: a database error's
DETAIL line («Key (national_id)=(…) already exists»), a validation message
that quotes the input, an address someone typed. ``RedactingFormatter``
writes every traceback with its frames and exception types but without the
messages, and withholds request paths the project does not route (its own
paths hold ids only).
"""

import copy
import logging
import traceback

WITHHELD = "(message withheld: it may hold personal data)"


def _chain(exc):
    """The exception and the ones it was raised from or during, oldest first (as Python prints them)."""
    seen, chain = set(), []
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append(exc)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return list(reversed(chain))


def _known_path(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?", 1)[0])
    except (Resolver404, ValueError):
        return False
    return True


def _redact_path(text: str) -> str:
    """A path the project routes (ids only) stays, without its query string; any other address is withheld.

    A query string may carry what someone typed into a search, and an
    unrouted address may be typed text too.
    """
    for word in text.split(" "):
        if not word.startswith("/"):
            continue
        if not _known_path(word):
            text = text.replace(word, "/(address withheld)")
        elif "?" in word:
            text = text.replace(word, word.split("?", 1)[0] + "?(query withheld)")
    return text


class RedactingFormatter(logging.Formatter):
    def format(self, record):
        # A copy: another handler may have cached the full traceback text on the record (exc_text).
        record = copy.copy(record)
        record.exc_text = None
        if record.name in ("django.request", "django.server") and record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(_redact_path(arg) if isinstance(arg, str) else arg for arg in args)
        return super().format(record)

    def formatException(self, ei):  # noqa: N802  (logging's own name)
        _type, value, tb = ei
        if value is None:
            return super().formatException(ei)
        lines = []
        for exc in _chain(value):
            if lines:
                lines.append("\nThe above exception led to:\n\n")
            lines.append("Traceback (most recent call last):\n")
            lines.extend(traceback.format_tb(exc.__traceback__ if exc is not value else tb))
            kind = type(exc)
            lines.append(f"{kind.__module__}.{kind.__qualname__}: {WITHHELD}\n")
        return "".join(lines).rstrip("\n")

    def formatStack(self, stack_info):  # noqa: N802
        return stack_info
