import datetime

import factory
from factory.django import DjangoModelFactory

from mentorprogram.roles import MENTOR
from mentors.models import Mentor, Qualification
from tests.mentorprogram.factories import UserFactory


class MentorFactory(DjangoModelFactory):
    """A qualified mentor: valid police certificate and signed confidentiality declaration."""

    class Meta:
        model = Mentor
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, roles=[MENTOR], otp=True)
    employment = Mentor.Employment.BANK
    birth_year = 1988
    gender = "male"
    languages = factory.LazyFunction(lambda: ["norsk"])
    max_participants = 2

    @factory.post_generation
    def qualified(self, create, extracted, **kwargs):
        if extracted is False:
            return
        today = datetime.date.today()
        for kind in (
            Qualification.Kind.POLICE_CERTIFICATE,
            Qualification.Kind.CONFIDENTIALITY,
            Qualification.Kind.TRAINING,
        ):
            valid_until = (
                today + datetime.timedelta(days=365) if kind == Qualification.Kind.POLICE_CERTIFICATE else None
            )
            Qualification.objects.create(
                mentor=self,
                kind=kind,
                completed_on=today - datetime.timedelta(days=30),
                valid_until=valid_until,
                recorded_by=self.user,
            )
