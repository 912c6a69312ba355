"""Page renders through the test client (the whole middleware stack, no network)."""

from django.contrib.auth.hashers import make_password
from django.test import Client

from mentorprogram.models import User


def landing_page(bench):
    users = 100 if bench.quick else 1000
    password = make_password("bench-passord-123")
    User.objects.bulk_create(
        User(username=f"bench{i}", first_name="Benk", last_name=f"Bruker {i}", password=password) for i in range(users)
    )
    user = User.objects.get(username="bench0")
    client = Client()
    client.force_login(user)

    def get():
        response = client.get("/")
        assert response.status_code == 200

    samples = bench.time(get, n=50 if bench.quick else 200)
    return [bench.measure("landing page render", samples, data_size=f"{users} users")]


BENCHMARKS = [landing_page]
