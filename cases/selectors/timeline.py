"""A case's timeline: everything that happened, in order, from this app and the others that register."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext

from cases.models import Assessment, Case, CaseAssignment, Consent, NetworkMember
from cases.registry import timeline_contributions

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
    object (the case page's sections and its timeline both show them)."""
    if related not in getattr(case, "_prefetched_objects_cache", {}):
        prefetch_related_objects([case], Prefetch(related, queryset=_CASE_CONTENT[related]()))
    return list(getattr(case, related).all())


@dataclass
class TimelineEvent:
    when: datetime.datetime
    what: str
    who: str = ""
    # A date without a time of day (a referral's date received): shown without a made-up «00:00».
    date_only: bool = False


def _referral_events(*, case: Case, reader, name) -> list[TimelineEvent]:
    """Referrals received and accepted into the case."""
    events = []
    for referral in case.referrals.select_related("decided_by").all():
        received = timezone.make_aware(datetime.datetime.combine(referral.received_on, datetime.time.min))
        events.append(
            TimelineEvent(
                received,
                gettext("Referral %(pk)s received from %(source)s")
                % {"pk": referral.pk, "source": referral.get_source_display()},
                date_only=True,
            )
        )
        if referral.decided_at:
            events.append(
                TimelineEvent(
                    referral.decided_at,
                    gettext("Referral %(pk)s accepted") % {"pk": referral.pk},
                    name(referral.decided_by),
                )
            )
    return events


def _status_events(*, case: Case, reader, name) -> list[TimelineEvent]:
    """Status changes, the opening first."""
    events = []
    for change in case.status_changes.select_related("changed_by").all():
        if change.from_status:
            what = gettext("Status changed from «%(from)s» to «%(to)s»") % {
                "from": change.get_from_status_display(),
                "to": change.get_to_status_display(),
            }
        else:
            what = gettext("Case opened (%(status)s)") % {"status": change.get_to_status_display()}
        if change.reason:
            what = f"{what}: {change.reason}"
        events.append(TimelineEvent(change.changed_at, what, name(change.changed_by)))
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
    _referral_events,
    _status_events,
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
