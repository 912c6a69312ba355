"""Login with two factors, enrolment, backup codes, lockout, sessions and passwords."""

import re
import time

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from mentorprogram.accounts.services import PASSWORD_LINK_EMAIL, backup_codes_create
from mentorprogram.roles import ADMIN, COORDINATOR
from notifications.models import OutboxItem
from notifications.services import outbox_item_run
from tests.mentorprogram.factories import current_code

pytestmark = pytest.mark.django_db

WRONG = "Brukernavnet, passordet eller engangskoden er feil"


def post_login(client, username, password, code="", follow=False, next_url=None):
    data = {"username": username, "password": password, "otp_token": code}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data, follow=follow)


def events(action):
    return AuditEvent.objects.filter(action=action)


def test_it_logs_in_with_password_and_code_and_is_verified(client, user, password):
    response = post_login(client, user.username, password, current_code(user))
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200
    assert events(AuditEvent.Action.LOGIN).filter(subject_user=user).exists()


def test_it_refuses_a_password_alone_for_an_enrolled_user(client, user, password):
    response = post_login(client, user.username, password)
    assert WRONG in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_wrong_code_with_the_same_message_as_a_wrong_password(client, user, password):
    wrong_code = post_login(client, user.username, password, "000000").content.decode()
    wrong_password = post_login(client, user.username, "feil", current_code(user)).content.decode()
    assert WRONG in wrong_code and WRONG in wrong_password
    assert events(AuditEvent.Action.LOGIN_FAILED).filter(subject_user=user).count() == 2


def test_it_refuses_a_reused_code(client, user, password):
    code = current_code(user)
    assert post_login(client, user.username, password, code).status_code == 302
    client.post(reverse("logout"))
    response = post_login(client, user.username, password, code)
    assert WRONG in response.content.decode()


def test_a_backup_code_works_once(client, user, password):
    codes = backup_codes_create(user=user)
    response = post_login(client, user.username, password, codes[0], follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "9 reservekoder igjen" in response.content.decode()
    assert events(AuditEvent.Action.BACKUP_CODE_USED).count() == 1
    client.post(reverse("logout"))
    assert WRONG in post_login(client, user.username, password, codes[0]).content.decode()


def test_a_new_user_is_sent_to_enrolment_and_can_reach_nothing_else(client, make_user, password):
    user = make_user(COORDINATOR, otp=False)
    response = post_login(client, user.username, password)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:two_factor_setup"))
    assert client.get("/cases/").url.startswith(reverse("accounts:two_factor_setup"))
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code
    assert re.search(r'class="app-key"[^>]*>([A-Z2-7]{4} ?)+<', page)  # the key for typing in


def test_enrolment_confirms_the_device_and_shows_backup_codes_once(client, make_user, password):
    user = make_user(COORDINATOR, otp=False)
    post_login(client, user.username, password)
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(reverse("accounts:two_factor_setup"), {"token": "123456"})
    assert "Koden stemte ikke" in wrong.content.decode()
    # django-otp throttles after a wrong code; a moment later the right one works.
    with time_machine.travel(time.time() + 5):
        response = client.post(
            reverse("accounts:two_factor_setup"), {"token": current_code_for(device), "next": "/cases/"}, follow=True
        )
    page = response.content.decode()
    assert "Reservekodene dine" in page
    codes = re.findall(r"<li><code>(\w+)</code></li>", page)
    assert len(codes) == 10
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(codes)
    assert "Reservekodene dine" not in client.get(reverse("accounts:backup_codes")).content.decode()  # shown once
    assert client.get("/cases/").status_code == 200  # now verified
    assert events(AuditEvent.Action.OTP_ENROLLED).filter(subject_user=user).exists()


def current_code_for(device):
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_it_locks_out_after_repeated_failures_and_says_for_how_long(client, user, password):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, user.username, "feil-passord")
    response = post_login(client, user.username, password, current_code(user))
    assert response.status_code == 429
    page = response.content.decode()
    assert "Innloggingen er sperret" in page
    assert f"Prøv igjen om {int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)} minutter" in page
    assert events(AuditEvent.Action.LOCKED_OUT).filter(subject_user=user).exists()


def test_wrong_codes_count_towards_the_lockout(client, user, password):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, user.username, password, "000000")
    assert post_login(client, user.username, password, current_code(user)).status_code == 429


def test_the_session_ends_after_thirty_idle_minutes_and_returns_to_the_wanted_page(client, user, password):
    with time_machine.travel("2026-11-23 10:00", tick=False):
        post_login(client, user.username, password, current_code(user))
        assert client.get("/cases/").status_code == 200
    with time_machine.travel("2026-11-23 10:29", tick=False):
        assert client.get("/cases/").status_code == 200  # activity pushes the expiry on
    with time_machine.travel("2026-11-23 11:00", tick=False):
        response = client.get("/cases/")
        assert response.status_code == 302 and response.url == "/login/?next=/cases/"
        code = current_code(user)
        response = post_login(client, user.username, password, code, next_url="/cases/")
        assert response.url == "/cases/"


