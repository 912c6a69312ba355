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


def walk_to(case: Case, status: str) -> Case:
    """Step ``case`` along the workflow to ``status`` (the database takes a case in its first status only)."""
    path, seen = [[case.status]], {case.status}
    while path[0][-1] != status:
        route = path.pop(0)
        for nxt in Case.TRANSITIONS[route[-1]]:
            if nxt not in seen:
                seen.add(nxt)
                path.append([*route, nxt])
    for step in path[0][1:]:
        fields = {"status": step}
        if step == Case.Status.CLOSED:
            fields["outcome"] = case.outcome or Case.Outcome.COMPLETED
        Case.objects.filter(pk=case.pk).update(**fields)  # audit: test data, the workflow walked step by step
    case.refresh_from_db(fields=["status", "closed_at", "outcome"])
    return case


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case

    participant = factory.SubFactory(ParticipantFactory)
    track = Case.Track.PREVENTION

    @classmethod
    def _create(cls, model_class, *args, status=Case.Status.ASSESSMENT, **kwargs):
        case = super()._create(model_class, *args, **kwargs)
        return walk_to(case, status)


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
