"""Settings come from the environment and production refuses to start half-configured."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from mentorprogram import env
from tests.conftest import ROOT

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-key-for-the-deploy-check-" + "y" * 20,
    "ALLOWED_HOSTS": "mentor.kommune.example",
    "EMAIL_URL": "smtp://mail.kommune.example:587",
    "SITE_URL": "https://mentor.kommune.example",
}


def run_clean(*args, env_overrides, drop=()):
    """Python with ``args`` in a clean environment: only what an operator would set."""
    keep = ("PATH", "HOME", "LANG", "DATABASE_URL", "REDIS_URL")
    child_env = {k: os.environ[k] for k in keep if k in os.environ and k not in drop}
    child_env.update({"MENTORPROGRAM_READ_ENV_FILES": "0", "DJANGO_SETTINGS_MODULE": "mentorprogram.settings.base"})
    child_env.update(env_overrides)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=child_env, capture_output=True, text=True, timeout=120)


def run_manage(*args, env_overrides, drop=()):
    """manage.py in a clean environment: only what an operator would set."""
    return run_clean("manage.py", *args, env_overrides=env_overrides, drop=drop)


def test_it_passes_the_deploy_check_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SITE_URL"])
def test_it_refuses_to_start_in_production_without_a_required_variable(missing):
    overrides = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env_overrides=overrides, drop=(missing,))
    assert result.returncode != 0
    assert f"The environment variable {missing} is required but not set." in result.stderr


def test_it_refuses_a_database_url_that_is_not_postgresql():
    result = run_manage("check", env_overrides={**PRODUCTION_ENV, "DATABASE_URL": "mysql://db/app"})
    assert result.returncode != 0
    assert "DATABASE_URL must be a postgres:// URL" in result.stderr


def test_it_refuses_a_malformed_boolean():
    result = run_manage("check", env_overrides={**PRODUCTION_ENV, "DEBUG": "kanskje"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_it_reads_a_secret_from_a_file(tmp_path, monkeypatch):
    secret = tmp_path / "secret_key"
    secret.write_text("from-a-file\n")
    monkeypatch.delenv("SOME_SECRET", raising=False)
    monkeypatch.setenv("SOME_SECRET_FILE", str(secret))
    assert env.env_str("SOME_SECRET") == "from-a-file"


def test_it_names_an_unreadable_secret_file(monkeypatch):
    monkeypatch.setenv("SOME_SECRET_FILE", "/nonexistent/secret")
    with pytest.raises(ImproperlyConfigured, match="SOME_SECRET_FILE"):
        env.env_str("SOME_SECRET")


def test_it_decodes_a_unix_socket_database_host(monkeypatch):
    monkeypatch.setenv("TEST_DB_URL", "postgres://app@%2Ftmp%2Fpg/app")
    config = env.env_database("TEST_DB_URL")
    assert config["HOST"] == "/tmp/pg"
    assert config["NAME"] == "app"
    assert config["ENGINE"] == "django.db.backends.postgresql"


def test_it_hashes_passwords_with_argon2_in_production():
    from mentorprogram.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_it_speaks_norwegian_in_oslo_time(settings):
    assert settings.LANGUAGE_CODE == "nb"
    assert [code for code, _ in settings.LANGUAGES] == ["nb", "en"]
    assert settings.TIME_ZONE == "Europe/Oslo"


def test_it_runs_on_postgresql():
    from django.db import connection

    assert connection.vendor == "postgresql"


def test_a_web_worker_freezes_what_it_loaded_and_collects_garbage_less_often():
    """gunicorn.conf.py's post_worker_init, in a process of its own (it changes the collector's state)."""
    script = (
        "import gc, runpy, django; django.setup(); "
        "hooks = runpy.run_path('gunicorn.conf.py'); hooks['post_worker_init'](None); "
        "print(gc.get_freeze_count(), gc.get_threshold()[0], "
        "any(m.startswith('mentors.views') for m in __import__('sys').modules))"
    )
    result = run_clean("-c", script, env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    frozen, threshold, views_loaded = result.stdout.split()
    assert int(frozen) > 10_000 and int(threshold) == 50_000 and views_loaded == "True"
