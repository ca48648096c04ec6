"""Demo data: two organisations, a collaboration and three people. Running it again changes
nothing (everything is looked up by natural keys first)."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from projects import actions
from projects.checklists import ensure_default_sections
from projects.models import Collaboration, Membership, Organisation, Party, Role, Sector

DEMO_PASSWORD = "samverkan-demo"  # noqa: S105 - printed for the demo, never used in production

PEOPLE = [
    ("anna@exempelkommun.se", "Anna Andersson", "Exempelkommun", Role.COORDINATOR),
    ("bo@gemenskap.se", "Bo Berg", "Föreningen Gemenskap", Role.EDITOR),
    ("cecilia@gemenskap.se", "Cecilia Carlsson", "Föreningen Gemenskap", Role.READER),
]

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

        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000 with:"))
        for email, name, org, role in PEOPLE:
            self.stdout.write(f"  {email:24} {DEMO_PASSWORD}   ({name}, {org}, {Role(role).label})")
