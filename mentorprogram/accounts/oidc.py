"""Sign-in through the municipality's OpenID Connect provider(s) (Entra ID, Ansattporten), beside the local login.

Authorization code with PKCE (S256); the provider's endpoints and keys come from its metadata document
(discovery), and a key the document did not list makes it fetch the keys again (the provider rotated them). The ID
token is checked before anything else happens: signature, issuer, audience, expiry and the nonce of this browser's
own request; the state is used once. Only then is the identity (issuer, subject) looked up among the links an
administrator made (``ProviderIdentity``): the provider says who someone is, never what they may do, and an e-mail
address links nothing.

Multi-factor authentication counts when the token shows it (``acr`` or ``amr`` among the provider's configured
values); otherwise the local second factor is asked before anything else (``accounts:two_factor_verify``).

Every refusal is an audit event with a reason code (``SIGN_IN_REFUSED``, ``SIGN_IN_UNKNOWN_IDENTITY``), and the
person gets a page in plain words; a provider that does not answer in time is a page too, never a 500, and nobody
is ever half signed in.
"""

import dataclasses
import threading
import time

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import MismatchingStateError
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from joserfc import errors as jose_errors

from audit.models import AuditEvent
from audit.services import audit_event_record
from mentorprogram.models import ProviderIdentity

# A provider's metadata (endpoints, keys) is fetched again after this long, and at once for an unknown key.
METADATA_MAX_AGE_SECONDS = 60 * 60
# Clock difference allowed between the provider and this server when checking a token's times.
LEEWAY_SECONDS = 60
# Where the session keeps how it was signed in: the provider's short name and the ID token (for logout).
SESSION_PROVIDER = "mentorprogram_signed_in_with"
SESSION_ID_TOKEN = "mentorprogram_id_token"  # noqa: S105  (a session key, not a secret)
SESSION_NEXT = "mentorprogram_sign_in_next"

# Reason codes (in the audit event) → what went wrong, in words for the privacy officer and the person.
UNREACHABLE = "unreachable"
REASONS = (
    "state",  # no sign-in started in this browser, or its answer used already (a replay)
    "provider_error",  # the provider answered with an error (the person cancelled, the code was refused)
    "signature",  # the token's signature did not verify, or its key is not the provider's
    "expired",  # the token is expired (or not yet valid)
    "audience",  # the token was issued to another client
    "issuer",  # the token, or the metadata, names another issuer
    "nonce",  # the token answers another sign-in (a replayed token)
    "token",  # no ID token, or one that is malformed or lacks a required claim
    UNREACHABLE,  # the provider did not answer, or not in time, or not with a metadata document
    "inactive",  # the linked account is deactivated
)


class SignInRefused(Exception):
    """The sign-in stops here; ``reason`` is one of ``REASONS``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class UnknownIdentity(Exception):
    """The provider vouched for someone no administrator has linked to an account."""

    def __init__(self, issuer: str, subject: str):
        super().__init__(issuer)
        self.issuer, self.subject = issuer, subject


@dataclasses.dataclass(frozen=True)
class SignIn:
    identity: ProviderIdentity
    mfa: bool
    id_token: str


def providers() -> dict[str, dict]:
    return settings.OIDC_PROVIDERS


def providers_offered() -> list[tuple[str, str]]:
    """(short name, label) of each configured provider, for the login page's buttons."""
    return [(slug, config["label"]) for slug, config in providers().items()]


_clients: dict[tuple, tuple[DjangoOAuth2App, float]] = {}
_clients_lock = threading.Lock()


def _client(slug: str) -> DjangoOAuth2App:
    """The provider's client, with its metadata cached for an hour (per process, per configuration)."""
    config = providers()[slug]
    key = (slug, tuple(sorted((name, str(value)) for name, value in config.items())), settings.OIDC_TIMEOUT_SECONDS)
    with _clients_lock:
        entry = _clients.get(key)
        if entry is None or time.monotonic() - entry[1] > METADATA_MAX_AGE_SECONDS:
            client = DjangoOAuth2App(
                DjangoIntegration(slug),
                name=slug,
                client_id=config["client_id"],
                client_secret=config["client_secret"],
                server_metadata_url=config["metadata_url"],
                client_kwargs={
                    "scope": config["scope"],
                    "code_challenge_method": "S256",
                    "default_timeout": settings.OIDC_TIMEOUT_SECONDS,
                },
            )
            entry = _clients[key] = (client, time.monotonic())
    return entry[0]


def _metadata(client: DjangoOAuth2App, slug: str) -> dict:
    """The provider's metadata; it must name the configured issuer (no mix-up with another provider)."""
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        raise SignInRefused(UNREACHABLE) from exc
    if str(metadata.get("issuer", "")).rstrip("/") != providers()[slug]["issuer"]:
        client.server_metadata.clear()  # fetched again next time
        raise SignInRefused("issuer")
    return metadata


