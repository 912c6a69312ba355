"""Sign-in through an OpenID provider, without a browser: bad answers, a provider down, linking, configuration.

The provider is the real one of the browser tests (``tests/support/oidc_provider.mjs``); the test client plays the
browser where no page of the provider has to be filled in.
"""

import socket
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django_otp import DEVICE_ID_SESSION_KEY

from audit.models import AuditEvent
from mentorprogram.accounts import oidc
from mentorprogram.accounts.services import provider_identity_link, provider_identity_unlink
from mentorprogram.env import env_oidc_providers
from mentorprogram.models import ProviderIdentity
from mentorprogram.roles import ADMIN, COORDINATOR, PRIVACY_OFFICER
from notifications.models import Notification, OutboxItem

pytestmark = pytest.mark.django_db


def refusal(reason):
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_REFUSED).order_by("-pk").first()
    return event is not None and event.data == {"provider": "test", "reason": reason}


def started(client) -> dict:
    """Start a sign-in: the provider's authorization request, as the browser would be sent to it."""
    response = client.get("/login/oidc/test/?next=/cases/")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.url).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"] and query["nonce"]
    return {name: values[0] for name, values in query.items()}


def assert_not_signed_in(client):
    assert "_auth_user_id" not in client.session
    assert client.get("/cases/").status_code == 302


def test_the_login_page_offers_the_configured_provider(client, oidc_provider):
    response = client.get("/login/?next=/cases/")
    assert "Logg inn med Testkommunens innlogging" in response.text
    assert 'href="/login/oidc/test/?next=/cases/"' in response.text.replace("%2F", "/")


def test_an_unknown_provider_is_a_404(client, oidc_provider):
    assert client.get("/login/oidc/nobody/").status_code == 404
    assert client.get("/login/oidc/nobody/callback/?code=a&state=b").status_code == 404


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("", "state"),  # nothing at all
        ("code=abc", "state"),  # no state
        ("code=abc&state=made-up", "state"),  # a state this browser never got
    ],
)
def test_a_callback_without_a_sign_in_of_this_browser_is_refused(client, oidc_provider, query, reason):
    response = client.get(f"/login/oidc/test/callback/?{query}")
    assert response.status_code == 403
    assert "Innloggingen ble ikke fullført" in response.text
    assert refusal(reason)
    assert_not_signed_in(client)


def test_a_callback_with_missing_or_extra_parameters_is_refused_and_used_up(client, oidc_provider):
    request = started(client)
    # The state is right, but no code, and parameters nobody asked for.
    response = client.get(f"/login/oidc/test/callback/?state={request['state']}&session_state=x&foo=bar")
    assert response.status_code == 403 and refusal("provider_error")
    # The provider's own error (the person cancelled), for a fresh sign-in.
    request = started(client)
    response = client.get(f"/login/oidc/test/callback/?state={request['state']}&error=access_denied")
    assert response.status_code == 403 and "avbrutt" in response.text and refusal("provider_error")
    # Each state works once.
    response = client.get(f"/login/oidc/test/callback/?state={request['state']}&code=abc")
    assert response.status_code == 403 and refusal("state")
    assert_not_signed_in(client)


def test_an_answer_naming_another_issuer_is_refused(client, oidc_provider):
    request = started(client)
    url = f"/login/oidc/test/callback/?state={request['state']}&code=abc&iss=https://evil.example"
    assert client.get(url).status_code == 403 and refusal("issuer")


def test_metadata_naming_another_issuer_is_refused(client, oidc_provider, settings):
    settings.OIDC_PROVIDERS = {"test": oidc_provider.config(issuer="https://login.example.no")}
    response = client.get("/login/oidc/test/")
    assert response.status_code == 403 and refusal("issuer")


