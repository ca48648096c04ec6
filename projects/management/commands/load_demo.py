"""Demo data: two organisations, a collaboration and three people. Running it again changes
nothing (everything is looked up by natural keys first).

Every date is counted from the day the demo is loaded (``Dates``): the collaboration started about ten
months ago and runs three years, the measurements and the steering meeting lie behind, the risk review
and the goal ahead. So the demo looks current whenever it is loaded."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import formats, timezone, translation

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


@dataclass(frozen=True)
class Dates:
    """The demo's dates, counted from ``today``."""

    today: date

    @property
    def start(self):  # the first of the month about ten months ago
        return (self.today - timedelta(days=300)).replace(day=1)

    @property
    def end(self):  # three years from the start
        return self.start.replace(year=self.start.year + 3) - timedelta(days=1)

    @property
    def measurements(self):  # about every three months since the start, the last a few weeks ago
        return [self.today - timedelta(days=days) for days in (210, 120, 30)]

    @property
    def meeting(self):  # the steering group met two weeks ago
        return self.today - timedelta(days=14)

    @property
    def risk_review(self):
        return self.today + timedelta(days=30)


class Command(BaseCommand):
    help = "Load demo organisations, people and a collaboration (idempotent) and print the logins."

    @transaction.atomic
    def handle(self, *args, **options):
        from allauth.account.models import EmailAddress

        self.dates = Dates(timezone.localdate())
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
                start_date=self.dates.start,
                end_date=self.dates.end,
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
        _demo_reports(collaboration, users[PEOPLE[1][0]])
        if not collaboration.screening_answers.exists():
            _demo_screening(collaboration, users)
        _demo_state_aid(collaboration, users)
        _demo_budget(collaboration, users[PEOPLE[0][0]], self.dates.today)
        _demo_publication(collaboration, users, self.dates.today)
        _demo_memo(collaboration, users[PEOPLE[0][0]])

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
            review_date=self.dates.risk_review,
            updated_by=anna,
        )
        goal = Goal.objects.create(
            collaboration=collaboration,
            title="Fler unga har en trygg mötesplats på kvällstid",
            specific=True,
            measurable=True,
            realistic=True,
            due_date=self.dates.end,
            updated_by=anna,
        )
        GoalAcceptance.objects.create(goal=goal, party=kommun, accepted_by=anna)
        GoalAcceptance.objects.create(goal=goal, party=forening, accepted_by=bo)
        indicator = Indicator.objects.create(
            goal=goal,
            name="Besök per kväll (genomsnitt)",
            unit="besök",
            baseline=Decimal(0),
            baseline_date=self.dates.start,
            target=Decimal(40),
            target_date=self.dates.end,
        )
        for day, value in zip(self.dates.measurements, [12, 19, 24], strict=True):
            Measurement.objects.create(
                indicator=indicator, value=Decimal(value), measured_on=day, party=forening, recorded_by=bo
            )
        day = self.dates.meeting
        start = timezone.make_aware(datetime.combine(day, time(17, 0)))
        with translation.override("sv"):
            month = formats.date_format(day, "F")
        meeting = Meeting.objects.create(
            collaboration=collaboration,
            title=f"Styrgruppsmöte {month}",
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
            decided_on=day,
            decided_by="Styrgruppen",
            recorded_by=anna,
        )


