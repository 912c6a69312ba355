"""What an access request holds from the mentor pool (registered in ``MentorsConfig.ready()``)."""

from audit.subject_access import person_name, record_of
from mentors.models import PersonalTie


def personal_ties(participant):
    return [
        record_of(tie, person_name(tie.mentor.user))
        for tie in PersonalTie.objects.filter(participant=participant).select_related("mentor__user", "recorded_by")
    ]
