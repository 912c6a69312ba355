import datetime

import factory
from factory.django import DjangoModelFactory

from cases.models import Case, Participant


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    date_of_birth = factory.LazyFunction(lambda: datetime.date(2009, 5, 17))


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case

    participant = factory.SubFactory(ParticipantFactory)
    track = Case.Track.PREVENTION