def test_activity_pushes_the_session_on_writing_it_at_most_once_a_minute(client, user, password):
    import datetime

    from django.contrib.sessions.models import Session

    def expiry():
        return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).expire_date

    with time_machine.travel("2026-11-23 10:00", tick=False):
        post_login(client, user.username, password, current_code(user))
        first = expiry()
    with time_machine.travel("2026-11-23 10:00:40", tick=False):
        assert client.get("/cases/").status_code == 200
        assert expiry() == first  # within the minute: not written
    with time_machine.travel("2026-11-23 10:05", tick=False):
        assert client.get("/cases/").status_code == 200
        assert expiry() == first + datetime.timedelta(minutes=5)
        assert client.post(reverse("logout")).status_code == 302
        assert not Session.objects.exists()  # a signed-out request starts no session


def test_sign_ins_that_have_run_out_are_deleted_every_hour(client, user, password):
    from django.contrib.sessions.models import Session

    from mentorprogram.tasks import expired_sessions_clear_task

    with time_machine.travel("2026-11-23 10:00", tick=False):
        post_login(client, user.username, password, current_code(user))
        ran_out = client.cookies[settings.SESSION_COOKIE_NAME].value
    with time_machine.travel("2026-11-23 10:40", tick=False):
        client.cookies.clear()
        post_login(client, user.username, password, current_code(user))
        current = client.cookies[settings.SESSION_COOKIE_NAME].value
        expired_sessions_clear_task()
    assert list(Session.objects.values_list("session_key", flat=True)) == [current]
    assert ran_out != current
    schedule = settings.CELERY_BEAT_SCHEDULE["expired-sessions"]
    assert schedule["task"] == expired_sessions_clear_task.name and schedule["schedule"].minute == {20}


def test_logout_ends_the_session(client, user, password):
    post_login(client, user.username, password, current_code(user))
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302
    assert events(AuditEvent.Action.LOGOUT).filter(subject_user=user).exists()


def test_a_password_change_ends_every_session(client, user, password, verified_login):
    from django.test import Client

    other = verified_login(Client(), user)
    verified_login(client, user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "Et-helt-nytt-passord-42",
            "new_password2": "Et-helt-nytt-passord-42",
        },
    )
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get("/").status_code == 302
    assert other.get("/").status_code == 302
    assert events(AuditEvent.Action.PASSWORD_CHANGED).filter(subject_user=user).exists()


def test_a_password_change_keeps_what_was_typed_and_says_what_is_wrong(client, user, verified_login):
    verified_login(client, user)
    response = client.post(
        reverse("accounts:password_change"), {"old_password": "feil", "new_password1": "kort", "new_password2": "kort"}
    )
    assert response.status_code == 200
    assert "Ditt gamle passord var feil" in response.content.decode() or "gamle passord" in response.content.decode()


def test_password_reset_sends_a_link_by_email(client, user):
    response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert mail.outbox == []  # the worker makes the link and sends it: no token waits in the outbox
    item = OutboxItem.objects.get(kind=PASSWORD_LINK_EMAIL)
    assert item.payload == {"user": user.pk, "reason": "reset"}
    assert outbox_item_run(item_id=item.pk) == OutboxItem.Status.DONE
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/account/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Velg nytt passord" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Et-helt-nytt-passord-42", "new_password2": "Et-helt-nytt-passord-42"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Et-helt-nytt-passord-42")
    assert events(AuditEvent.Action.PASSWORD_RESET).filter(subject_user=user).exists()


def test_password_reset_says_the_same_for_an_unknown_address(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "ukjent@example.invalid"})
    assert response.status_code == 302
    assert mail.outbox == [] and not OutboxItem.objects.filter(kind=PASSWORD_LINK_EMAIL).exists()


def test_an_admin_resets_a_second_factor_and_it_is_audited(client, make_user, user, verified_login):
    admin_user = make_user(ADMIN)
    verified_login(client, admin_user)
    response = client.post(
        reverse("admin:mentorprogram_user_changelist"), {"action": "reset_second_factor", "_selected_action": [user.pk]}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    event = events(AuditEvent.Action.OTP_RESET).get()
    assert event.actor == admin_user and event.subject_user == user
    assert event.actor_username == admin_user.username  # copied into the row by the database


def test_a_user_whose_factor_was_reset_must_enrol_again(client, make_user, user, password, verified_login):
    verified_login(client, user)
    from mentorprogram.accounts.services import second_factor_reset

    second_factor_reset(actor=make_user(ADMIN), user=user)
    assert client.get("/cases/").url.startswith(reverse("accounts:two_factor_setup"))
