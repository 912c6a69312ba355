"""The participant's right of access (GDPR art. 15): everything held about them, and who has read it.

``subject_access_report`` gathers every record that belongs to the
participant, field by field from the models themselves (so a field added
later is exported without anyone remembering to), and every read of their
data from the access log. The privacy officer exports it as JSON and as a
PDF (WeasyPrint), reviews it, and hands it over; disclosures the participant
was not to be told of are flagged for that review.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit.models import AccessEvent
from cases.models import ConsentWithdrawal, Referral
from disclosures.models import Disclosure
from mentors.models import PersonalTie
from mentorsessions.models import ConcernSignal, MentorSession, SessionAddendum

# Bookkeeping that says nothing about the person.
NOT_EXPORTED = {"id", "submission_key", "search_name"}
READS_LIMIT = 10_000


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


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _text(value) -> str:
    if value in (None, "", []):
        return "–"
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _record(obj: models.Model, title: str, *, flag: str = "") -> Record:
    entries = []
    user_model = get_user_model()
    for model_field in obj._meta.concrete_fields:
        if model_field.name in NOT_EXPORTED:
            continue
        label = str(model_field.verbose_name)
        if model_field.is_relation:
            if model_field.related_model is user_model:
                value = _person(getattr(obj, model_field.name))
            else:
                value = getattr(obj, model_field.attname)
        else:
            value = getattr(obj, model_field.attname)
            if model_field.choices:
                labels = dict(model_field.flatchoices)
                value = str(labels.get(value, value)) if value != "" else ""
            elif hasattr(model_field, "base_field") and model_field.base_field.choices:
                labels = dict(model_field.base_field.flatchoices)
                value = [str(labels.get(v, v)) for v in value]
        entries.append(Entry(model_field.name, label, value, _text(value)))
    return Record(obj._meta.model_name, title, entries, flag)


def subject_access_report(*, participant, generated_by) -> SubjectAccessReport:

    sections = [Section("participant", _("The participant"), [_record(participant, str(participant))])]
    cases = Section("cases", _("Cases"))
    details = Section("case_records", _("Assessments, network, consents, assignments and status"))
    sessions = Section("sessions", _("Mentor sessions"))
    signals = Section("concern_signals", _("Concern signals"))
    disclosures = Section("disclosures", _("Disclosures"))
    emergency = Section("emergency_accesses", _("Emergency access to the case"))
    for case in participant.cases.order_by("opened_at"):
        title = _("Case %(case)s") % {"case": case.pk}
        cases.records.append(_record(case, title))
        for related in (
            case.status_changes.select_related("changed_by"),
            case.assessments.select_related("assessed_by"),
            case.network.select_related("added_by"),
            case.consents.select_related("recorded_by"),
            ConsentWithdrawal.objects.filter(consent__case=case).select_related("withdrawn_by"),
            case.legal_holds.select_related("placed_by", "lifted_by"),
            case.assignments.select_related("user", "started_by", "ended_by"),
        ):
            for obj in related.order_by("pk"):
                details.records.append(_record(obj, f"{title}: {obj._meta.verbose_name}"))
        if hasattr(case, "wishes"):
            details.records.append(_record(case.wishes, f"{title}: {case.wishes._meta.verbose_name}"))
        for session in (
            MentorSession.objects.filter(case=case).select_related("mentor", "voided_by").order_by("held_on")
        ):
            sessions.records.append(_record(session, f"{title}: {_text(session.held_on)}"))
            for addendum in SessionAddendum.objects.filter(session=session).select_related("written_by"):
                sessions.records.append(_record(addendum, f"{title}: {_('addendum')} {_text(addendum.written_at)}"))
        for signal in ConcernSignal.objects.filter(case=case).select_related("raised_by", "acknowledged_by"):
            signals.records.append(_record(signal, f"{title}: {_text(signal.raised_at)}"))
        for disclosure in Disclosure.objects.filter(case=case).select_related("recorded_by").order_by("recorded_at"):
            flag = ""
            if disclosure.participant_informed != Disclosure.Informed.YES:
                flag = _("The participant was not told of this disclosure: review before handing it out.")
            disclosures.records.append(_record(disclosure, f"{title}: {_text(disclosure.disclosed_on)}", flag=flag))
        for grant in case.emergency_accesses.select_related("user", "reviewed_by"):
            emergency.records.append(_record(grant, f"{title}: {_text(grant.granted_at)}"))
    referrals = Section("referrals", _("Referrals"))
    for referral in Referral.objects.filter(participant=participant).select_related(
        "submitted_by", "decided_by", "participant_decided_by"
    ):
        referrals.records.append(_record(referral, _("Referral %(pk)s") % {"pk": referral.pk}))
    ties = Section("personal_ties", _("Mentors who know the participant personally"))
    for tie in PersonalTie.objects.filter(participant=participant).select_related("mentor__user", "recorded_by"):
        ties.records.append(_record(tie, _person(tie.mentor.user)))
    sections += [cases, details, sessions, signals, disclosures, emergency, referrals, ties]
    return SubjectAccessReport(
        participant_pk=participant.pk,
        generated_at=timezone.now(),
        generated_by=_person(generated_by),
        sections=[section for section in sections if section.records],
        reads=_reads_of(participant),
    )


def _reads_of(participant) -> list[dict]:
    reads = []
    events = AccessEvent.objects.filter(participant_pks__contains=[participant.pk]).select_related("content_type")
    for event in events.order_by("timestamp", "id")[:READS_LIMIT]:
        reads.append(
            {
                "time": timezone.localtime(event.timestamp),
                "reader": event.actor_name or event.actor_username,
                "roles": event.role_labels,
                "kind": event.get_kind_display(),
                "what": str(event.content_type.name),
                "outside_assignment": event.outside_assignment,
            }
        )
    return reads


def _only_own_static(url, timeout=10, ssl_context=None):
    """WeasyPrint's url_fetcher: the report never fetches anything (no images, fonts or CSS from outside)."""
    raise ValueError(f"the report does not fetch {url!r}")


def subject_access_pdf(report: SubjectAccessReport, *, participant) -> bytes:
    from weasyprint import HTML

    html = render_to_string("privacy/subject_access_pdf.html", {"report": report, "participant": participant})
    return HTML(string=html, url_fetcher=_only_own_static).write_pdf()
