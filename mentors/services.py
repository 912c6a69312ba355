"""Writes on mentors and matching. Each is audited (the models are registered) and checks its actor."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseAssignment, CaseWishes
from cases.retention import delete_each
from cases.services import case_assignment_start
from mentorprogram.roles import may_reach_personal_data
from mentors.models import Attendance, MatchingWeights, Mentor, PersonalTie, Qualification
from mentors.permissions import may_match
from mentors.selectors import matching_for_case
from mentors.texts import exclusion_text


def mentor_assign_check(*, case: Case, mentor: Mentor, reason: str = "", fresh: bool = False) -> dict:
    """Whether the mentor may be assigned to the case, and the decision to record: rank, count and score.

    The confirmation page asks it of the suggestions shown (the cached pool); ``mentor_assign`` asks it again of
    the latest state. Raises ValidationError (Norwegian text) when a hard rule or a missing reason refuses it.
    """
    ranking = matching_for_case(case=case, fresh=fresh)
    excluded = {e.mentor_id: e for e in ranking.excluded}
    if mentor.pk in excluded:
        raise ValidationError(
            _("%(name)s cannot be assigned: %(reasons)s.")
            % {"name": mentor, "reasons": exclusion_text(excluded[mentor.pk].reasons)}
        )
    position = next((i for i, s in enumerate(ranking.suggestions, start=1) if s.mentor_id == mentor.pk), None)
    if position is None:
        raise ValidationError(_("%(name)s is not among the mentors who can be suggested.") % {"name": mentor})
    suggestion = ranking.suggestions[position - 1]
    if position > settings.MATCHING_TOP_SUGGESTIONS and not reason.strip():
        raise ValidationError(
            {"reason": _("This mentor is not among the first suggestions: write why you choose them.")}
        )
    return {
        "position": position,
        "count": len(ranking.suggestions),
        "score": suggestion.score,
        "max_score": suggestion.max_score,
    }


@transaction.atomic
def mentor_assign(*, actor, case: Case, mentor: Mentor, reason: str = "", request=None) -> CaseAssignment:
    """Assign a mentor from the matching, keeping the decision: rank, score and any reason.

    A mentor who fails a hard rule is refused with the reasons. A mentor below
    the first MATCHING_TOP_SUGGESTIONS needs a written reason. Capacity holds
    under concurrent assignments: the mentor's row is locked while counting.
    The case moves on to active with its mentor (``case_assignment_start``).
    """
    if not may_match(actor, case):
        raise PermissionDenied
    Mentor.objects.select_for_update().get(pk=mentor.pk)  # serialise assignments of this mentor
    check = mentor_assign_check(case=case, mentor=mentor, reason=reason, fresh=True)  # the latest state
    decision = _("Matching: suggestion %(position)d of %(count)d, %(score)s of %(max)s points.") % {
        "position": check["position"],
        "count": check["count"],
        "score": f"{check['score']:g}",
        "max": check["max_score"],
    }
    return case_assignment_start(
        actor=actor,
        case=case,
        user=mentor.user,
        kind=CaseAssignment.Kind.MENTOR,
        reason=f"{decision} {reason.strip()}".strip(),
        request=request,
    )


@transaction.atomic
def personal_tie_record(*, actor, mentor: Mentor, participant) -> PersonalTie:
    """The mentor knows the participant: recorded by the mentor or a coordinator, and never suggested again."""
    if not may_reach_personal_data(actor):
        raise PermissionDenied
    tie, _created = PersonalTie.objects.get_or_create(
        mentor=mentor, participant=participant, defaults={"recorded_by": actor}
    )
    return tie


@transaction.atomic
def matching_weights_set(*, actor, **weights) -> MatchingWeights:
    """A new set of weights (0–10 each); the old ones stay as history."""
    if not actor.has_perm("mentors.add_matchingweights") or not may_reach_personal_data(actor):
        raise PermissionDenied
    errors = {
        name: _("A weight is a whole number from 0 to 10.")
        for name, value in weights.items()
        if not (isinstance(value, int) and 0 <= value <= 10)
    }
    unknown = set(weights) - set(MatchingWeights.FACTORS)
    if errors or unknown:
        raise ValidationError(errors or _("Unknown factor."))
    row = MatchingWeights(set_by=actor, **weights)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def qualification_record(*, actor, mentor: Mentor, kind: str, completed_on, valid_until=None) -> Qualification:
    if not actor.has_perm("mentors.add_qualification") or not may_reach_personal_data(actor):
        raise PermissionDenied
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("The date cannot be in the future.")})
    if valid_until and valid_until < completed_on:
        raise ValidationError({"valid_until": _("It cannot expire before it was taken.")})
    qualification = Qualification(
        mentor=mentor, kind=kind, completed_on=completed_on, valid_until=valid_until, recorded_by=actor
    )
    qualification.full_clean()
    qualification.save()
    return qualification


@transaction.atomic
def case_wishes_save(*, actor, case: Case, **fields):
    """The participant's wishes for a mentor, on the case."""
    if not may_match(actor, case):
        raise PermissionDenied
    wishes = CaseWishes.objects.filter(case=case).first() or CaseWishes(case=case)
    for name, value in fields.items():
        setattr(wishes, name, value)
    wishes.updated_by, wishes.updated_at = actor, timezone.now()
    wishes.full_clean()
    wishes.save()
    return wishes