def redirect_uri(slug: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("oidc_callback", kwargs={"provider": slug})


def sign_in_start(request, slug: str):
    """The redirect to the provider's login, with a fresh state, nonce and PKCE verifier kept in this session."""
    client = _client(slug)
    _metadata(client, slug)
    extra = {"acr_values": providers()[slug]["acr_values"]} if providers()[slug]["acr_values"] else {}
    try:
        return client.authorize_redirect(request, redirect_uri(slug), **extra)
    except (requests.RequestException, ValueError) as exc:
        raise SignInRefused(UNREACHABLE) from exc


def _refusal_reason(exc: Exception) -> str:
    if isinstance(exc, MismatchingStateError):
        return "state"
    if isinstance(exc, AuthlibBaseError):  # the provider's error, or its answer lacks the code
        return "provider_error"
    if isinstance(exc, requests.RequestException):
        return UNREACHABLE
    if isinstance(exc, jose_errors.ExpiredTokenError):
        return "expired"
    if isinstance(exc, jose_errors.InvalidClaimError):
        return {"aud": "audience", "iss": "issuer", "nonce": "nonce", "nbf": "expired", "iat": "expired"}.get(
            exc.claim, "token"
        )
    if isinstance(exc, jose_errors.BadSignatureError | jose_errors.InvalidKeyIdError):
        return "signature"
    return "token"


def sign_in_finish(request, slug: str) -> SignIn:
    """Check the provider's answer to this browser's own sign-in and find the account linked to the identity.

    Raises ``SignInRefused`` or ``UnknownIdentity``; logs no one in (the view does, after this returns).
    """
    client = _client(slug)
    config = providers()[slug]
    metadata = _metadata(client, slug)
    # RFC 9207: a provider that names itself in the answer must name the one this sign-in went to (no mix-up).
    if "iss" in request.GET and request.GET["iss"].rstrip("/") != config["issuer"]:
        raise SignInRefused("issuer")
    try:
        token = client.authorize_access_token(
            request,
            leeway=LEEWAY_SECONDS,
            # The audience must name this client: Authlib alone accepts another audience when «azp» names us.
            claims_options={
                "iss": {"essential": True, "values": [metadata["issuer"]]},
                "aud": {"essential": True, "values": [config["client_id"]]},
            },
        )
    except RuntimeError as exc:  # Authlib: the metadata lacks what a sign-in needs (jwks_uri, endpoints)
        raise SignInRefused(UNREACHABLE) from exc
    except Exception as exc:  # noqa: BLE001  (at this door, whatever went wrong is a refusal, never a half sign-in)
        raise SignInRefused(_refusal_reason(exc)) from exc
    finally:
        # A state answers once, whatever the answer was (Authlib keeps it when the provider sent an error).
        client.framework.clear_state_data(request.session, request.GET.get("state"))
    claims = token.get("userinfo")
    if not claims or not token.get("id_token") or not claims.get("sub"):
        raise SignInRefused("token")
    issuer, subject = str(claims["iss"]).rstrip("/"), str(claims["sub"])
    identity = ProviderIdentity.objects.filter(issuer=issuer, subject=subject).select_related("user").first()
    if identity is None:
        raise UnknownIdentity(issuer, subject)
    if not identity.user.is_active:
        raise SignInRefused("inactive")
    amr = claims.get("amr") or []
    mfa = str(claims.get("acr") or "") in config["mfa_acr"] or bool(
        set(amr if isinstance(amr, list) else [amr]) & set(config["mfa_amr"])
    )
    identity.last_used_at = timezone.now()
    identity.save(update_fields=["last_used_at"])
    return SignIn(identity=identity, mfa=mfa, id_token=token["id_token"])


def refusal_record(request, slug: str, reason: str) -> None:
    audit_event_record(
        action=AuditEvent.Action.SIGN_IN_REFUSED, request=request, data={"provider": slug, "reason": reason}
    )


def unknown_identity_record(request, slug: str, unknown: UnknownIdentity) -> None:
    """The subject is the provider's pseudonymous id: the administrator links it; never a name or an address."""
    audit_event_record(
        action=AuditEvent.Action.SIGN_IN_UNKNOWN_IDENTITY,
        request=request,
        data={"provider": slug, "issuer": unknown.issuer, "subject": unknown.subject},
    )


def logout_url(slug: str, id_token: str) -> str | None:
    """The provider's end-session address (RP-initiated logout), back to the login page; None when it has none."""
    if slug not in providers():
        return None
    client = _client(slug)
    try:
        metadata = _metadata(client, slug)
    except SignInRefused:
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    return client.create_logout_url(
        post_logout_redirect_uri=settings.SITE_URL.rstrip("/") + reverse("login"),
        id_token_hint=id_token,
        client_id=providers()[slug]["client_id"],
    )["url"]
