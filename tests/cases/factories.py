import datetime
import uuid

import factory
from factory.django import DjangoModelFactory

from cases.models import Case, Participant, Referral


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


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral

    source = Referral.Source.SCHOOL
    source_organisation = "Fjellvoll ungdomsskole"
    referrer_name = factory.Faker("name", locale="no_NO")
    received_on = factory.LazyFunction(lambda: datetime.date.today())
    concern = "Eleven har delt ekstremt materiale i klassechatten."
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    date_of_birth = factory.LazyFunction(lambda: datetime.date(2009, 5, 17))
    guardians = "Mor: 900 00 000"
    submission_key = factory.LazyFunction(uuid.uuid4)
    submitted_by = factory.SubFactory("tests.mentorprogram.factories.UserFactory")