@pytest.fixture
def black_hole():
    """A port that accepts connections and never answers (a provider that hangs)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


@pytest.mark.parametrize("shape", ["down", "slow"])
def test_a_provider_down_or_slow_gets_a_norwegian_page_not_a_500(client, settings, oidc_provider, black_hole, shape):
    if shape == "down":
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    else:
        port = black_hole
    issuer = f"http://127.0.0.1:{port}"
    settings.OIDC_PROVIDERS = {"test": oidc_provider.config(issuer=issuer, metadata_url=f"{issuer}/.well-known/x")}
    settings.OIDC_TIMEOUT_SECONDS = 1
    response = client.get("/login/oidc/test/")
    assert response.status_code == 503
    assert "svarte ikke, eller ikke i tide" in response.text
    assert refusal("unreachable")
    assert_not_signed_in(client)


def test_the_local_code_after_a_sign_in_without_mfa_is_throttled_and_recorded(client, make_user, oidc_provider):
    user = make_user(COORDINATOR)
    client.force_login(user)
    session = client.session
    session[oidc.SESSION_PROVIDER] = "test"
    session.save()
    response = client.post("/account/two-factor/verify/", {"token": "000000", "next": "/cases/"})
    assert response.status_code == 400 and "Koden stemte ikke" in response.text
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, subject_user=user).exists()
    assert client.get("/cases/").status_code == 302  # still not verified


def test_the_code_alone_is_only_for_a_provider_sign_in(client, make_user):
    # After a local password, the code goes with the password in one form (never telling which was wrong).
    client.force_login(make_user(COORDINATOR))
    response = client.get("/account/two-factor/verify/")
    assert response.status_code == 302 and response.url.startswith("/account/two-factor/setup/")


def test_linking_an_identity_is_recorded_and_told_to_the_user_and_the_privacy_officer(make_user, oidc_provider):
    admin, officer, user = make_user(ADMIN), make_user(PRIVACY_OFFICER), make_user(COORDINATOR)
    identity = provider_identity_link(actor=admin, user=user, provider="test", subject=" kari-sub ")
    assert (identity.issuer, identity.subject, identity.linked_by) == (oidc_provider.issuer, "kari-sub", admin)
    event = AuditEvent.objects.get(action=AuditEvent.Action.IDENTITY_LINKED)
    assert (event.actor, event.subject_user, event.data) == (admin, user, {"provider": "test"})
    notices = {(item.payload["recipient"], item.payload["kind"]) for item in OutboxItem.objects.all()}
    assert (user.pk, Notification.Kind.IDENTITY_LINKED) in notices
    assert (officer.pk, Notification.Kind.IDENTITY_LINKED_BY_ADMIN) in notices
    with pytest.raises(ValidationError):
        provider_identity_link(actor=admin, user=make_user(COORDINATOR), provider="test", subject="kari-sub")
    with pytest.raises(ValidationError):
        provider_identity_link(actor=admin, user=user, provider="nobody", subject="ola-sub")


def test_unlinking_ends_what_the_identity_verified(client, make_user, oidc_provider):
    admin, user = make_user(ADMIN), make_user(COORDINATOR)
    identity = provider_identity_link(actor=admin, user=user, provider="test", subject="kari-sub")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = identity.persistent_id  # as after a sign-in that showed MFA
    session.save()
    assert client.get("/cases/").status_code == 200
    provider_identity_unlink(actor=admin, identity=identity)
    assert client.get("/cases/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IDENTITY_UNLINKED, subject_user=user).exists()
    assert not ProviderIdentity.objects.exists()


def test_the_admin_shows_links_on_the_user_page(client, make_user, verified_login, oidc_provider):
    admin, user = make_user(ADMIN), make_user(COORDINATOR)
    provider_identity_link(actor=admin, user=user, provider="test", subject="kari-sub")
    verified_login(client, admin)
    response = client.get(f"/admin/mentorprogram/user/{user.pk}/change/")
    assert response.status_code == 200 and "kari-sub" in response.text


def test_providers_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("OIDC_PROVIDERS", "entra,ansattporten")
    for name, issuer in (
        ("ENTRA", "https://login.microsoftonline.com/t/v2.0"),
        ("ANSATTPORTEN", "https://ansattporten.no/"),
    ):
        monkeypatch.setenv(f"OIDC_{name}_ISSUER", issuer)
        monkeypatch.setenv(f"OIDC_{name}_CLIENT_ID", name.lower())
        monkeypatch.setenv(f"OIDC_{name}_CLIENT_SECRET", "secret")
    monkeypatch.setenv("OIDC_ANSATTPORTEN_ACR_VALUES", "idporten-loa-substantial")
    providers = env_oidc_providers()
    assert list(providers) == ["entra", "ansattporten"]
    assert providers["ansattporten"]["issuer"] == "https://ansattporten.no"
    assert providers["ansattporten"]["metadata_url"] == "https://ansattporten.no/.well-known/openid-configuration"
    assert providers["entra"]["mfa_amr"] == ["mfa"] and providers["ansattporten"]["acr_values"]
    monkeypatch.delenv("OIDC_ENTRA_CLIENT_SECRET")
    with pytest.raises(ImproperlyConfigured, match="OIDC_ENTRA_CLIENT_SECRET"):
        env_oidc_providers()
    monkeypatch.setenv("OIDC_PROVIDERS", "Entra ID")
    with pytest.raises(ImproperlyConfigured):
        env_oidc_providers()


def test_an_administrator_links_an_identity_in_the_admin_and_a_taken_one_is_refused(
    client, make_user, verified_login, oidc_provider
):
    admin, user, other = make_user(ADMIN), make_user(COORDINATOR), make_user(COORDINATOR)
    verified_login(client, admin)

    def post(account, subject):
        prefix = "provideridentity_set"
        return client.post(
            f"/admin/mentorprogram/user/{account.pk}/change/",
            {
                "username": account.username,
                "first_name": account.first_name,
                "last_name": account.last_name,
                "email": account.email,
                "is_active": "on",
                "groups": list(account.groups.values_list("pk", flat=True)),
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
                f"{prefix}-0-provider": "test",
                f"{prefix}-0-subject": subject,
                f"{prefix}-0-user": account.pk,
            },
        )

    assert post(user, "kari-sub").status_code == 302
    identity = ProviderIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject, identity.linked_by) == (oidc_provider.issuer, "kari-sub", admin)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IDENTITY_LINKED, subject_user=user).exists()
    response = post(other, "kari-sub")
    assert response.status_code == 200 and "allerede koblet til en konto" in response.text
    assert not ProviderIdentity.objects.filter(user=other).exists()
