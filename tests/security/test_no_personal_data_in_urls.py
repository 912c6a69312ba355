"""No personal data in URLs or logs: a marker typed in the browser reaches no log file.

The app runs under gunicorn with the project's own ``gunicorn.conf.py`` (the
production access-log format) and production logging, against the test
database; Chromium types a marker name, date of birth and national identity
number where a person's details are searched for (the intake's live duplicate
check, the access-log search, the access-request search). Afterwards the
marker is in no log file and in no address the browser visited.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from types import SimpleNamespace

import pytest
from django.conf import settings
from faker import Faker

from mentorprogram.roles import PRIVACY_OFFICER, SLT_COORDINATOR
from tests.cases.factories import ParticipantFactory
from tests.conftest import ROOT, _database_url_for
from tests.mentorprogram.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKER = "Qxzmarkørnavn"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn_server(tmp_path):
    port = _free_port()
    logs = {name: tmp_path / f"{name}.log" for name in ("access", "error", "output")}
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for(settings.DATABASES["default"]["NAME"]),
        "DJANGO_SETTINGS_MODULE": "mentorprogram.settings.test",
        "MENTORPROGRAM_READ_ENV_FILES": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": str(logs["access"]),
        "GUNICORN_ERROR_LOG": str(logs["error"]),
        "LOG_LEVEL": "DEBUG",
    }
    with open(logs["output"], "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "mentorprogram.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/login/", timeout=2)  # noqa: S310  (our own server on loopback)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("gunicorn did not start:\n" + logs["output"].read_text()[-3000:])
            time.sleep(0.2)
    yield SimpleNamespace(url=url, logs=logs)
    process.terminate()
    process.wait(timeout=20)


def test_a_typed_name_reaches_no_log_and_no_address(gunicorn_server, browser, page, make_user, password):
    national_id = Faker("no_NO").ssn(dob="20090304")
    ParticipantFactory(first_name=MARKER, last_name="Hansen", date_of_birth="2009-03-04", national_id=national_id)
    slt = make_user(SLT_COORDINATOR, password=password)
    officer = make_user(PRIVACY_OFFICER, password=password)
    visited = []
    page.on("request", lambda request: visited.append(request.url))

    # The SLT coordinator types a referral: the live duplicate check finds the participant.
    log_in(page, gunicorn_server, slt, password)
    page.goto(f"{gunicorn_server.url}/cases/referrals/new/")
    page.get_by_label("Fornavn").fill(MARKER)
    page.get_by_label("Etternavn").fill("Hansen")
    page.get_by_label("Fødselsdato").fill("2009-03-04")
    page.get_by_label("Fødselsnummer").fill(national_id)
    page.get_by_label("Fødselsnummer").press("Tab")
    page.locator("#duplicate-check").get_by_text(MARKER).first.wait_for()

    # The privacy officer searches the access log and the access requests by name and by national id.
    page = browser.new_page()  # the officer's own browser
    page.on("request", lambda request: visited.append(request.url))
    log_in(page, gunicorn_server, officer, password)
    page.goto(f"{gunicorn_server.url}/audit/access/")
    page.locator("#id_participant").fill(f"{MARKER} Hansen")
    page.get_by_role("button", name="Søk").click()
    page.wait_for_url("**/audit/access/?*participant_id=*")
    page.get_by_text(f"Lesinger av {MARKER} Hansen").wait_for()
    page.goto(f"{gunicorn_server.url}/audit/subject-access/")
    page.locator("#id_participant").wait_for()
    page.locator("#id_participant").fill(national_id)
    page.get_by_role("button", name="Søk").click()
    page.get_by_role("link", name="Last ned PDF").wait_for()

    time.sleep(0.5)  # gunicorn writes its access log line after the response
    access_log = gunicorn_server.logs["access"].read_text()
    assert "/audit/access/" in access_log and "/cases/referrals/duplicates/" in access_log  # the log is written
    for name, path in gunicorn_server.logs.items():
        text = path.read_text()
        for secret in (MARKER, national_id, "2009-03-04", "04.03.2009"):
            assert secret not in text, f"{secret} reached the {name} log"
    for url in visited:
        for secret in (MARKER, national_id, "2009-03-04"):
            assert secret not in url, f"{secret} stood in the address {url}"


def test_the_request_log_withholds_query_strings_and_unrouted_paths():
    import logging

    from mentorprogram.logging import RedactingFormatter

    formatter = RedactingFormatter("%(message)s")
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /audit/access/?participant=Qxz HTTP/1.1", 200, 10),
        None,
    )
    assert formatter.format(record) == '"GET /audit/access/?(query withheld) HTTP/1.1" 200 10'
    record.args = ("GET /Qxz-Hansen/ HTTP/1.1", 404, 10)
    assert "Qxz" not in formatter.format(record)


def test_the_development_server_logs_through_the_redacting_formatter(settings):
    handlers = settings.LOGGING["loggers"]["django.server"]["handlers"]
    assert [settings.LOGGING["handlers"][name]["formatter"] for name in handlers] == ["plain"]
