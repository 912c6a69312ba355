"""A case's timeline: everything that happened, in order, from this app and the others that register."""

import datetime
from dataclasses import dataclass

from django.db.models import CharField, DateField, F, Prefetch, Value, prefetch_related_objects
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext

from cases.models import Assessment, Case, CaseAssignment, Consent, NetworkMember, Referral
from cases.registry import case_content_contributions, timeline_contributions
from mentorprogram.models import user_name

_PERSON_FIELDS = ("first_name", "last_name", "username")
_PERSON = tuple(f"row_{field}" for field in _PERSON_FIELDS)

# What the case page shows twice (its sections and its timeline), read once a request: related name → the rows
# with the people they name.
_CASE_CONTENT = {
    "assessments": lambda: Assessment.objects.select_related("assessed_by"),
    "network": lambda: NetworkMember.objects.select_related("added_by"),
    "consents": lambda: Consent.objects.select_related("recorded_by", "withdrawal__withdrawn_by"),
    "assignments": lambda: CaseAssignment.objects.select_related("user", "started_by", "ended_by"),
}


def case_content(case: Case, related: str) -> list:
    """The case's ``related`` rows («assessments», «network», «consents», «assignments»), read once for the case
    object (the case page's sections and its timeline both show them), with what other apps read along
    (``cases.registry.case_content_register``)."""
    if related not in getattr(case, "_prefetched_objects_cache", {}):
        rows = _CASE_CONTENT[related]()
        for contribute in case_content_contributions(related):
            rows = contribute(rows)
        prefetch_related_objects([case], Prefetch(related, queryset=rows))
    return list(getattr(case, related).all())


@dataclass
class TimelineEvent:
    when: datetime.datetime
    what: str
    who: str = ""
    # A date without a time of day (a referral's date received): shown without a made-up «00:00».
    date_only: bool = False


# A referral's and a status change's timeline rows, read in one query (a union of the two tables): the kind, then
# the moment, the date received (a referral's), two codes (a referral's source; a change's statuses), the reason
# and the person (who decided; who changed).
_REFERRAL, _STATUS = "referral", "status"
_TIMELINE_ROW = ("row_kind", "row_pk", "row_at", "row_on", "row_code", "row_code_to", "row_text", *_PERSON)


def _timeline_rows(case: Case):
    text, date = CharField(), DateField()
    referrals = case.referrals.annotate(
        row_kind=Value(_REFERRAL, text),
        row_pk=F("pk"),
        row_at=F("decided_at"),
        row_on=F("received_on"),
        row_code=F("source"),
        row_code_to=Value(None, text),
        row_text=Value("", text),
        **{name: F(f"decided_by__{field}") for name, field in zip(_PERSON, _PERSON_FIELDS, strict=True)},
    ).values_list(*_TIMELINE_ROW)
    changes = case.status_changes.annotate(
        row_kind=Value(_STATUS, text),
        row_pk=F("pk"),
        row_at=F("changed_at"),
        row_on=Value(None, date),
        row_code=Cast("from_status", text),
        row_code_to=Cast("to_status", text),
        row_text=F("reason"),
        **{name: F(f"changed_by__{field}") for name, field in zip(_PERSON, _PERSON_FIELDS, strict=True)},
    ).values_list(*_TIMELINE_ROW)
    # Each kind in its own order (a status change's is the moment, then the id), for the stable sort of events.
    return referrals.order_by().union(changes.order_by(), all=True).order_by("row_kind", "row_at", "row_pk")


def _referral_and_status_events(*, case: Case, reader, name) -> list[TimelineEvent]:
    """Referrals received and accepted into the case, and its status changes (the opening first)."""
    sources, statuses = dict(Referral.Source.choices), dict(Case.Status.choices)
    events = []
    for kind, pk, at, received_on, code, code_to, reason, *person in _timeline_rows(case):
        who = user_name(*person) if person[2] is not None else ""
        if kind == _REFERRAL:
            received = timezone.make_aware(datetime.datetime.combine(received_on, datetime.time.min))
            events.append(
                TimelineEvent(
                    received,
                    gettext("Referral %(pk)s received from %(source)s") % {"pk": pk, "source": sources.get(code, code)},
                    date_only=True,
                )
            )
            if at:
                events.append(TimelineEvent(at, gettext("Referral %(pk)s accepted") % {"pk": pk}, who))
            continue
        if code:
            what = gettext("Status changed from «%(from)s» to «%(to)s»") % {
                "from": statuses.get(code, code),
                "to": statuses.get(code_to, code_to),
            }
        else:
            what = gettext("Case opened (%(status)s)") % {"status": statuses.get(code_to, code_to)}
        if reason:
            what = f"{what}: {reason}"
        events.append(TimelineEvent(at, what, who))
    return events


def _assignment_events(*, case: Case, reader, name) -> list[TimelineEvent]:
    """Assignments started and ended."""
    events = []
    for assignment in case_content(case, "assignments"):
        events.append(
            TimelineEvent(
                assignment.started_at,
                gettext("%(kind)s assigned: %(person)s")
                % {"kind": assignment.get_kind_display(), "person": name(assignment.user)},
                name(assignment.started_by),
            )
        )
        if assignment.ended_at:
            events.append(
                TimelineEvent(
                    assignment.ended_at,
                    gettext("%(kind)s assignment ended: %(person)s")
                    % {"kind": assignment.get_kind_display(), "person": name(assignment.user)},
                    name(assignment.ended_by),
                )
            )
    return events


def _assessment_events(*, case: Case, reader, name) -> list[TimelineEvent]:
    """Risk and needs assessments."""
    events = []
    for assessment in case_content(case, "assessments"):
        events.append(
            TimelineEvent(
                assessment.assessed_at, gettext("Risk and needs assessment recorded"), name(assessment.assessed_by)
            )
        )
    return events


def _network_events(*, case: Case, reader, name) -> list[TimelineEvent]:
    """People added to the network map."""
    events = []
    for member in case_content(case, "network"):
        events.append(
            TimelineEvent(
                member.added_at,
                gettext("Added to the network map: %(name)s") % {"name": member.name},
                name(member.added_by),
            )
        )
    return events


def _consent_events(*, case: Case, reader, name) -> list[TimelineEvent]:
    """Consents recorded and withdrawn."""
    events = []
    for consent in case_content(case, "consents"):
        services = ", ".join(str(label) for label in consent.service_labels)
        events.append(
            TimelineEvent(
                consent.recorded_at,
                gettext("Consent recorded (%(services)s)") % {"services": services},
                name(consent.recorded_by),
            )
        )
        if consent.withdrawn_at:
            events.append(
                TimelineEvent(
                    consent.withdrawn_at,
                    gettext("Consent withdrawn (%(services)s)") % {"services": services},
                    name(consent.withdrawn_by),
                )
            )
    return events


_TIMELINE_SOURCES = (
    _referral_and_status_events,
    _assignment_events,
    _assessment_events,
    _network_events,
    _consent_events,
)


def case_timeline(*, case: Case, reader=None) -> list[TimelineEvent]:
    """Everything that happened in a case, oldest first: one source a kind of event.

    The case's own sources are below; the other apps add theirs
    (``cases.registry.case_timeline_register``): disclosures, and mentor
    sessions and concern signals for a ``reader`` who may read them.
    """

    def name(user):
        return (user.get_full_name() or user.username) if user else ""

    events: list[TimelineEvent] = []
    for source in (*_TIMELINE_SOURCES, *timeline_contributions()):
        events.extend(source(case=case, reader=reader, name=name))
    events.sort(key=lambda e: e.when)
    return events
