"""What several benchmarks need."""

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
