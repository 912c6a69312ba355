"""The participant's right of access (GDPR art. 15): everything held about them, and who has read it.

``subject_access_report`` gathers every record that belongs to the
participant, field by field from the models themselves (so a field added
later is exported without anyone remembering to), and every read of their
data from the access log. The privacy officer exports it as JSON and as a
PDF (WeasyPrint), reviews it, and hands it over; disclosures the participant
was not to be told of are flagged for that review.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessEvent
from audit.subject_access import Section, SubjectAccessReport, person_name, record_of, subject_access_contributions
from mentorprogram.pdf import pdf_render

READS_LIMIT = 10_000


def subject_access_report(*, participant, generated_by) -> SubjectAccessReport:
    """Everything held about ``participant``: their own record, then each registered section, case by case."""
    sections = [Section("participant", _("The participant"), [record_of(participant, str(participant))])]
    cases = list(participant.cases.order_by("opened_at"))
    for contribution in subject_access_contributions():
        section = Section(contribution.section, str(contribution.title))
        if contribution.per_case is not None:
            for case in cases:
                section.records.extend(contribution.per_case(case, _("Case %(case)s") % {"case": case.pk}))
        if contribution.per_participant is not None:
            section.records.extend(contribution.per_participant(participant))
        sections.append(section)
    return SubjectAccessReport(
        participant_pk=participant.pk,
        generated_at=timezone.now(),
        generated_by=person_name(generated_by),
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


def subject_access_pdf(report: SubjectAccessReport, *, participant) -> bytes:
    return pdf_render("privacy/subject_access_pdf.html", {"report": report, "participant": participant})
