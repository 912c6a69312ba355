"""Sign-in through a real OpenID provider (npm's oidc-provider, run by Node) in Chromium: who gets in, who does
not, when the local second factor is asked, and each forged or broken answer refused with an audit event."""

import pytest

from audit.models import AuditEvent
from mentorprogram.models import ProviderIdentity
from mentorprogram.roles import COORDINATOR
from tests.mentorprogram.factories import current_code
from tests.mentorprogram.test_browser import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUTTON = "Logg inn med Testkommunens innlogging"


def linked(make_user, provider, subject, *roles, otp=True):
    """A user whose identity ``subject`` at the test provider an administrator linked to the account."""
    user = make_user(*(roles or (COORDINATOR,)), otp=otp)
    ProviderIdentity.objects.create(
        user=user, name="Testkommunens innlogging", provider="test", issuer=provider.issuer, subject=subject
    )
    return user


def sign_in(page, live_server, login):
    """From our login page through the provider's own login form; returns the callback URLs the browser visited."""
    callbacks = []
    page.on("request", lambda request: callbacks.append(request.url) if "/callback/" in request.url else None)
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name=BUTTON).click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("what-the-provider-checks")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_load_state()
    return callbacks


def signed_in(page, live_server) -> bool:
    page.goto(f"{live_server.url}/account/")
    return page.url == f"{live_server.url}/account/"


def last_event(action):
    return AuditEvent.objects.filter(action=action).order_by("-pk").first()


def test_a_linked_user_with_mfa_signs_in_and_logging_out_ends_the_provider_session_too(
    live_server, browser, make_user, oidc_provider
):
    user = linked(make_user, oidc_provider, "kari-sub")
    oidc_provider.next(amr=["pwd", "mfa"])
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/login/")
    assert serious_violations(page) == []
    sign_in(page, live_server, "kari-sub")
    page.wait_for_url(f"{live_server.url}/")  # no local code asked: the provider showed MFA
    login = last_event(AuditEvent.Action.LOGIN)
    assert login.actor == user and login.data == {"provider": "test", "second_factor": "provider"}
    assert signed_in(page, live_server)

    page.get_by_role("button", name="Logg ut").click()
    page.get_by_role("button", name="Yes, sign me out").click()  # the provider's own page
    page.wait_for_url(f"{live_server.url}/login/**")
    assert not signed_in(page, live_server)
    # The provider's session ended too: the next sign-in asks for the login again.
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name=BUTTON).click()
    assert page.locator("input[name=login]").is_visible()


def test_an_identity_linked_to_no_account_is_refused_with_whom_to_ask(live_server, browser, make_user, oidc_provider):
    linked(make_user, oidc_provider, "kari-sub")
    oidc_provider.next(amr=["pwd", "mfa"])
    page = browser.new_context().new_page()
    sign_in(page, live_server, "ola-sub")
    assert page.get_by_role("heading", level=1).inner_text() == "Ingen konto for denne innloggingen"
    text = page.locator("main").inner_text()
    assert "ola-sub" in text and "administratoren" in text
    assert serious_violations(page) == []
    event = last_event(AuditEvent.Action.SIGN_IN_UNKNOWN_IDENTITY)
    assert event.data == {"provider": "test", "issuer": oidc_provider.issuer, "subject": "ola-sub"}
    assert not signed_in(page, live_server)


def test_without_mfa_the_local_second_factor_is_asked_before_anything_else(
    live_server, browser, make_user, oidc_provider
):
    user = linked(make_user, oidc_provider, "kari-sub")
    oidc_provider.next(amr=["pwd"], acr="idporten-loa-low")
    page = browser.new_context().new_page()
    sign_in(page, live_server, "kari-sub")
    page.wait_for_url("**/account/two-factor/verify/**")
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/cases/")  # nothing else is reachable yet
    page.wait_for_url("**/account/two-factor/verify/**")
    page.get_by_label("Kode fra appen").fill(current_code(user))
    page.get_by_role("button", name="Bekreft").click()
    page.wait_for_url(f"{live_server.url}/cases/")
    assert last_event(AuditEvent.Action.LOGIN).data == {"provider": "test", "second_factor": "local"}


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("audience", "audience"), ("expired", "expired"), ("signature", "signature"), ("replay", "nonce")],
)
def test_a_forged_or_stale_id_token_is_refused_with_an_audit_event(
    live_server, browser, make_user, oidc_provider, fault, reason
):
    linked(make_user, oidc_provider, "kari-sub")
    if fault == "replay":
        oidc_provider.next(amr=["pwd", "mfa"])
        first = browser.new_context().new_page()
        sign_in(first, live_server, "kari-sub")  # a genuine sign-in: its token is the one the replay sends again
        first.wait_for_url(f"{live_server.url}/")

    oidc_provider.next(amr=["pwd", "mfa"], fault=fault)
    page = browser.new_context().new_page()
    sign_in(page, live_server, "kari-sub")
    assert page.get_by_role("heading", level=1).inner_text() == "Innloggingen ble ikke fullført"
    assert last_event(AuditEvent.Action.SIGN_IN_REFUSED).data == {"provider": "test", "reason": reason}
    assert not signed_in(page, live_server)


def test_a_replayed_answer_is_refused_and_a_rotated_key_is_fetched(live_server, browser, make_user, oidc_provider):
    linked(make_user, oidc_provider, "kari-sub")
    # The provider signs with a key its metadata did not list when we first read it: fetched, and in.
    oidc_provider.next(amr=["pwd", "mfa"], fault="rotate")
    page = browser.new_context().new_page()
    callbacks = sign_in(page, live_server, "kari-sub")
    page.wait_for_url(f"{live_server.url}/")
    # Its answer (code and state) sent again, from another browser: the state was used, so nothing happens.
    thief = browser.new_context().new_page()
    thief.goto(callbacks[0])
    assert thief.get_by_role("heading", level=1).inner_text() == "Innloggingen ble ikke fullført"
    assert last_event(AuditEvent.Action.SIGN_IN_REFUSED).data == {"provider": "test", "reason": "state"}
    assert not signed_in(thief, live_server)


def test_a_provider_too_slow_to_answer_gets_a_page_and_no_sign_in(
    live_server, browser, make_user, oidc_provider, settings
):
    linked(make_user, oidc_provider, "kari-sub")
    settings.OIDC_TIMEOUT_SECONDS = 1
    oidc_provider.next(amr=["pwd", "mfa"], fault="slow", delay=2)
    page = browser.new_context().new_page()
    sign_in(page, live_server, "kari-sub")
    assert "svarte ikke" in page.locator("main").inner_text()
    assert last_event(AuditEvent.Action.SIGN_IN_REFUSED).data == {"provider": "test", "reason": "unreachable"}
    assert not signed_in(page, live_server)
