"""A collaboration with everything the memo and the Word file read: Exempelkommun and Föreningen
Gemenskap with organisationsnummer, a period, a chosen IOP with the answers that give it reasons, the
legal screening answered with a reason, budget lines, a de minimis grant, and an agreement whose texts
hold characters outside Latin-1 and control characters."""

from datetime import date
from decimal import Decimal

from guides.models import CollaborationForm
from projects.agreements import services as agreements
from projects.budget.models import BudgetLine, Kind
from projects.core.models import Collaboration
from projects.form_choice import services as form_choice
from projects.screening import services as screening
from tests.form_choice.test_form_choice import ALL_YES_IOP
from tests.state_aid.helpers import grant, with_numbers

NASTY = "Łódź – ✓ 中文 😀 <script>&"
# No NUL: PostgreSQL text cannot hold it, and the forms refuse it before it is stored (Django's
# ProhibitNullCharactersValidator); the test of the memo form sends one on its own.
CONTROL = "före\x01\x08\x0b\x0c\x1f\x7fefter"
REASON = "Föreningen arbetar inte på en marknad: Łódź ✓"


def build(collaboration, users):
    anna = users["coordinator"]
    Collaboration.objects.filter(pk=collaboration.pk).update(
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
        challenge=f"Unga saknar mötesplatser. {NASTY}\n\nAndra stycket.",
        target_group="Unga 13–19 år",
    )
    collaboration.refresh_from_db()
    kommun, gemenskap = with_numbers(collaboration)
    kommun_party = anna.memberships.get().party
    for question, answer in ALL_YES_IOP.items():
        form_choice.save_answer(collaboration, form_choice.load_rules().by_key[question], answer, anna)
    iop = CollaborationForm.objects.get(slug="iop")
    form_choice.choose(collaboration, iop, user=anna, note=f"Vi valde IOP. {NASTY}")
    collaboration.refresh_from_db()
    screening.save_answer(collaboration, "market", user=anna, answer="nej", reason=REASON)
    for party, year, amount in (
        (kommun_party, 2026, "250000"),
        (gemenskap, 2026, "50000"),
        (kommun_party, 2027, "260000"),
    ):
        BudgetLine.objects.create(
            collaboration=collaboration,
            party=party,
            year=year,
            kind=Kind.MONEY,
            description=f"Bidrag {NASTY}",
            planned_amount=Decimal(amount),
        )
    grant(kommun, anna, eur=120000, on=date(2026, 3, 1))
    agreement = agreements.create_agreement(collaboration, user=anna, form=iop)
    first = agreement.sections.order_by("order").first()
    agreements.save_section(
        first, user=anna, text=f"Första stycket {NASTY}\nrad två\n\nAndra stycket {CONTROL}", base_version=0
    )
    return agreement, kommun_party, gemenskap
