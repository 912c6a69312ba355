"""What a participant's access request (GDPR art. 15) holds, as each app contributes it.

The floor of the export: a record is a model row field by field (so a field
added later is exported without anyone remembering to), and each app that
holds something about a participant registers its sections in its
``AppConfig.ready()`` (``subject_access_register``). The privacy office's
export (``privacy.subject_access``) runs them; this module imports no app.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

# Bookkeeping that says nothing about the person.
NOT_EXPORTED = {"id", "submission_key", "search_name"}


@dataclass
class Entry:
    """One field: its name (JSON key), its label (PDF), its value for JSON and as text."""

    name: str
    label: str
    value: object
    text: str


@dataclass
class Record:
    kind: str
    title: str
    entries: list[Entry]
    flag: str = ""

    def as_json(self) -> dict:
        return {entry.name: entry.value for entry in self.entries}


@dataclass
class Section:
    name: str
    title: str
    records: list[Record] = field(default_factory=list)


@dataclass
class SubjectAccessReport:
    participant_pk: int
    generated_at: datetime.datetime
    generated_by: str
    sections: list[Section]
    reads: list[dict]

    def as_json(self) -> str:
        document = {
            "participant": self.participant_pk,
            "generated_at": self.generated_at,
            "generated_by": self.generated_by,
            **{section.name: [record.as_json() for record in section.records] for section in self.sections},
            "reads": self.reads,
        }
        return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def person_name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def value_text(value) -> str:
    if value in (None, "", []):
        return "–"
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(value_text(v) if v is not None else "" for v in value)
    return str(value)


def record_of(obj: models.Model, title: str, *, flag: str = "") -> Record:
    entries = []
    user_model = get_user_model()
    for model_field in obj._meta.concrete_fields:
        if model_field.name in NOT_EXPORTED:
            continue
        label = str(model_field.verbose_name)
        if model_field.is_relation:
            if model_field.related_model is user_model:
                value = person_name(getattr(obj, model_field.name))
            else:
                value = getattr(obj, model_field.attname)
        else:
            value = getattr(obj, model_field.attname)
            if hasattr(value, "lower") and hasattr(value, "upper") and hasattr(value, "isempty"):
                value = [value.lower, value.upper]  # a range (a period): its start and end, the end open as None
            elif model_field.choices:
                labels = dict(model_field.flatchoices)
                value = str(labels.get(value, value)) if value != "" else ""
            elif hasattr(model_field, "base_field") and model_field.base_field.choices:
                labels = dict(model_field.base_field.flatchoices)
                value = [str(labels.get(v, v)) for v in value]
        entries.append(Entry(model_field.name, label, value, value_text(value)))
    return Record(obj._meta.model_name, title, entries, flag)


@dataclass(frozen=True)
class Contribution:
    section: str
    title: object  # a lazy translation: rendered in the reader's language
    order: int
    per_case: object = None  # (case, case_title) -> iterable of Record
    per_participant: object = None  # (participant) -> iterable of Record


_contributions: dict[str, Contribution] = {}


def subject_access_register(*, section: str, title, order: int, per_case=None, per_participant=None) -> None:
    """Add a section to every access request: ``per_case(case, case_title)`` and/or ``per_participant(participant)``
    give its records (``record_of(row, title)``). ``order`` places the section among the others.
    """
    _contributions[section] = Contribution(section, title, order, per_case, per_participant)


def subject_access_contributions() -> list[Contribution]:
    return sorted(_contributions.values(), key=lambda contribution: contribution.order)
