"""An administrator manages accounts, not people's data: no password set, no role that reaches people alone."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from mentorprogram.accounts.services import PASSWORD_LINK_EMAIL, role_grant_decide, second_factor_reset
from mentorprogram.models import RoleGrantRequest, User
from mentorprogram.roles import ADMIN, PRIVACY_OFFICER, SLT_COORDINATOR, STEERING_GROUP, role_slugs_for
from notifications.models import Notification, OutboxItem
from notifications.services import outbox_item_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(make_user):
    return make_user(ADMIN, first_name="Ada", last_name="Admin")


@pytest.fixture
def officer(make_user):
    return make_user(PRIVACY_OFFICER, first_name="Per", last_name="Personvern")


@pytest.fixture
def as_admin(client, admin_user, verified_login):
    verified_login(client, admin_user)
    return client


def _change_form(user, groups):
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [Group.objects.get(name=slug).pk for slug in groups],
    }


def test_a_new_account_gets_a_link_and_no_password_from_the_admin(as_admin, admin_user, settings):
    response = as_admin.post(
        reverse("admin:mentorprogram_user_add"),
        {
            "username": "ny.bruker",
            "first_name": "Ny",
            "last_name": "Bruker",
            "email": "ny@kommune.invalid",
            "password1": "Admin-valgt-passord-1",
            "password2": "Admin-valgt-passord-1",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="ny.bruker")
    assert not user.has_usable_password()  # whatever the admin typed, nothing was set
    item = OutboxItem.objects.get(kind=PASSWORD_LINK_EMAIL)
    assert item.payload == {"user": user.pk, "reason": "welcome"}  # no token waits in the outbox
    assert outbox_item_run(item_id=item.pk) == OutboxItem.Status.DONE
    link = re.search(r"http://testserver(/account/password/reset/\S+/)", mail.outbox[0].body).group(1)
    assert "ny.bruker" in mail.outbox[0].body and link
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_LINK_SENT, subject_user=user).exists()


def test_the_admin_cannot_set_another_persons_password(as_admin, make_user):
    other = make_user(SLT_COORDINATOR)
    url = reverse("admin:auth_user_password_change", args=[other.pk])
    assert as_admin.get(url).status_code == 403
    response = as_admin.post(url, {"password1": "Admin-valgt-passord-1", "password2": "Admin-valgt-passord-1"})
    assert response.status_code == 403
    other.refresh_from_db()
    assert not other.check_password("Admin-valgt-passord-1")


def test_ticking_a_role_that_reaches_people_asks_for_it(as_admin, admin_user, officer, make_user):
    target = make_user(STEERING_GROUP, otp=False)
    response = as_admin.post(
        reverse("admin:mentorprogram_user_change", args=[target.pk]), _change_form(target, [SLT_COORDINATOR])
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert role_slugs_for(target) == []  # the steering-group role was taken away; SLT is only asked for
    grant = RoleGrantRequest.objects.get(user=target)
    assert (grant.role, grant.requested_by, grant.decided_at) == (SLT_COORDINATOR, admin_user, None)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_GRANT_REQUESTED, subject_user=target).exists()
    notice = OutboxItem.objects.filter(payload__kind="role_grant_requested", payload__recipient=officer.pk)
    assert notice.exists()


def test_the_one_who_asked_and_the_user_concerned_never_decide(admin_user, make_user, officer):
    target = make_user(ADMIN)  # an administrator who would like to read cases
    grant = RoleGrantRequest.objects.create(user=target, role=SLT_COORDINATOR, requested_by=admin_user)
    for actor in (admin_user, target):
        with pytest.raises(ValidationError, match="annen person"):
            role_grant_decide(actor=actor, grant=grant, approve=True)
    assert SLT_COORDINATOR not in role_slugs_for(target)


def test_another_person_approves_and_the_privacy_officer_is_told(
    client, admin_user, make_user, officer, verified_login
):
    target = make_user(otp=False)
    grant = RoleGrantRequest.objects.create(user=target, role=SLT_COORDINATOR, requested_by=admin_user)
    verified_login(client, officer)
    page = client.get(reverse("accounts:role_requests"))
    assert page.status_code == 200 and target.username in page.content.decode()
    response = client.post(reverse("accounts:role_request_decide", args=[grant.pk]), {"decision": "approve"})
    assert response.status_code == 302
    assert SLT_COORDINATOR in role_slugs_for(target)
    approved = AuditEvent.objects.get(action=AuditEvent.Action.ROLE_GRANT_APPROVED)
    assert approved.actor == officer and approved.subject_user == target
    told = OutboxItem.objects.filter(payload__kind="role_granted", payload__recipient=officer.pk)
    assert told.exists()


def test_a_refusal_needs_a_reason_and_keeps_what_was_typed(client, admin_user, make_user, officer, verified_login):
    target = make_user(otp=False)
    grant = RoleGrantRequest.objects.create(user=target, role=SLT_COORDINATOR, requested_by=admin_user)
    verified_login(client, officer)
    response = client.post(reverse("accounts:role_request_decide", args=[grant.pk]), {"decision": "refuse"})
    assert response.status_code == 400 and "Skriv hvorfor" in response.content.decode()
    assert RoleGrantRequest.objects.get(pk=grant.pk).decided_at is None


def test_the_database_refuses_a_decision_by_the_one_who_asked(admin_user, make_user):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    grant = RoleGrantRequest.objects.create(user=make_user(), role=SLT_COORDINATOR, requested_by=admin_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrantRequest.objects.filter(pk=grant.pk).update(  # audit: the test of the constraint
            decided_by=admin_user, decided_at=timezone.now(), decision="approved"
        )


def test_a_second_factor_reset_tells_the_user_and_the_privacy_officer(admin_user, officer, make_user):
    user = make_user(SLT_COORDINATOR)
    second_factor_reset(actor=admin_user, user=user)
    kinds = {(item.payload["recipient"], item.payload["kind"]) for item in OutboxItem.objects.all()}
    assert (user.pk, Notification.Kind.SECOND_FACTOR_RESET) in kinds
    assert (officer.pk, Notification.Kind.SECOND_FACTOR_RESET_BY_ADMIN) in kinds
    assert AuditEvent.objects.filter(action=AuditEvent.Action.OTP_RESET, subject_user=user).exists()


def test_the_administrators_role_is_not_given_alone_either(as_admin, admin_user, officer, make_user):
    """Else one administrator could make a second one to approve their own requests."""
    target = make_user(otp=False)
    response = as_admin.post(
        reverse("admin:mentorprogram_user_change", args=[target.pk]), _change_form(target, [ADMIN])
    )
    assert response.status_code == 302
    assert ADMIN not in role_slugs_for(target)
    assert RoleGrantRequest.objects.filter(user=target, role=ADMIN, decided_at__isnull=True).exists()


def test_changing_the_address_of_someone_who_reaches_people_tells_the_privacy_officer(
    as_admin, admin_user, officer, make_user
):
    slt = make_user(SLT_COORDINATOR)
    form = _change_form(slt, [SLT_COORDINATOR])
    response = as_admin.post(
        reverse("admin:mentorprogram_user_change", args=[slt.pk]), {**form, "email": "ny-adresse@angriper.invalid"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EMAIL_CHANGED, subject_user=slt).exists()
    told = OutboxItem.objects.filter(payload__kind="email_changed_by_admin", payload__recipient=officer.pk)
    assert told.exists()
    assert SLT_COORDINATOR in role_slugs_for(slt)  # a role already held stays
