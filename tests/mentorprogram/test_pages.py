"""The base UI: login, landing page, errors, language, headers and health."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from mentorprogram import health
from mentorprogram.access import requires_role
from mentorprogram.health import record_worker_heartbeat
from tests.mentorprogram.factories import current_code

pytestmark = pytest.mark.django_db


def test_it_shows_the_login_page_in_norwegian(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nb"' in html
    assert "Logg inn" in html
    assert 'href="#main"' in html  # skip link


def test_it_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


def test_it_logs_in_and_shows_the_landing_page(client, user, password):
    response = client.post(
        reverse("login"),
        {"username": user.username, "password": password, "otp_token": current_code(user)},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert f"Velkommen, {user.get_full_name()}" in response.content.decode()


def test_it_refuses_a_wrong_password_without_saying_which_part_was_wrong(client, user, verified_login):
    response = client.post(
        reverse("login"), {"username": user.username, "password": "feil-passord", "otp_token": current_code(user)}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Brukernavnet, passordet eller engangskoden er feil" in html
    assert user.username in html  # what the user typed is kept
    assert "feil-passord" not in html  # a password is never echoed


def test_it_says_the_same_for_an_unknown_user(client):
    response = client.post(reverse("login"), {"username": "finnes-ikke", "password": "feil-passord"})
    assert "Brukernavnet, passordet eller engangskoden er feil" in response.content.decode()


def test_it_answers_an_unknown_url_with_a_norwegian_page(client, user, verified_login):
    verified_login(client, user)
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Siden finnes ikke" in html
    assert "Traceback" not in html and "urlpatterns" not in html


def test_it_answers_a_csrf_failure_with_a_norwegian_page(user, password):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Skjemaet er utløpt" in html
    assert "CSRF" not in html


def test_it_answers_a_server_error_with_a_norwegian_page_and_no_internals(client, user, settings, verified_login):
    from django.urls import path

    @requires_role()
    def broken(request):
        raise RuntimeError("secret internal detail")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("broken/", broken)]})
    verified_login(client, user)
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Noe gikk galt" in html
    assert "secret internal detail" not in html and "Traceback" not in html


def test_it_switches_the_language_to_english_and_back(client, user, verified_login):
    verified_login(client, user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en"' in response.content.decode()
    assert "Welcome" in response.content.decode()
    response = client.post(reverse("set_language"), {"language": "nb", "next": "/"}, follow=True)
    assert "Velkommen" in response.content.decode()


def test_it_sends_the_security_headers(client):
    response = client.get(reverse("login"))
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_it_serves_the_design_system_from_its_own_static_files(client):
    html = client.get(reverse("login")).content.decode()
    assert "/static/vendor/designsystemet/" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_health_reports_each_part_without_login(client):
    record_worker_heartbeat(hostname="test", at=time.time())
    health.record_heartbeat(health.BEAT_HEARTBEAT_KEY, at=time.time())
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["checks"] == {"database": "ok", "redis": "ok", "worker": "ok", "beat": "ok", "outbox": "ok"}
    assert body["outbox"] == {"waiting": 0, "failed": 0, "oldest_waiting_seconds": 0}
    assert body["beat_last_seen"].endswith("+01:00") or body["beat_last_seen"].endswith("+02:00")  # Oslo time


def test_health_answers_503_when_no_worker_has_beaten(client, monkeypatch):
    monkeypatch.setattr(health, "WORKER_HEARTBEAT_KEY", f"test:no-heartbeat:{time.time()}")
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "error"


def test_health_answers_503_when_redis_is_away(client, settings):
    settings.REDIS_URL = "unix:///nonexistent/redis.sock"
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "error"


def test_it_speaks_norwegian_to_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="nb"' in response.content.decode()


def test_the_landing_page_costs_a_fixed_number_of_queries(client, user, verified_login, django_assert_num_queries):
    verified_login(client, user)
    client.get(reverse("home"))
    # session, user with their roles and permissions, device, unread count, whether they coordinate any case (the
    # consents panel) and which (the sessions panel), the coordinator's plans that are due; the session is not
    # written (it was a moment ago).
    with django_assert_num_queries(7):
        assert client.get(reverse("home")).status_code == 200


def test_page_of_gives_a_pages_rows_and_whether_another_follows(make_user):
    from mentorprogram.models import User
    from mentorprogram.paging import page_of

    for _ in range(5):
        make_user()
    users = User.objects.order_by("pk")
    first, more = page_of(users, page=1, per_page=2)
    last, after_last = page_of(users, page=3, per_page=2)
    assert [u.pk for u in first] == list(users.values_list("pk", flat=True)[:2]) and more
    assert len(last) == 1 and not after_last
    assert page_of(users, page=0, per_page=2)[0] == first  # a page below 1 is the first
