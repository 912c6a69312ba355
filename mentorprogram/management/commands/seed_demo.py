"""Fictional demo data for `make run`: one user per role, with two factors, and a few cases.

Idempotent: a second run changes nothing. All names are invented (Faker no_NO
with a fixed seed). Refuses to run with DEBUG off: the password is public.
"""

import datetime
import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from cases.models import Case, CaseAssignment, CaseWishes, Consent, Participant, Referral
from cases.services import (
    assessment_record,
    case_assignment_start,
    referral_decide,
    referral_participant_resolve,
    referral_submit,
)
from disclosures.models import Disclosure
from disclosures.services import disclosure_record
from individualplans.models import LifeArea, PlanGoal, PlanMeasure
from individualplans.services import goal_add, measure_add, plan_consent_record, plan_start
from mentorprogram import roles
from mentorprogram.accounts.services import TOTP_DEVICE_NAME, backup_codes_create
from mentorprogram.models import User
from mentorprogram.partners import PartnerService
from mentors.models import Mentor, Qualification
from mentorsessions.models import MentorSession
from mentorsessions.services import mentor_session_log
from steeringgroup.models import SteeringReport
from steeringgroup.services import (
    last_quarter,
    steering_report_build,
    steering_report_publish,
    steering_report_request,
)

DEMO_PASSWORD = "demo-passord-2026"  # noqa: S105  (fictional demo users only; refused without DEBUG)
DEMO_USERS = [
    # username, role
    ("melder", roles.REFERRER),
    ("slt", roles.SLT_COORDINATOR),
    ("koordinator", roles.COORDINATOR),
    ("mentor", roles.MENTOR),
    ("mentor2", roles.MENTOR),
    ("styring", roles.STEERING_GROUP),
    ("personvern", roles.PRIVACY_OFFICER),
    ("admin", roles.ADMIN),
]


