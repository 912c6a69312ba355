"""Page renders through the test client (the whole middleware stack, no network)."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from mentorprogram.models import User
from mentorprogram.roles import COORDINATOR


def landing_page(bench):
    users = 100 if bench.quick else 1000
    password = make_password("bench-passord-123")
    User.objects.bulk_create(
        User(username=f"bench{i}", first_name="Benk", last_name=f"Bruker {i}", password=password) for i in range(users)
    )
    user = User.objects.get(username="bench0")
    user.groups.add(Group.objects.get(name=COORDINATOR))
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    def get():
        response = client.get("/")
        assert response.status_code == 200

    samples = bench.time(get, n=50 if bench.quick else 200)
    return [bench.measure("landing page render", samples, data_size=f"{users} users")]


BENCHMARKS = [landing_page]
