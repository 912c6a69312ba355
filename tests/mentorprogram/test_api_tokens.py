"""API tokens: made after a two-factor login, shown once, kept hashed, scoped, expiring, revocable, named in the
trail; and the first resource on them, referrals (send one, read back its status)."""

import datetime
import re
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AccessEvent, AuditEvent
from mentorprogram.accounts.tokens import api_token_create
from mentorprogram.models import ApiToken
from mentorprogram.roles import REFERRER, SLT_COORDINATOR

pytestmark = pytest.mark.django_db


def _bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _token(user, scope="read", days=30):
    user.is_verified = lambda: True
    return api_token_create(actor=user, name="Arkivet", scope=scope, days=days)


def test_a_token_is_made_on_the_account_page_shown_once_and_kept_hashed(client, make_user, verified_login):
    user = make_user(REFERRER)
    verified_login(client, user)
    response = client.post("/account/tokens/", {"name": "Skolens system", "scope": "write", "days": "30"})
    assert response.status_code == 200
    secret = re.search(r'<code id="new-token">([^<]+)</code>', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=user)
    assert secret.startswith(f"mp_{token.prefix}_") and secret.split("_", 2)[2] not in token.digest
    assert secret not in client.get("/account/tokens/").content.decode()  # never shown again
    assert AuditEvent.objects.filter(action="api_token_created", actor=user).exists()
    response = client.post("/account/tokens/", {"name": "", "scope": "nonsense", "days": "9999"})
    assert response.status_code == 400 and ApiToken.objects.count() == 1


def test_a_token_signs_in_to_the_api_and_nothing_else(make_user):
    user = make_user(REFERRER)
    _token_row, secret = _token(user)
    api = Client()
    response = api.get("/api/v1/me/", **_bearer(secret))
    assert response.status_code == 200 and response.json()["username"] == user.username
    assert "sessionid" not in response.cookies  # no session is made from a token
    assert api.get("/cases/referrals/mine/", **_bearer(secret)).status_code == 302  # the pages want a login


def test_a_wrong_expired_or_revoked_token_answers_401_and_the_refusal_is_recorded(make_user):
    user = make_user(REFERRER)
    token, secret = _token(user)
    api = Client()
    assert api.get("/api/v1/me/", **_bearer(secret[:-2] + "xx")).status_code == 401
    assert api.get("/api/v1/me/", **_bearer("mp_nope")).status_code == 401
    for garbage in ("mp_ab\x00cd_secret", "mp_" + "a" * 5000 + "_x", "mp_'; drop table x;--_y", "Bearer"):
        assert api.get("/api/v1/me/", **_bearer(garbage)).status_code == 401
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=now - datetime.timedelta(days=2), expires_at=now - datetime.timedelta(seconds=1)
    )
    response = api.get("/api/v1/me/", **_bearer(secret))
    assert response.status_code == 401 and "detail" in response.json()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + datetime.timedelta(days=1))
    user.is_verified = lambda: True
    from mentorprogram.accounts.tokens import api_token_revoke

    api_token_revoke(actor=user, token=token)
    assert api.get("/api/v1/me/", **_bearer(secret)).status_code == 401
    refusals = AuditEvent.objects.filter(action="api_token_refused", subject_user=user)
    assert sorted(e.data["why"] for e in refusals) == ["expired", "revoked"]


def test_a_read_token_reads_and_a_write_token_writes(make_user):
    user = make_user(REFERRER)
    _t, read = _token(user, "read")
    _t, write = _token(user, "write")
    api = Client()
    assert api.post("/api/v1/referrals/", {}, content_type="application/json", **_bearer(read)).status_code == 403
    assert api.post("/api/v1/referrals/", {}, content_type="application/json", **_bearer(write)).status_code == 400


def test_a_referrer_sends_a_referral_with_a_token_and_reads_its_status(make_user):
    referrer, slt = make_user(REFERRER), make_user(SLT_COORDINATOR)
    _t, secret = _token(referrer, "write")
    api = Client()
    body = {
        "submission_key": str(uuid.uuid4()),
        "source": "school",
        "referrer_name": "Lærer Lund",
        "received_on": timezone.localdate().isoformat(),
        "urgency": "normal",
        "concern": "Deler ekstremt materiale i klassechatten.",
        "criteria": ["extreme_ideology"],
        "first_name": "Ola",
        "last_name": "Nordmann",
        "date_of_birth": "2004-02-03",
        "languages": ["norsk"],
    }
    response = api.post("/api/v1/referrals/", body, content_type="application/json", **_bearer(secret))
    assert response.status_code == 201, response.content
    referral_id = response.json()["id"]
    status = api.get(f"/api/v1/referrals/{referral_id}/", **_bearer(secret)).json()
    assert status["status"] == "received" and "first_name" not in status  # the sender learns the status only
    # Bad input answers 400 with Norwegian field errors; another's id and an id past bigint answer 404.
    bad = api.post(
        "/api/v1/referrals/", {**body, "date_of_birth": "i morgen"}, content_type="application/json", **_bearer(secret)
    )
    assert bad.status_code == 400 and "date_of_birth" in bad.json()["errors"]
    for garbage in (b"{not json", b"[1, 2]", b'"x"'):
        assert (
            api.post("/api/v1/referrals/", garbage, content_type="application/json", **_bearer(secret)).status_code
            == 400
        )
    _t2, slt_secret = _token(slt, "read")
    other = api.post(
        "/api/v1/referrals/",
        {**body, "submission_key": str(uuid.uuid4())},
        content_type="application/json",
        **_bearer(secret),
    ).json()["id"]
    _t3, stranger = _token(make_user(REFERRER), "read")
    assert api.get(f"/api/v1/referrals/{other}/", **_bearer(stranger)).status_code == 404
    assert api.get("/api/v1/referrals/99999999999999999999999/", **_bearer(stranger)).status_code == 404
    # The SLT coordinator reads the queue through a token; the read is recorded and names the token.
    queue = api.get("/api/v1/referrals/", **_bearer(slt_secret)).json()
    assert {r["id"] for r in queue["results"]} >= {referral_id, other}
    read = AccessEvent.objects.filter(actor=slt).latest("pk")
    assert read.api_token.name == "Arkivet" and read.path == "/api/v1/referrals/"
