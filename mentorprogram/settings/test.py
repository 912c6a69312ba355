"""Settings for the test suite: production settings with test-only conveniences.

The database and Redis come from the environment that ``scripts/test.sh``
prepares (a throwaway PostgreSQL cluster and Redis server).
"""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-for-the-deploy-check-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The test client and the live server speak plain http.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("SITE_URL", "http://testserver")
# Each of the suite's processes (pytest-xdist) has a Redis of its own, started by tests/conftest.py; what they
# start (Celery workers, manage.py) inherits it.
_WORKER_REDIS_URL = os.environ.get(f"MENTORPROGRAM_REDIS_URL_{os.environ.get('PYTEST_XDIST_WORKER', '').upper()}")
if _WORKER_REDIS_URL:
    os.environ["REDIS_URL"] = _WORKER_REDIS_URL

from mentorprogram.settings.base import *  # noqa: E402,F403
from mentorprogram.settings.base import STORAGES  # noqa: E402

# Argon2 is what production uses (a test checks it); hashing speed is not under test.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The worker subprocess of the integration tests writes files instead (EMAIL_BACKEND in its environment).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Lets the flush between transactional tests past the append-only triggers.
DATABASES["default"]["ENGINE"] = "mentorprogram.testing"  # noqa: F405
