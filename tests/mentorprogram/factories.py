import factory
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from mentorprogram.models import User
from mentorprogram.roles import ROLES_BY_SLUG


class UserFactory(DjangoModelFactory):
    """A user; ``roles=[...]`` puts them in role groups, ``otp=True`` enrols an authenticator."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruker{n}")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.django.Password("et-passord-for-tester-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for slug in extracted or []:
            self.groups.add(Group.objects.get(name=slug))
            if ROLES_BY_SLUG[slug].is_staff and not self.is_staff:
                self.is_staff = True
                self.save(update_fields=["is_staff"])

    @factory.post_generation
    def otp(self, create, extracted, **kwargs):
        if extracted:
            TOTPDevice.objects.create(user=self, name="authenticator", confirmed=True)


def current_code(user, *, offset_steps: int = 0) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    code = totp(device.bin_key, step=device.step, t0=device.t0 - offset_steps * device.step, digits=device.digits)
    return f"{code:0{device.digits}d}"


def verified_login(client, user):
    """As after a login with password and code: the session carries the verified device."""
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def token_client(user, *, scope="write", name=None):
    """(the token, a test client that sends it): ``user``'s API token, made as after a two-factor login."""
    from django.test import Client

    from mentorprogram.accounts.tokens import api_token_create

    user.is_verified = lambda: True
    token, secret = api_token_create(actor=user, name=name or f"{user.username} system", scope=scope, days=1)
    return token, Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
