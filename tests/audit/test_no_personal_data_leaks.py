"""Unique markers in every free-text field never reach the logs, the audit trail, notifications or error pages.

The test plants a marker in each free-text field of the participants' (and
mentors') records, through the pages where a user types them and through the
services, then reads every log line the app wrote (with the project's own
formatter), every row of the trail and of the notification tables, and the
error pages. Forms that fail may show a user what they typed; nothing else may.
"""

import datetime
import io
import logging
import uuid

import pytest
from django.apps import apps
from django.db import connection, models, transaction
from django.test import Client
from django.urls import path
from django.utils import timezone
from faker import Faker

from audit.registry import personal_data_models
from cases.models import Case, CaseAssignment, CaseWishes, LegalHold, Participant, Referral
from cases.services import (
    assessment_record,
    case_assignment_end,
    case_assignment_start,
    case_status_change,
    consent_record,
    emergency_access_review,
    network_member_add,
    referral_decide,
    referral_participant_resolve,
    referral_submit,
)
from disclosures.models import Disclosure
from disclosures.services import disclosure_record
from individualplans.models import IndividualPlan, PlanGoal
from mentorprogram.access import public
from mentorprogram.logging import RedactingFormatter
from mentorprogram.roles import COORDINATOR, PRIVACY_OFFICER, SLT_COORDINATOR
from mentorsessions.models import ConcernSignal, MentorSession
from mentorsessions.services import concern_signal_acknowledge, mentor_session_void, session_addendum_add
from tests.mentorprogram.factories import current_code
from tests.mentors.factories import MentorFactory

pytestmark = pytest.mark.django_db

# Every free-text field of the models with personal data, planted below (fields with choices are codes).
NOT_PLANTED: set[tuple[str, str]] = set()


def free_text_fields():
    for label in sorted(personal_data_models()):
        model = apps.get_model(label)
        for field in model._meta.concrete_fields:
            text = isinstance(field, models.CharField | models.TextField) and not field.choices
            if text and field.name != "search_name" and (label, field.name) not in NOT_PLANTED:
                yield model, field.name


class Markers(dict):
    def __missing__(self, key):
        self[key] = f"Mrk{key.replace('_', '')[:10]}{uuid.uuid4().hex[:8]}"
        return self[key]


@pytest.fixture
def logs():
    """What the app logs, written by the formatter the settings configure."""
    configured = [h.formatter for h in logging.getLogger().handlers if isinstance(h.formatter, RedactingFormatter)]
    assert configured, "the console handler must use mentorprogram.logging.RedactingFormatter"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configured[0])
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


def post(client, url, data, expect=302):
    response = client.post(url, data)
    assert response.status_code == expect, (url, response.status_code, response.content[:3000])
    return response


