import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from cases.models import Case, CaseAssignment
from cases.services import case_assignment_start
from mentorprogram.roles import COORDINATOR, MENTOR, SLT_COORDINATOR
from tests.cases.factories import CaseFactory


@pytest.fixture
def team(make_user):
    """An active case opened two months ago with its coordinator and mentor; an SLT coordinator; an outsider mentor."""
    slt = make_user(SLT_COORDINATOR, first_name="Siri", last_name="Slt")
    coordinator = make_user(COORDINATOR, first_name="Kari", last_name="Koordinator")
    mentor = make_user(MENTOR, first_name="Mats", last_name="Mentor")
    outsider = make_user(MENTOR, first_name="Ola", last_name="Utenfor")
    case = CaseFactory(status=Case.Status.ACTIVE, opened_at=timezone.now() - datetime.timedelta(days=60))
    case_assignment_start(actor=slt, case=case, user=coordinator, kind=CaseAssignment.Kind.COORDINATOR)
    mentor_assignment = case_assignment_start(actor=slt, case=case, user=mentor, kind=CaseAssignment.Kind.MENTOR)
    return SimpleNamespace(
        slt=slt,
        coordinator=coordinator,
        mentor=mentor,
        outsider=outsider,
        case=case,
        mentor_assignment=mentor_assignment,
    )
