"""What other apps add to a case, registered in their ``AppConfig.ready()``; cases imports none of them.

- timeline entries: ``fn(*, case, reader, name) -> iterable of TimelineEvent``
  (``reader`` is the user looking, or None; ``name(user)`` renders a person);
- the case page's actions: ``fn(*, case, user) -> dict`` of template context;
- erasure under the retention rules: ``case=fn(case) -> dict of counts`` removes
  what the app hangs on a case, ``participant=fn(participant)`` what it hangs on
  a participant. Both run inside the erasure the database opened; rows go one
  by one (``cases.retention.delete_each``) so the audit records each;
- a consent withdrawn: ``fn(*, consent, actor)``, in the withdrawal's transaction;
- what is due on a case (the case list's «what is due» filter and «next due» column):
  ``case_due_register(code, label=..., filter=fn(cases, *, today, user), next_due=...)``;
- what an app reads along with a case's own rows for the case page (``cases.selectors.timeline.case_content``):
  ``case_content_register(related, fn(queryset) -> queryset)``, e.g. an annotation on each consent.
"""

from collections.abc import Callable
from dataclasses import dataclass

_timeline: list = []
_case_page: list = []
_erase_with_case: list = []
_erase_with_participant: list = []
_consent_withdrawn: list = []
_case_list: list = []
_case_due: dict = {}
_case_content: dict[str, list] = {}


@dataclass(frozen=True)
class CaseDue:
    """One kind of thing due on a case: ``filter(cases, *, today, user)`` keeps the cases where it is due;
    ``next_due(cases, *, today, user)``, if given, annotates each case with ``due_<code>`` (a date, or None).
    ``user`` is the reader: an app shows a date only from what they may read."""

    code: str
    label: object
    filter: Callable
    next_due: Callable | None = None


def _add(registry: list, fn) -> None:
    if fn is not None and fn not in registry:
        registry.append(fn)


def case_timeline_register(fn) -> None:
    _add(_timeline, fn)


def case_page_register(fn) -> None:
    _add(_case_page, fn)


def case_erasure_register(*, case=None, participant=None) -> None:
    _add(_erase_with_case, case)
    _add(_erase_with_participant, participant)


def case_list_register(fn) -> None:
    """``fn(queryset) -> queryset``: what another app adds to each row of the case list (a subquery column)."""
    _add(_case_list, fn)


def case_due_register(code: str, *, label, filter, next_due=None) -> None:
    _case_due.setdefault(code, CaseDue(code=code, label=label, filter=filter, next_due=next_due))


def case_content_register(related: str, fn) -> None:
    """``fn(queryset) -> queryset``: what another app reads along with the case's ``related`` rows (a subquery
    column, so the case page asks no query of its own for it)."""
    _add(_case_content.setdefault(related, []), fn)


def case_content_contributions(related: str) -> list:
    return list(_case_content.get(related, ()))


def case_due_kinds() -> list[CaseDue]:
    return list(_case_due.values())


def case_list_contributions() -> list:
    return list(_case_list)


def consent_withdrawal_register(fn) -> None:
    _add(_consent_withdrawn, fn)


def consent_withdrawal_contributions() -> list:
    return list(_consent_withdrawn)


def timeline_contributions() -> list:
    return list(_timeline)


def case_page_contributions() -> list:
    return list(_case_page)


def erasure_contributions() -> tuple[list, list]:
    return list(_erase_with_case), list(_erase_with_participant)