def _demo_reports(collaboration, bo):
    """The yearly follow-up: the years of the period, and the first year's Verksamhetsberättelse
    uploaded by the association (a small PDF made here, stored through the default storage)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from projects.common import pdf
    from projects.reports import files
    from projects.reports import services as reports
    from projects.reports.models import ReportDocument

    reports.refresh_reports(collaboration)
    first = collaboration.reports.order_by("year").first()
    if first is None or ReportDocument.objects.filter(report__collaboration=collaboration).exists():
        return
    html = (
        '<html lang="sv"><head><title>Verksamhetsberättelse</title></head><body>'
        f"<h1>Verksamhetsberättelse {first.year}</h1><p>Föreningen Gemenskap: mötesplatsen för unga i Centrum "
        "har haft öppet tre kvällar i veckan.</p></body></html>"
    )
    upload = SimpleUploadedFile(f"Verksamhetsberättelse {first.year}.pdf", pdf.html_to_pdf(html), "application/pdf")
    membership = collaboration.memberships.get(user=bo)
    reports.upload_document(
        first, membership=membership, kind="Verksamhetsberättelse", upload=upload, checked=files.check(upload)
    )


def _demo_screening(collaboration, users):
    """The legal screening: four questions answered with reasons, one not known yet, and the
    association's registration checked by hand."""
    from projects.screening import services as screening

    anna = users[PEOPLE[0][0]]
    answers = {
        "competence": (
            "ja",
            "Trygga mötesplatser för unga i Centrum är ett allmänt intresse för kommunens invånare "
            "och hänger ihop med kommunens område.",
        ),
        "market": (
            "nej",
            "Vi har frågat tre fritidsföretag i kommunen. Ingen säljer öppen kvällsverksamhet för unga, "
            "och verksamheten bygger på föreningens ideella ledare.",
        ),
        "procurement": (
            "nej",
            "Kommunen beställer ingen tjänst. Föreningen driver sin egen verksamhet och båda parter bidrar.",
        ),
        "reserved": ("nej", "Det är ingen upphandling, så reserverad upphandling är inte aktuell."),
        "aid": ("vet_inte", "Vi har frågat kommunens jurist om föreningens verksamhet är ekonomisk. Svar väntas."),
    }
    for question, (answer, reason) in answers.items():
        screening.save_answer(collaboration, question, user=anna, answer=answer, reason=reason)
    forening = Party.objects.get(collaboration=collaboration, organisation__name="Föreningen Gemenskap")
    screening.save_registration(
        collaboration,
        forening,
        user=users[PEOPLE[1][0]],
        status="inte_registrerad",
        checked_on=timezone.localdate() - timedelta(days=10),
        note="Sökte på organisationsnumret i Kammarkollegiets register. Föreningen har inte ansökt.",
    )


def _demo_state_aid(collaboration, users):
    """De minimis aid from Exempelkommun: to Föreningen Gemenskap, one grant in the collaboration and one
    outside the app, together 82 % of the general ceiling (the warning shows); an SGEI grant to a club
    that is not in the app."""
    from projects.state_aid import services as state_aid
    from projects.state_aid.models import AidGrant, Ground

    if AidGrant.objects.exists():
        return
    anna = users["anna@exempelkommun.se"]
    kommun = Organisation.objects.get(org_number="212000-1355")
    today = timezone.localdate()
    grants = [
        ("802000-0009", "", Ground.GENERAL, "1300000", "11.2000", 200, "Verksamhetsbidrag till mötesplatsen", True),
        ("802000-0009", "", Ground.GENERAL, "1500000", "11.4500", 500, "Bidrag till sommarlovsaktiviteter", False),
        ("802000-1239", "Idrottsklubben Framåt", Ground.SGEI, "400000", "11.3000", 90, "Öppen hall för unga", False),
    ]
    for number, name, ground, sek, rate, days_ago, description, in_collaboration in grants:
        state_aid.record_grant(
            granted_by=kommun,
            org_number=number,
            recipient_name=name,
            ground=ground,
            amount_sek=Decimal(sek),
            sek_per_eur=Decimal(rate),
            granted_on=today - timedelta(days=days_ago),
            description=description,
            user=anna,
            collaboration=collaboration if in_collaboration else None,
        )


