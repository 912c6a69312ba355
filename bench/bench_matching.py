"""Ranking a pool of 2,000 mentors for one case, including the database reads (issue 6: median ≤ 50 ms)."""

import datetime
import random
import statistics

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from cases.models import Case, CaseWishes, Participant
from mentorprogram.models import User
from mentors.models import Mentor, PersonalTie, Qualification
from mentors.selectors import matching_for_case

N_MENTORS = 2000
LANGUAGES = ["norsk", "somali", "arabisk", "polsk", "tigrinja", "dari", "engelsk", "kurdisk", "urdu", "bosnisk"]
INTERESTS = ["fotball", "gaming", "musikk", "trening", "friluftsliv", "film", "matlaging", "kampsport", "data", "kunst"]


def rank_pool(bench):
    n = bench.scaled(N_MENTORS)
    rng = random.Random(6)
    today = timezone.localdate()
    password = make_password("bench-passord-123")
    users = User.objects.bulk_create(User(username=f"mentor-bench-{i}", password=password) for i in range(n))
    mentors = Mentor.objects.bulk_create(
        Mentor(
            user=u,
            employment=rng.choice(Mentor.Employment.values),
            birth_year=rng.randint(1960, 2001),
            gender=rng.choice(["female", "male"]),
            languages=rng.sample(LANGUAGES, 2),
            interests=rng.sample(INTERESTS, 3),
            district=rng.choice(["Sentrum", "Nord", "Sør", "Øst", "Vest"]),
            tracks=rng.sample(["prevention", "exit"], rng.randint(0, 2)),
            ideologies=rng.sample(["islamist", "right_wing", "left_wing"], rng.randint(0, 2)),
            max_participants=rng.randint(1, 4),
            is_active=rng.random() > 0.05,
        )
        for u in users
    )
    recorder = users[0]
    qualifications = []
    for m in mentors:
        for kind in Qualification.Kind.values:
            if rng.random() < 0.9:
                taken = today - datetime.timedelta(days=rng.randint(30, 2000))
                until = (
                    taken + datetime.timedelta(days=rng.randint(365, 1800)) if kind == "police_certificate" else None
                )
                qualifications.append(
                    Qualification(mentor=m, kind=kind, completed_on=taken, valid_until=until, recorded_by=recorder)
                )
    Qualification.objects.bulk_create(qualifications, batch_size=5000)
    participant = Participant.objects.create(
        first_name="Benk", last_name="Deltaker", date_of_birth=datetime.date(2008, 6, 1)
    )
    case = Case.objects.create(participant=participant, track="prevention")
    Case.objects.filter(pk=case.pk).update(
        status="matching"
    )  # audit: bench data; the database takes the first status only
    case.refresh_from_db(fields=["status"])
    CaseWishes.objects.create(
        case=case,
        preferred_language="somali",
        gender_wish="male",
        interests=["fotball", "gaming"],
        district="Sentrum",
        ideology="islamist",
        updated_by=recorder,
    )
    PersonalTie.objects.bulk_create(
        PersonalTie(mentor=m, participant=participant, recorded_by=recorder) for m in mentors[:5]
    )

    def run(fresh=False):
        ranking = matching_for_case(case=case, fresh=fresh)
        assert len(ranking.suggestions) + len(ranking.excluded) == n

    size = f"{n} mentors, {len(qualifications)} qualifications"
    repeats = bench.repeats(100, 20)
    # Warm: the pool unchanged since the last ranking (the common case: the
    # pool changes far less often than matching pages are opened).
    warm = bench.time(run, n=repeats, warmup=3)
    # Cold: every ranking rebuilds the pool's facts (what mentor_assign does under its lock).
    cold = bench.time(lambda: run(fresh=True), n=repeats, warmup=3)
    ratio = statistics.median(cold) / statistics.median(warm)
    return [
        bench.measure(f"rank {n} mentors for one case (pool cached)", warm, data_size=size),
        bench.measure(f"rank {n} mentors for one case (pool rebuilt)", cold, data_size=size, ratio=ratio),
    ]


BENCHMARKS = [rank_pool]
