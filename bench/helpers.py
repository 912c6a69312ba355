"""What several benchmarks need."""

import contextlib

from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def verified_client(user) -> Client:
    """A test client logged in with both factors, as after a real login."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def api_client(user) -> Client:
    """A test client that calls the API with a token of the user's (read and write), as a partner system does."""
    from mentorprogram.accounts.api_auth import TokenRateThrottle, UserRateThrottle
    from mentorprogram.accounts.tokens import api_token_create

    # The rate limits stay on (their Redis round trip is part of a request's cost) but high enough for a benchmark.
    for throttle in (UserRateThrottle, TokenRateThrottle):
        throttle.THROTTLE_RATES = {"user": "1000000/min", "token": "1000000/min"}
    user.is_verified = lambda: True
    _token, secret = api_token_create(actor=user, name="bench", scope="write", days=1)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@contextlib.contextmanager
def counted():
    """The statements sent to the database inside the block (a list that grows as they run)."""
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield statements


def api_list(bench, label: str, client: Client, url: str, *, n: int, data_size: str) -> dict:
    """Time an API list (page size 50) and name its queries per request in the label."""
    with counted() as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)

    def get():
        assert client.get(url).status_code == 200

    return bench.measure(f"API {label} ({len(queries)} queries)", bench.time(get, n=n), data_size=data_size)