def _demo_budget(collaboration, user, today):
    """The budget (projects.budget): each party's contributions for every year of the period, and
    the actuals of the years that have begun (idempotent: nothing when there are lines)."""
    from projects.budget.models import BudgetLine, Kind
    from projects.budget.queries import period_years

    if BudgetLine.objects.filter(collaboration=collaboration).exists():
        return
    parties = {p.organisation.name: p for p in collaboration.parties.select_related("organisation")}
    kommun, forening = parties.get("Exempelkommun"), parties.get("Föreningen Gemenskap")
    if kommun is None or forening is None:
        return
    plan = [  # party, kind, description, amount or (hours, hourly value), how much of it was used
        (kommun, Kind.MONEY, "Bidrag till verksamheten", Decimal(400_000), Decimal("0.95")),
        (kommun, Kind.PREMISES, "Lokal i biblioteket, tre kvällar i veckan", Decimal(120_000), Decimal(1)),
        (kommun, Kind.STAFF, "Fritidsledare, halvtid", (Decimal(800), Decimal(420)), Decimal("0.9")),
        (forening, Kind.VOLUNTEERS, "Ideella ledare på kvällarna", (Decimal(1_200), Decimal(250)), Decimal("1.1")),
        (forening, Kind.STAFF, "Verksamhetsansvarig", (Decimal(400), Decimal(380)), Decimal(1)),
        (forening, Kind.IN_KIND, "Material och spel", Decimal(15_000), Decimal("0.8")),
    ]
    rows = []
    for year in period_years(collaboration):
        begun = year <= today.year
        for party, kind, description, figure, used in plan:
            line = BudgetLine(
                collaboration=collaboration, party=party, year=year, kind=kind, description=description, updated_by=user
            )
            if isinstance(figure, tuple):
                line.planned_hours, line.hourly_value = figure
                line.actual_hours = (figure[0] * used).quantize(Decimal(1)) if begun else None
            else:
                line.planned_amount = figure
                line.actual_amount = (figure * used).quantize(Decimal(1)) if begun else None
            rows.append(line)
    BudgetLine.objects.bulk_create(rows)


def _demo_publication(collaboration, users, today):
    """A decided agreement (written, locked and decided by both parties, where the collaboration has
    none yet) and Exempelkommun's consent to publish it (projects.publication): Föreningen Gemenskap's
    consent is Bo's to give, then Anna publishes. Idempotent."""
    from datetime import timedelta

    from guides.models import CollaborationForm
    from projects.agreements import services as agreements
    from projects.agreements.models import Agreement, AgreementVersion
    from projects.publication import services as publication

    anna, bo = users[PEOPLE[0][0]], users[PEOPLE[1][0]]
    agreement = Agreement.objects.filter(collaboration=collaboration).order_by("-period").first()
    if agreement is None:
        agreement = agreements.create_agreement(
            collaboration, user=anna, form=CollaborationForm.objects.filter(slug="iop").first()
        )
        for section in agreement.sections.filter(text=""):
            if not section.from_data:
                section.text = f"{section.title}: parterna är överens om det som står i det här avsnittet."
                section.save(update_fields=["text"])
        version = agreements.freeze(agreement, user=anna)
        decisions = ((anna, "Kommunstyrelsen", "KS 2026/112 § 45"), (bo, "Styrelsen", "Styrelseprotokoll § 7"))
        for user, body, reference in decisions:
            party = user.memberships.get(collaboration=collaboration).party
            agreements.record_decision(
                version,
                party=party,
                user=user,
                approved=True,
                body=body,
                decided_on=today - timedelta(days=10),
                reference=reference,
            )
    version = agreement.versions.filter(status=AgreementVersion.Status.DECIDED).first()
    if version is None or version.publications.exists():
        return
    publication.consent(version, party=anna.memberships.get(collaboration=collaboration).party, user=anna)


def _demo_memo(collaboration, anna):
    """Exempelkommun's decision memo for its committee, with the proposal as the official wrote it."""
    from projects.memo import services as memos
    from projects.memo.models import DecisionMemo

    kommun = collaboration.parties.filter(organisation__org_number="212000-1355").first()
    if kommun is None or DecisionMemo.objects.filter(collaboration=collaboration).exists():
        return
    memos.save_memo(
        collaboration,
        kommun,
        user=anna,
        base_version=0,
        committee="Kultur- och fritidsnämnden",
        record_number="KFN 2026/114",
        official_name=anna.get_full_name(),
        official_title="Utvecklingsstrateg",
        proposal=memos.default_proposal(collaboration, "Kultur- och fritidsnämnden"),
    )
