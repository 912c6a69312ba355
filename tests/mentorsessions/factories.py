import datetime
import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from mentorsessions.models import MentorSession


class MentorSessionFactory(DjangoModelFactory):
    """A session as logged; pass ``case`` and ``mentor`` (the case's assigned mentor)."""

    class Meta:
        model = MentorSession

    held_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    duration_minutes = 60
    mode = MentorSession.Mode.MEETING
    topics = factory.LazyFunction(lambda: [MentorSession.Topic.SCHOOL_WORK])
    notes = "Vi gikk en tur og snakket om skolen."
    progress = MentorSession.Progress.SOME
    next_step = "Besøke fritidsklubben sammen."
    submission_key = factory.LazyFunction(uuid.uuid4)
