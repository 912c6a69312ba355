"""Page renders through the test client (the whole middleware stack, no network)."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from bench.helpers import verified_client
from mentorprogram.models import User
from mentorprogram.roles import COORDINATOR


def landing_page(bench):
    users = bench.scaled(1000)
    password = make_password("bench-passord-123")
    User.objects.bulk_create(
        User(username=f"bench{i}", first_name="Benk", last_name=f"Bruker {i}", password=password) for i in range(users)
    )
    user = User.objects.get(username="bench0")
    user.groups.add(Group.objects.get(name=COORDINATOR))
    client = verified_client(user)

    def get():
        response = client.get("/")
        assert response.status_code == 200

    samples = bench.time(get, n=bench.repeats(200, 50))
    return [bench.measure("landing page render", samples, data_size=f"{users} users")]


BENCHMARKS = [landing_page]