class Command(BaseCommand):
    help = "Create fictional demo users (one per role, with two factors) and cases. Development only."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production", action="store_true", help="Seed even with DEBUG off (never on real data)."
        )

    def handle(self, *args, allow_production, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("seed_demo creates users with a known password and only runs with DEBUG on.")
        fake = Faker("no_NO")
        fake.seed_instance(2026)
        with transaction.atomic():
            users = {username: self._user(fake, username, role) for username, role in DEMO_USERS}
            created_cases = self._cases(fake, users)
            self._mentors(fake, users)
            created_referrals = self._referrals(fake, users)
            self._steering_report(fake, users)
        self.stdout.write(
            f"Demo data: {len(users)} users, {created_cases} new cases, {created_referrals} new referrals."
        )
        self.stdout.write("Log in at http://127.0.0.1:8000/login/ with a username below, the password")
        self.stdout.write(f"«{DEMO_PASSWORD}» and the current one-time code from:")
        self.stdout.write("    .venv/bin/python manage.py demo_otp USERNAME")
        self.stdout.write("(or a backup code below; each works once).")
        for username, role in DEMO_USERS:
            user = users[username]
            codes = StaticDevice.objects.filter(user=user).values_list("token_set__token", flat=True)
            codes = ", ".join(sorted(c for c in codes if c)[:3])
            self.stdout.write(f"  {username:<12} {roles.ROLES_BY_SLUG[role].name!s:<18} backup codes: {codes}")

    def _user(self, fake, username, role):
        user = User.objects.filter(username=username).first()
        if user is None:
            role_def = roles.ROLES_BY_SLUG[role]
            user = User(
                username=username,
                first_name=fake.first_name(),
                last_name=fake.last_name(),
                email=f"{username}@demo.invalid",
                is_staff=role_def.is_staff,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role))
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
            backup_codes_create(user=user)
        return user

    def _mentors(self, fake, users):
        """Mentor profiles for the demo mentors, and a small pool to match from (one not qualified)."""
        if Mentor.objects.exists():
            return
        today = datetime.date.today()
        profiles = [
            (
                users["mentor"],
                {
                    "languages": ["norsk", "somali"],
                    "interests": ["fotball", "gaming"],
                    "gender": "male",
                    "tracks": ["prevention"],
                    "ideologies": ["islamist"],
                },
                True,
            ),
            (
                users["mentor2"],
                {
                    "languages": ["norsk", "arabisk"],
                    "interests": ["musikk", "trening"],
                    "gender": "female",
                    "tracks": ["exit"],
                    "ideologies": ["right_wing"],
                },
                True,
            ),
        ]
        mentor_group = Group.objects.get(name=roles.MENTOR)
        for i, qualified in enumerate([True, True, False]):
            user = User.objects.create(
                username=f"mentor{i + 3}",
                first_name=fake.first_name(),
                last_name=fake.last_name(),
                email=f"mentor{i + 3}@demo.invalid",
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(mentor_group)
            TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
            profiles.append(
                (
                    user,
                    {
                        "languages": ["norsk", fake.random_element(["polsk", "tigrinja", "engelsk"])],
                        "interests": ["friluftsliv"],
                        "gender": fake.random_element(["female", "male"]),
                    },
                    qualified,
                )
            )
        for user, fields, qualified in profiles:
            mentor = Mentor.objects.create(
                user=user,
                employment=Mentor.Employment.BANK,
                birth_year=fake.random_int(1970, 1998),
                district="Sentrum",
                **fields,
            )
            if qualified:
                for kind in (
                    Qualification.Kind.TRAINING,
                    Qualification.Kind.POLICE_CERTIFICATE,
                    Qualification.Kind.CONFIDENTIALITY,
                ):
                    until = (
                        today + datetime.timedelta(days=700) if kind == Qualification.Kind.POLICE_CERTIFICATE else None
                    )
                    Qualification.objects.create(
                        mentor=mentor,
                        kind=kind,
                        completed_on=today - datetime.timedelta(days=200),
                        valid_until=until,
                        recorded_by=users["slt"],
                    )

    def _steering_report(self, fake, users):
        """Last quarter's activity (referrals from several services, decided), and its steering report, published."""
        if SteeringReport.objects.exists():
            return
        start, end = last_quarter(timezone.localdate())
        sources = ["school", "school", "police", "nav", "child_welfare", "health", "family", "school", "police"]
        for i in range(27):
            received = start + datetime.timedelta(days=(i * 13) % ((end - start).days + 1))
            referral = referral_submit(
                actor=users["slt"],
                submission_key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-quarter-referral-{i}"),
                source=sources[i % len(sources)],
                source_organisation="",
                referrer_name="Oppdiktet melder",
                referrer_phone="",
                referrer_email="",
                received_on=received,
                concern="Oppdiktet eksempel fra forrige kvartal.",
                criteria=["low_attachment"],
                urgency="normal",
                first_name=fake.first_name(),
                last_name=fake.last_name(),
                date_of_birth=datetime.date(2008, 1, 1) + datetime.timedelta(days=40 * i),
                national_id="",
                gender="unknown",
                languages=["norsk"],
                district="Sentrum",
                guardians="",
            )
            referral_participant_resolve(actor=users["slt"], referral=referral)
            referral_decide(
                actor=users["slt"],
                referral=referral,
                decision="forwarded" if i % 3 else "no_action",
                reason="Oppdiktet: fulgt opp av en annen tjeneste." if i % 3 else "Oppdiktet: ingen grunn til tiltak.",
                forwarded_to="Oppdiktet tjeneste" if i % 3 else "",
            )
        report = steering_report_request(actor=users["slt"], start=start, end=end)
        report = steering_report_build(report.pk)
        steering_report_publish(actor=users["slt"], report=report)

    def _referrals(self, fake, users):
        """Referrals in the SLT coordinator's queue: a spelling variant of a known participant, an acute one, an overdue one."""
        if Referral.objects.exists():
            return 0
        known = Participant.objects.order_by("pk").first()
        today = datetime.date.today()
        plans = [
            # (first name, last name, date of birth, urgency, days ago, source)
            (
                known.first_name[:-1] + ("e" if known.first_name[-1] != "e" else "a"),
                known.last_name,
                known.date_of_birth,
                "normal",
                1,
                "school",
            ),
            (fake.first_name(), fake.last_name(), today.replace(year=today.year - 16, day=1), "acute", 0, "police"),
            (fake.first_name(), fake.last_name(), today.replace(year=today.year - 19, day=1), "high", 10, "nav"),
        ]
        for first_name, last_name, date_of_birth, urgency, days_ago, source in plans:
            referral_submit(
                actor=users["melder"],
                submission_key=uuid.uuid4(),
                source=source,
                source_organisation="",
                referrer_name=users["melder"].get_full_name(),
                referrer_phone="",
                referrer_email=users["melder"].email,
                received_on=today - datetime.timedelta(days=days_ago),
                concern="Oppdiktet eksempel: deler ekstremt materiale og har trukket seg fra venner.",
                criteria=["extreme_ideology", "trauma_isolation"],
                urgency=urgency,
                first_name=first_name,
                last_name=last_name,
                date_of_birth=date_of_birth,
                national_id="",
                gender="unknown",
                languages=["norsk"],
                district="Sentrum",
                guardians="Oppdiktet foresatt, 900 00 000",
            )
        return len(plans)

    def _sessions(self, case, mentor, *, concern: bool):
        """A few logged sessions; on the second case the last one is four weeks old and raised a worry."""
        today = timezone.localdate()
        ago = [42, 28] if concern else [35, 21, 7]
        for i, days in enumerate(ago):
            last = i == len(ago) - 1
            mentor_session_log(
                actor=mentor,
                case=case,
                submission_key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-session-{case.pk}-{days}"),
                held_on=today - datetime.timedelta(days=days),
                duration_minutes=[60, 90, 45][i % 3],
                mode=[MentorSession.Mode.MEETING, MentorSession.Mode.ACTIVITY, MentorSession.Mode.PHONE][i % 3],
                topics=[MentorSession.Topic.SCHOOL_WORK, MentorSession.Topic.LEISURE][: i % 2 + 1],
                notes="Oppdiktet demonotat: vi gikk en tur og snakket om uka som har gått.",
                progress=MentorSession.Progress.SOME,
                next_step="Besøke fritidsklubben sammen." if last else "",
                next_meeting_on=today + datetime.timedelta(days=3) if last and not concern else None,
                concern_level="worry" if last and concern else "",
                concern_description="Oppdiktet: har begynt å dele lenker fra et ekstremt forum." if concern else "",
            )

    def _disclosure(self, case, coordinator):
        """One recorded disclosure, for the register of disclosures and the access request."""
        disclosure_record(
            actor=coordinator,
            case=case,
            submission_key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-disclosure-{case.pk}"),
            legal_basis=Disclosure.LegalBasis.CHILD_WELFARE,
            recipient_kind=Disclosure.RecipientKind.CHILD_WELFARE,
            recipient="Oppdiktet barneverntjeneste, mottaksteamet",
            shared="Oppdiktet: bekymring for omsorgssituasjonen hjemme, slik mentor beskrev den.",
            justification="Oppdiktet: alvorlig omsorgssvikt kan ikke utelukkes; opplysningsplikten gjelder.",
            disclosed_on=timezone.localdate() - datetime.timedelta(days=20),
            decided_by="Kari Koordinator, koordinator",
            consulted=[Disclosure.Consulted.LEADER],
            participant_informed=Disclosure.Informed.YES,
            informed_on=timezone.localdate() - datetime.timedelta(days=19),
        )

    def _plan(self, case, coordinator):
        """An individual plan with goals in three life areas, measures from two services and an evaluation."""
        plan_consent_record(
            actor=coordinator,
            case=case,
            services=[PartnerService.MENTOR, PartnerService.NAV, PartnerService.SCHOOL],
            given_by=Consent.GivenBy.PARTICIPANT,
            guardian_name="",
            valid_from=timezone.localdate() - datetime.timedelta(days=30),
            valid_to=None,
        )
        plan = plan_start(
            actor=coordinator,
            case=case,
            coordinator=coordinator,
            first_evaluation_on=timezone.localdate() + datetime.timedelta(days=10),
            participant_words="Oppdiktet: Jeg vil fullføre skolen, få en sommerjobb og ha noen å trene med.",
            services=[PartnerService.NAV, PartnerService.SCHOOL],
        )
        soon = timezone.localdate() + datetime.timedelta(days=120)
        goals = [
            (
                LifeArea.EDUCATION,
                "Bestå matte og norsk til sommeren.",
                PartnerService.SCHOOL,
                "Leksehjelp to dager i uka.",
            ),
            (LifeArea.WORK, "Få en sommerjobb.", PartnerService.NAV, "Jobbsøkerkurs og hjelp med CV."),
            (
                LifeArea.LEISURE,
                "Trene fast med et lag.",
                PartnerService.MENTOR,
                "Mentor blir med på de første treningene.",
            ),
        ]
        for area, wording, service, measure in goals:
            goal = goal_add(
                actor=coordinator,
                plan=plan,
                life_area=area,
                wording=wording,
                status=PlanGoal.Status.IN_PROGRESS,
                target_date=soon,
            )
            measure_add(
                actor=coordinator,
                goal=goal,
                description=measure,
                service=service,
                responsible_person="Oppdiktet kontaktperson",
                starts_on=timezone.localdate(),
                ends_on=None,
                status=PlanMeasure.Status.ONGOING,
            )

    def _cases(self, fake, users):
        if Participant.objects.exists():
            return 0
        slt = users["slt"]
        today = datetime.date.today()
        plan = [
            (Case.Track.PREVENTION, Case.Status.ACTIVE, "mentor"),
            (Case.Track.EXIT, Case.Status.ACTIVE, "mentor2"),
            (Case.Track.PREVENTION, Case.Status.MATCHING, None),
        ]
        for track, status, mentor in plan:
            age = fake.random_int(min=15, max=24)
            participant = Participant.objects.create(
                first_name=fake.first_name(),
                last_name=fake.last_name(),
                date_of_birth=today.replace(year=today.year - age, day=1),
            )
            case = Case.objects.create(
                participant=participant, track=track, opened_at=timezone.now() - datetime.timedelta(days=70)
            )
            # The database takes a case in its first status only: walk it along the workflow.
            for step in (Case.Status.MATCHING, Case.Status.ACTIVE)[: 1 + (status == Case.Status.ACTIVE)]:
                Case.objects.filter(pk=case.pk).update(status=step)  # audit: demo data, a fictional case
            case.refresh_from_db()
            case_assignment_start(actor=slt, case=case, user=users["koordinator"], kind=CaseAssignment.Kind.COORDINATOR)
            if mentor:
                case_assignment_start(actor=slt, case=case, user=users[mentor], kind=CaseAssignment.Kind.MENTOR)
                self._sessions(case, users[mentor], concern=mentor == "mentor2")
                if mentor == "mentor":
                    self._plan(case, users["koordinator"])
                if mentor == "mentor2":
                    self._disclosure(case, users["koordinator"])
            else:
                # The case waiting for a mentor: assessed, with wishes for the matching page.
                assessment_record(
                    actor=users["koordinator"],
                    case=case,
                    risk_factors="Oppdiktet: søker tilhørighet i et ekstremt miljø på nett.",
                    protective_factors="Oppdiktet: god kontakt med en lærer og med fotballaget.",
                    summary="Oppdiktet: moderat risiko; en mentor anbefales.",
                )
                CaseWishes.objects.create(
                    case=case, preferred_language="somali", interests=["fotball"], gender_wish="male", updated_by=slt
                )
        return len(plan)