def _require_pool_keeper(actor) -> None:
    if not actor.has_perm("mentors.view_mentor_pool") or not may_reach_personal_data(actor):
        raise PermissionDenied


@transaction.atomic
def mentor_profile_save(*, actor, mentor: Mentor | None = None, **fields) -> Mentor:
    """Create or update a mentor's register profile (SLT coordinators)."""
    _require_pool_keeper(actor)
    mentor = mentor or Mentor()
    for name, value in fields.items():
        setattr(mentor, name, value)
    mentor.full_clean()
    mentor.save()
    return mentor


@transaction.atomic
def mentor_self_declare(*, actor, mentor: Mentor, **fields) -> Mentor:
    """A mentor updates what they declare about themselves (languages, interests, background)."""
    if mentor.user_id != actor.pk:
        raise PermissionDenied
    for name in ("languages", "interests", "ethnic_background", "religious_background"):
        if name in fields:
            setattr(mentor, name, fields[name])
    mentor.full_clean()
    # updated_at too: the matching pool's fingerprint reads it, so the next ranking sees the change at once.
    mentor.save(update_fields=["languages", "interests", "ethnic_background", "religious_background", "updated_at"])
    return mentor


@transaction.atomic
def attendance_record(*, actor, mentor: Mentor, kind: str, date) -> Attendance:
    _require_pool_keeper(actor)
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    attendance = Attendance(mentor=mentor, kind=kind, date=date, recorded_by=actor)
    attendance.full_clean()
    attendance.save()
    return attendance


# Where the case page offers «find a mentor»: once the case is ready for one, and to replace one.
MATCHABLE_STATUSES = (Case.Status.MATCHING, Case.Status.ACTIVE, Case.Status.PAUSED)


def case_page_actions(*, case, user) -> dict:
    """The case page's «find a mentor» (registered with ``cases.registry``): offered in matching, active or paused,
    and in assessment once the assessment is recorded."""
    ready = case.status in MATCHABLE_STATUSES or (case.status == Case.Status.ASSESSMENT and case.assessments.exists())
    return {"may_match": ready and may_match(user, case)}


def erase_with_participant(participant) -> None:
    """Erasure under the retention rules (registered with ``cases.registry``): mentors' ties to the participant."""
    delete_each(PersonalTie.objects.filter(participant=participant))


def qualification_expiring_text(params) -> str:
    """The pool's notice (registered with notifications): which qualification of which mentor, and when."""
    what = params.get("what")
    label = Qualification.Kind(what).label if what in Qualification.Kind.values else what
    return _("%(what)s for mentor %(mentor)s expires on %(date)s.") % {
        "what": label,
        "mentor": params.get("mentor"),
        "date": params.get("date"),
    }
