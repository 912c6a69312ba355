"""What an access request holds from the case work (registered in ``CasesConfig.ready()``)."""

from django.utils.translation import gettext as _

from audit.subject_access import record_of, value_text
from cases.models import ConsentWithdrawal, Referral


def the_case(case, title):
    return [record_of(case, title)]


def case_records(case, title):
    """Status changes, assessments, the network map, consents and their withdrawals, holds, assignments, wishes."""
    records = []
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
            records.append(record_of(obj, f"{title}: {obj._meta.verbose_name}"))
    if hasattr(case, "wishes"):
        records.append(record_of(case.wishes, f"{title}: {case.wishes._meta.verbose_name}"))
    return records


def emergency_accesses(case, title):
    return [
        record_of(grant, f"{title}: {value_text(grant.granted_at)}")
        for grant in case.emergency_accesses.select_related("user", "reviewed_by")
    ]


def referrals(participant):
    return [
        record_of(referral, _("Referral %(pk)s") % {"pk": referral.pk})
        for referral in Referral.objects.filter(participant=participant).select_related(
            "submitted_by", "decided_by", "participant_decided_by"
        )
    ]
