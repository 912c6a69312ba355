"""Typed helpers that read settings from the environment and fail loudly.

Every helper also accepts ``NAME_FILE``: the path of a file that holds the
value (Docker and Kubernetes secrets). A required variable that is missing or
malformed stops start-up with an ``ImproperlyConfigured`` naming it, so an
operator never has to guess which one is wrong.
"""

import os
from pathlib import Path
from urllib.parse import unquote

import environ
from django.core.exceptions import ImproperlyConfigured

_REQUIRED = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def read_env_files(base_dir: Path) -> None:
    """Load ``.env`` and the ``var/local.env`` that ``make run`` writes.

    Values already in the environment win, so an operator's variable is never
    overridden by a file. ``MENTORPROGRAM_READ_ENV_FILES=0`` turns this off
    (the test runner does, so a running ``make run`` cannot leak into tests).
    """
    if os.environ.get("MENTORPROGRAM_READ_ENV_FILES", "1") == "0":
        return
    for path in (base_dir / ".env", base_dir / "var" / "local.env"):
        if path.is_file():
            environ.Env.read_env(str(path), overwrite=False)


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points at a file that cannot be read: {exc.strerror}") from exc
    return os.environ.get(name)


def _missing(name: str, default):
    if default is _REQUIRED:
        raise ImproperlyConfigured(f"The environment variable {name} is required but not set.")
    return default


def env_str(name: str, default=_REQUIRED) -> str:
    value = _raw(name)
    if value is None or value == "":
        return _missing(name, default)
    return value


def env_bool(name: str, default=_REQUIRED) -> bool:
    value = _raw(name)
    if value is None:
        return _missing(name, default)
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"The environment variable {name} must be true or false, not {value!r}.")


def env_int(name: str, default=_REQUIRED) -> int:
    value = _raw(name)
    if value is None or value == "":
        return _missing(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"The environment variable {name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default=_REQUIRED) -> list[str]:
    value = _raw(name)
    if value is None or value.strip() == "":
        return _missing(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name: str = "DATABASE_URL", default=_REQUIRED) -> dict:
    """A ``postgres://`` URL as a Django ``DATABASES`` entry; nothing else is accepted."""
    value = env_str(name, default)
    if not value.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a postgres:// URL (PostgreSQL is the only supported database)."
        )
    try:
        config = environ.Env.db_url_config(value)
    except Exception as exc:  # django-environ raises several types for a bad URL
        raise ImproperlyConfigured(f"The environment variable {name} is not a valid database URL.") from exc
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"The environment variable {name} must name a database.")
    # A Unix socket directory travels URL-encoded in the host part.
    config["HOST"] = unquote(str(config.get("HOST") or ""))
    config["ENGINE"] = "django.db.backends.postgresql"
    return config


def env_email(name: str = "EMAIL_URL", default=_REQUIRED) -> dict:
    """An email URL (``smtp://``, ``smtp+tls://``, ``consolemail://``) as Django settings."""
    value = env_str(name, default)
    try:
        return environ.Env.email_url_config(value)
    except Exception as exc:
        raise ImproperlyConfigured(f"The environment variable {name} is not a valid email URL.") from exc


def env_oidc_providers(name: str = "OIDC_PROVIDERS") -> dict[str, dict]:
    """The OpenID Connect providers staff may sign in with, by short name: ``OIDC_PROVIDERS=entra,ansattporten``.

    For each name ``X`` (upper-cased, ``-`` as ``_``): ``OIDC_X_ISSUER``, ``OIDC_X_CLIENT_ID`` and
    ``OIDC_X_CLIENT_SECRET`` (or ``…_FILE``) are required; ``OIDC_X_LABEL`` (the button's text),
    ``OIDC_X_METADATA_URL`` (default: the issuer's ``/.well-known/openid-configuration``), ``OIDC_X_SCOPE``
    (``openid``), ``OIDC_X_ACR_VALUES`` (asked for, e.g. ``idporten-loa-substantial``), and the values that prove
    multi-factor authentication: ``OIDC_X_MFA_ACR`` (``idporten-loa-substantial,idporten-loa-high``) and
    ``OIDC_X_MFA_AMR`` (``mfa``).
    """
    providers = {}
    for slug in env_list(name, []):
        if not slug.replace("-", "").isalnum() or not slug.islower():
            raise ImproperlyConfigured(f"{name}: «{slug}» is not a short name in lower case (letters, digits, -).")
        prefix = f"OIDC_{slug.upper().replace('-', '_')}_"
        issuer = env_str(prefix + "ISSUER").rstrip("/")
        providers[slug] = {
            "label": env_str(prefix + "LABEL", slug),
            "issuer": issuer,
            "metadata_url": env_str(prefix + "METADATA_URL", issuer + "/.well-known/openid-configuration"),
            "client_id": env_str(prefix + "CLIENT_ID"),
            "client_secret": env_str(prefix + "CLIENT_SECRET"),
            "scope": env_str(prefix + "SCOPE", "openid"),
            "acr_values": env_str(prefix + "ACR_VALUES", ""),
            "mfa_acr": env_list(prefix + "MFA_ACR", ["idporten-loa-substantial", "idporten-loa-high"]),
            "mfa_amr": env_list(prefix + "MFA_AMR", ["mfa"]),
        }
    return providers
