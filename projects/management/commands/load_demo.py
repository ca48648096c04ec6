"""Demo data: two organisations, a collaboration and three people. Running it again changes
nothing (everything is looked up by natural keys first)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from guides.models import CollaborationForm, Level, Principle
from projects.checklists.services import ensure_default_sections
from projects.core import services as actions
from projects.core.models import Collaboration, Membership, Organisation, Party, Role, Sector
from projects.form_choice import services as form_choice
from projects.goals.models import Goal, GoalAcceptance, Indicator, Measurement
from projects.meetings.models import LoggedDecision, Meeting, MeetingParticipant
from projects.organisations import services as organisation_services
from projects.organisations.models import OrganisationDomain, OrganisationMember, OrgRole
from projects.phases import services as phases
from projects.principles import services as principles
from projects.stakeholders.models import Risk, Stakeholder

DEMO_PASSWORD = "samverkan-demo"  # noqa: S105 - printed for the demo, never used in production

PEOPLE = [
    ("anna@exempelkommun.se", "Anna Andersson", "Exempelkommun", Role.COORDINATOR),
    ("bo@gemenskap.se", "Bo Berg", "Föreningen Gemenskap", Role.EDITOR),
    ("cecilia@gemenskap.se", "Cecilia Carlsson", "Föreningen Gemenskap", Role.READER),
]
# Who acts for each organisation: Anna administers the municipality, Bo the association (Cecilia is a
# member); each organisation has registered its e-mail domain, so both show as verified.
ORGANISATION_ROLES = {
    "anna@exempelkommun.se": OrgRole.ADMIN,
    "bo@gemenskap.se": OrgRole.ADMIN,
    "cecilia@gemenskap.se": OrgRole.MEMBER,
}
DOMAINS = {"Exempelkommun": "exempelkommun.se", "Föreningen Gemenskap": "gemenskap.se"}

ORGANISATIONS = [
    {"name": "Exempelkommun", "sector": Sector.KOMMUN, "org_number": "212000-1355", "municipality": "Exempelkommun"},
    {
        "name": "Föreningen Gemenskap",
        "sector": Sector.IDEELL_FORENING,
        "org_number": "802000-0009",
        "municipality": "Exempelkommun",
    },
]


class Command(BaseCommand):
    help = "Load demo organisations, people and a collaboration (idempotent) and print the logins."

    @transaction.atomic
    def handle(self, *args, **options):
        from allauth.account.models import EmailAddress

        User = get_user_model()
        organisations = {}
        for data in ORGANISATIONS:
            organisations[data["name"]], _ = Organisation.objects.get_or_create(
                org_number=data["org_number"], defaults=data
            )
        users = {}
        for email, name, _org, _role in PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
            EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            users[email] = user
        for email, _name, org_name, _role in PEOPLE:
            organisation = organisations[org_name]
            if not OrganisationMember.objects.filter(organisation=organisation, user=users[email]).exists():
                if organisation.members.exists():
                    member = organisation_services.add_member(
                        organisation, users[email], via=OrganisationMember.Via.INVITATION
                    )
                    organisation_services.change_member_role(member, user=users[email], role=ORGANISATION_ROLES[email])
                else:  # the first of its people: as if they had registered it
                    organisation_services.add_member(
                        organisation, users[email], role=OrgRole.ADMIN, via=OrganisationMember.Via.REGISTERED
                    )
        for org_name, domain in DOMAINS.items():
            if not OrganisationDomain.objects.filter(domain=domain).exists():
                admin = organisations[org_name].members.filter(role=OrgRole.ADMIN).first().user
                organisation_services.add_domain(organisations[org_name], user=admin, domain=domain)

        title = "Mötesplats för unga i Centrum"
        collaboration = Collaboration.objects.filter(title=title, created_by=users[PEOPLE[0][0]]).first()
        if collaboration is None:
            collaboration = actions.create_collaboration(
                user=users[PEOPLE[0][0]],
                organisation=organisations["Exempelkommun"],
                title=title,
                challenge="Unga i centrala Exempelkommun saknar trygga mötesplatser på kvällstid.",
                target_group="Unga 13–19 år i Centrum",
                description="Kommunen och Föreningen Gemenskap vill driva en mötesplats tillsammans.",
                start_date=date(2027, 1, 1),
                end_date=date(2029, 12, 31),
            )
        for email, _name, org_name, role in PEOPLE[1:]:
            party, _ = Party.objects.get_or_create(collaboration=collaboration, organisation=organisations[org_name])
            Membership.objects.get_or_create(
                collaboration=collaboration, user=users[email], defaults={"party": party, "role": role}
            )

        ensure_default_sections(collaboration)
        if not collaboration.form_choices.exists():
            self._planning(collaboration, users)
        if not collaboration.goals.exists():
            self._follow_up(collaboration, users)

        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000 with:"))
        for email, name, org, role in PEOPLE:
            self.stdout.write(f"  {email:24} {DEMO_PASSWORD}   ({name}, {org}, {Role(role).label})")

    def _planning(self, collaboration, users):
        """The form chosen through the questionnaire, a map with planned levels, two principles."""
        anna = users[PEOPLE[0][0]]
        answers = {
            "syfte": "gora",
            "marknad": "nej",
            "initiativ": "ideburen",
            "tid": "langsiktig",
            "definierar": "tillsammans",
            "resurser": "bada",
            "tillit": "ja",
            "juridik": "pagar",
        }
        for key, option in answers.items():
            question = next(q for q in form_choice.QUESTIONS if q.key == key)
            form_choice.save_answer(collaboration, question, option, anna)
        form_choice.choose(
            collaboration,
            CollaborationForm.objects.get(slug="iop"),
            user=anna,
            note="Föreningen tog initiativet och båda parter bidrar; ingen marknad för verksamheten.",
        )
        levels = {level.slug: level for level in Level.objects.all()}
        plan = {
            "agendasattning": "dialog",
            "formulering": "partnerskap",
            "beslut": "samrad",
            "genomforande": "partnerskap",
            "uppfoljning": "dialog",
            "omformulering": "dialog",
        }
        phases.save_map(
            collaboration,
            user=anna,
            values={phase: {"planned": levels[slug], "actual": None, "note": ""} for phase, slug in plan.items()},
        )
        texts = {
            "sjalvstandighet-och-oberoende": "Föreningen bestämmer själv över sin verksamhet och kan fortsätta "
            "att granska kommunen i andra frågor.",
            "dialog": "Vi träffas en gång i månaden i styrgruppen och när någon part ber om det.",
        }
        for slug, text in texts.items():
            principle = Principle.objects.get(slug=slug)
            principles.save_commitment(
                collaboration=collaboration, principle=principle, user=anna, text=text, base_version=0
            )

    def _follow_up(self, collaboration, users):
        """Stakeholders, risks, a goal with an indicator and measurements, a meeting and a decision."""
        anna, bo = users[PEOPLE[0][0]], users[PEOPLE[1][0]]
        kommun, forening = list(collaboration.parties.order_by("-is_coordinating", "organisation__name"))[:2]
        for name, kind, influence, interest in [
            ("Kultur- och fritidsnämnden", Stakeholder.Kind.ORGANISATION, 5, 4),
            ("Fältassistenterna", Stakeholder.Kind.FUNCTION, 2, 5),
            ("Föräldrar i Centrum", Stakeholder.Kind.ORGANISATION, 2, 3),
            ("Fastighetsägaren", Stakeholder.Kind.ORGANISATION, 4, 2),
        ]:
            Stakeholder.objects.create(
                collaboration=collaboration,
                name=name,
                kind=kind,
                influence=influence,
                interest=interest,
                updated_by=anna,
            )
        Risk.objects.create(
            collaboration=collaboration,
            title="För få ideella ledare på kvällarna",
            probability=3,
            consequence=4,
            owner=forening,
            mitigation="Rekrytera via skolorna; kommunen bidrar med utbildning.",
            updated_by=bo,
        )
        Risk.objects.create(
            collaboration=collaboration,
            title="Lokalen blir inte klar i tid",
            probability=2,
            consequence=5,
            owner=kommun,
            mitigation="Tillfällig lokal i biblioteket.",
            review_date=date(2027, 2, 1),
            updated_by=anna,
        )
        goal = Goal.objects.create(
            collaboration=collaboration,
            title="Fler unga har en trygg mötesplats på kvällstid",
            specific=True,
            measurable=True,
            realistic=True,
            due_date=date(2029, 12, 31),
            updated_by=anna,
        )
        GoalAcceptance.objects.create(goal=goal, party=kommun, accepted_by=anna)
        GoalAcceptance.objects.create(goal=goal, party=forening, accepted_by=bo)
        indicator = Indicator.objects.create(
            goal=goal,
            name="Besök per kväll (genomsnitt)",
            unit="besök",
            baseline=Decimal(0),
            baseline_date=date(2027, 1, 1),
            target=Decimal(40),
            target_date=date(2029, 12, 31),
        )
        for day, value in [(date(2027, 3, 31), 12), (date(2027, 6, 30), 19), (date(2027, 9, 30), 24)]:
            Measurement.objects.create(
                indicator=indicator, value=Decimal(value), measured_on=day, party=forening, recorded_by=bo
            )
        start = datetime(2027, 1, 20, 17, 0).astimezone()
        meeting = Meeting.objects.create(
            collaboration=collaboration,
            title="Styrgruppsmöte januari",
            kind=Meeting.Kind.STEERING,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="Stadshuset, rum 3",
            agenda="1. Lokalen\n2. Rekrytering av ledare\n3. Nästa möte",
            created_by=anna,
        )
        MeetingParticipant.objects.create(meeting=meeting, party=kommun, user=anna, name=anna.get_full_name())
        MeetingParticipant.objects.create(meeting=meeting, party=forening, user=bo, name=bo.get_full_name())
        LoggedDecision.objects.create(
            collaboration=collaboration,
            meeting=meeting,
            text="Mötesplatsen öppnar i biblioteket tills lokalen är klar.",
            decided_on=date(2027, 1, 20),
            decided_by="Styrgruppen",
            recorded_by=anna,
        )
