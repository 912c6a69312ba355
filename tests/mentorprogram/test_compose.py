"""docker-compose.yml describes the production shape and Debian's docker-compose accepts it."""

import os
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import ROOT

COMPOSE_ENV = {
    "SECRET_KEY": "test",
    "ALLOWED_HOSTS": "mentor.kommune.example",
    "POSTGRES_PASSWORD": "test",
    "APP_DB_PASSWORD": "test-app",
    "EMAIL_URL": "smtp://mail.kommune.example:587",
    "SITE_URL": "https://mentor.kommune.example",
}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_docker_compose_accepts_the_file():
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose is missing: `make test` installs Debian's docker-compose package"
    result = subprocess.run(
        [binary, "-f", "docker-compose.yml", "config", "--quiet"],
        cwd=ROOT,
        env={**os.environ, **COMPOSE_ENV},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_it_refuses_to_start_without_the_secrets():
    result = subprocess.run(
        [shutil.which("docker-compose"), "-f", "docker-compose.yml", "config", "--quiet"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in COMPOSE_ENV},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr or "POSTGRES_PASSWORD" in result.stderr


def test_it_has_the_production_services(compose):
    assert {"web", "worker", "beat", "db", "redis"} <= set(compose["services"])


def test_every_long_running_service_has_a_health_check(compose):
    for name in ("web", "worker", "db", "redis"):
        assert "healthcheck" in compose["services"][name], name


def test_the_database_and_redis_publish_no_port_and_keep_their_data_in_named_volumes(compose):
    for name in ("db", "redis"):
        assert "ports" not in compose["services"][name]
    assert {"postgres-data", "redis-data"} <= set(compose["volumes"])


def test_web_runs_gunicorn_and_the_worker_runs_celery(compose):
    assert "gunicorn" in " ".join(compose["services"]["web"]["command"])
    assert "worker" in compose["services"]["worker"]["command"]
    assert "beat" in compose["services"]["beat"]["command"]


def test_the_application_runs_as_the_runtime_role_and_only_migrate_as_the_owner(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://mentorprogram_app:"), name
    migrate = services["migrate"]
    assert migrate["environment"]["DATABASE_URL"].startswith("postgres://mentorprogram:")
    command = " ".join(migrate["command"])
    assert "migrate --noinput && python manage.py grant_runtime_role --role mentorprogram_app" in command


def test_the_worker_exports_the_audit_chain_head_to_a_volume_of_its_own(compose):
    worker = compose["services"]["worker"]
    path = worker["environment"]["AUDIT_HEAD_EXPORT_PATH"]
    assert any(
        volume.startswith("audit-heads:") and path.startswith(volume.split(":")[1]) for volume in worker["volumes"]
    )
    assert worker["environment"]["DATABASE_URL"].startswith("postgres://mentorprogram_app:")