def test_planted_markers_never_leave_the_records(make_user, verified_login, logs, settings):
    m = Markers()
    national_id = Faker("no_NO").ssn(dob="20090304")
    slt = make_user(SLT_COORDINATOR)
    coordinator = make_user(COORDINATOR)
    mentor_profile = MentorFactory(
        home_service=m["home_service"],
        ethnic_background=m["ethnic_background"],
        religious_background=m["religious_background"],
        district=m["mentor_district"],
    )
    mentor = mentor_profile.user
    officer = make_user(PRIVACY_OFFICER)
    as_slt, as_mentor = Client(), Client()
    verified_login(as_slt, slt)
    verified_login(as_mentor, mentor)

    # Intake through the form, with a marker (or the national id) in every field a referrer types.
    referral_fields = {
        "submission_key": str(uuid.uuid4()),
        "urgency": "normal",
        "source": "school",
        "source_organisation": m["source_organisation"],
        "referrer_name": m["referrer_name"],
        "referrer_phone": m["referrer_phone"][:30],
        "referrer_email": f"{m['referrer_email']}@skole.invalid",
        "received_on": timezone.localdate().isoformat(),
        "concern": m["concern"],
        "first_name": m["first_name"],
        "last_name": m["last_name"],
        "date_of_birth": "2009-03-04",
        "national_id": national_id,
        "gender": "male",
        "languages": "norsk",
        "district": m["district"],
        "guardians": m["guardians"],
    }
    post(as_slt, "/cases/referrals/new/", referral_fields)
    referral = Referral.objects.get()
    assert as_slt.get(f"/cases/referrals/{referral.pk}/").status_code == 200
    participant = referral_participant_resolve(actor=slt, referral=referral)
    referral_decide(actor=slt, referral=referral, decision="accepted", reason=m["decision_reason"], track="prevention")
    other = referral_submit(
        actor=slt,
        submission_key=uuid.uuid4(),
        **{
            k: v
            for k, v in referral_fields.items()
            if k not in ("submission_key", "languages", "national_id", "received_on", "date_of_birth")
        },
        received_on=timezone.localdate(),
        date_of_birth=datetime.date(2009, 3, 4),
        languages=["norsk"],
    )
    referral_decide(
        actor=slt, referral=other, decision="forwarded", reason=m["forward_reason"], forwarded_to=m["forwarded_to"]
    )
    participant.phone, participant.email = m["phone"][:30], f"{m['email']}@example.invalid"
    participant.save()
    case = Case.objects.get(participant=participant)

    # The case's content. The deciding SLT coordinator held it first; the coordinator takes over.
    case_assignment_end(actor=slt, assignment=case.assignments.get(user=slt))
    case_assignment_start(
        actor=slt, case=case, user=coordinator, kind=CaseAssignment.Kind.COORDINATOR, reason=m["assign_reason"]
    )
    case_assignment_start(actor=slt, case=case, user=mentor, kind=CaseAssignment.Kind.MENTOR)
    assessment_record(
        actor=coordinator,
        case=case,
        risk_factors=m["risk_factors"],
        protective_factors=m["protective_factors"],
        push_factors=m["push_factors"],
        pull_factors=m["pull_factors"],
        summary=m["summary"],
    )
    network_member_add(
        actor=coordinator,
        case=case,
        kind="person",
        name=m["network_name"],
        relation=m["relation"],
        stance="supportive",
        contact=m["contact"],
    )
    consent_record(
        actor=coordinator,
        case=case,
        services=["nav"],
        given_by="guardian",
        guardian_name=m["guardian_name"],
        valid_from=timezone.localdate(),
    )
    CaseWishes.objects.create(
        case=case,
        preferred_language=m["preferred_language"][:60],
        background=m["background"],
        district=m["wish_district"],
        practical_constraints=m["practical_constraints"],
        updated_by=coordinator,
    )
    # The mentor's assignment made the case active; a pause and back carries the marked reason.
    case_status_change(actor=coordinator, case=case, to_status="paused", reason=m["status_reason"])
    case_status_change(actor=coordinator, case=case, to_status="active")

    # A session from the mentor's form: first refused (the text comes back), then saved.
    session_form = {
        "submission_key": str(uuid.uuid4()),
        "held_on": timezone.localdate().isoformat(),
        "duration_minutes": "45",
        "mode": "meeting",
        "progress": "some",
        "notes": m["notes"],
        "next_step": m["next_step"],
        "concern_level": "serious",
        "concern_description": m["concern_description"],
    }
    refused = post(
        as_mentor,
        f"/sessions/cases/{case.pk}/new/",
        {**session_form, "held_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()},
        expect=400,
    )
    assert m["notes"] in refused.content.decode()  # what was typed is kept, for the one who typed it
    post(as_mentor, f"/sessions/cases/{case.pk}/new/", session_form)
    session = MentorSession.objects.get(case=case)
    session_addendum_add(actor=mentor, session=session, text=m["addendum"])
    concern_signal_acknowledge(actor=coordinator, signal=ConcernSignal.objects.get(), note=m["acknowledgement"])
    mentor_session_void(actor=mentor, session=session, reason=m["void_reason"])

    # A disclosure from its form, then a correction.
    disclosure_form = {
        "submission_key": str(uuid.uuid4()),
        "legal_basis": "other",
        "legal_basis_other": m["legal_basis_other"],
        "recipient_kind": "police",
        "recipient": m["recipient"],
        "shared": m["shared"],
        "justification": m["justification"],
        "disclosed_on": timezone.localdate().isoformat(),
        "decided_by": m["decided_by"],
        "participant_informed": "no",
        "not_informed_reason": m["not_informed_reason"],
    }
    post(as_mentor, f"/disclosures/cases/{case.pk}/new/", disclosure_form)
    disclosure_record(
        actor=coordinator,
        case=case,
        submission_key=uuid.uuid4(),
        corrects=Disclosure.objects.get(),
        correction_reason=m["correction_reason"],
        **{k: v for k, v in disclosure_form.items() if k not in ("submission_key", "disclosed_on")},
        disclosed_on=timezone.localdate(),
    )

    # An individual plan through its pages: consent, plan, goal, measure, evaluation, handover, closing.
    as_coordinator = Client()
    verified_login(as_coordinator, coordinator)
    today = timezone.localdate()
    later = (today + datetime.timedelta(days=60)).isoformat()
    post(
        as_coordinator,
        f"/plans/cases/{case.pk}/new/",
        {
            "step": "consent",
            "consent-services": ["mentor", "nav"],
            "consent-given_by": "guardian",
            "consent-guardian_name": m["plan_guardian_name"],
            "consent-valid_from": today.isoformat(),
        },
    )
    post(
        as_coordinator,
        f"/plans/cases/{case.pk}/new/",
        {
            "step": "plan",
            "plan-coordinator": str(coordinator.pk),
            "plan-first_evaluation_on": later,
            "plan-participant_words": m["participant_words"],
            "plan-services": ["nav"],
        },
    )
    plan = IndividualPlan.objects.get(case=case)
    post(
        as_coordinator,
        f"/plans/{plan.pk}/goals/new/",
        {
            "version": "1",
            "life_area": "work",
            "wording": m["goal_wording"],
            "status": "in_progress",
            "target_date": later,
        },
    )
    goal = PlanGoal.objects.get(plan=plan)
    measure = {
        "version": "1",
        "description": m["measure_description"],
        "service": "nav",
        "responsible_person": m["responsible_person"],
        "starts_on": today.isoformat(),
        "status": "planned",
    }
    refused = post(as_coordinator, f"/plans/goals/{goal.pk}/measures/new/", {**measure, "ends_on": "2000-01-01"}, 400)
    assert m["measure_description"] in refused.content.decode()
    post(as_coordinator, f"/plans/goals/{goal.pk}/measures/new/", measure)
    post(
        as_coordinator,
        f"/plans/{plan.pk}/evaluations/new/",
        {"summary": m["evaluation_summary"], "changes": m["evaluation_changes"], "next_due_on": later},
    )
    assert as_coordinator.get(f"/plans/{plan.pk}/plan.pdf").status_code == 200
    post(as_coordinator, f"/plans/{plan.pk}/handover/", {"to": str(slt.pk), "note": m["handover_note"]})
    post(as_slt, f"/plans/{plan.pk}/close/", {"version": "1", "note": m["closing_note"]})

    # Emergency access by another SLT coordinator, reviewed.
    other_slt = make_user(SLT_COORDINATOR)
    as_other = Client()
    verified_login(as_other, other_slt)
    post(
        as_other,
        f"/cases/{case.pk}/emergency/",
        {"legal_basis": "danger", "reason": m["emergency_reason"], "otp_token": current_code(other_slt)},
    )
    assert as_other.get(f"/cases/{case.pk}/").status_code == 200
    emergency_access_review(
        actor=officer, grant=case.emergency_accesses.get(), review="justified", note=m["review_note"]
    )

    # The privacy officer keeps the case from erasure through the retention page, then lifts the hold.
    as_officer = Client()
    verified_login(as_officer, officer)
    post(as_officer, "/audit/retention/holds/", {"case": str(case.pk), "reason": m["hold_reason"]})
    hold = LegalHold.objects.get(case=case)
    post(as_officer, f"/audit/retention/holds/{hold.pk}/lift/", {"reason": m["lift_reason"]})

    # Every free-text field got its marker.
    markers = set(m.values()) | {national_id}
    for model, name in free_text_fields():
        values = model.objects.values_list(name, flat=True)
        assert any(any(marker in (value or "") for marker in markers) for value in values), (
            f"{model._meta.label}.{name} was not planted"
        )

    # Error pages: a 404 with a marker in the address, a 500 whose exception quotes one.
    assert m["first_name"] not in as_slt.get(f"/cases/referrals/{m['first_name']}/").content.decode()

    def fails(request):
        with transaction.atomic():  # a duplicate national id: PostgreSQL's DETAIL quotes it
            Participant.objects.create(
                first_name="x", last_name="y", date_of_birth=datetime.date(2009, 1, 1), national_id=national_id
            )

    from mentorprogram.urls import urlpatterns

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("fails/", public(fails)), *urlpatterns]})
    crash = Client(raise_request_exception=False).get("/fails/")
    assert crash.status_code == 500
    pages = crash.content.decode()

    written = logs.getvalue()
    assert "IntegrityError" in written  # the crash was logged, without its message
    trail = []
    with connection.cursor() as cursor:
        for table in (
            "audit_modelchange",
            "audit_auditevent",
            "audit_accessevent",
            "audit_chainlink",
            "notifications_notification",
            "notifications_outboxitem",
        ):
            cursor.execute(f"SELECT to_jsonb(t)::text FROM {table} t")  # noqa: S608
            trail += [row[0] for row in cursor.fetchall()]
    trail_text = "\n".join(trail)
    assert len(trail) > 50
    for marker in sorted(markers):
        assert marker not in written, f"{marker} reached the logs"
        assert marker not in trail_text, f"{marker} reached the trail or a notification"
        assert marker not in pages, f"{marker} reached an error page"
