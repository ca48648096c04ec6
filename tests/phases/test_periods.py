"""Starting a new period (omformulering): what is carried over, the old period left exactly as it
was (compared row by row), one new period per old one, and who may start it."""

import datetime
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from guides.models import Item, Level, Principle, Section
from projects.agreements import services as agreements
from projects.agreements.models import (
    Agreement,
    AgreementComment,
    AgreementSection,
    AgreementSectionRevision,
    AgreementVersion,
    Decision,
    PartyRecord,
)
from projects.budget import services as budget
from projects.checklists import services as checklists
from projects.checklists.models import Answer, AnswerRevision, AnswerStatus, ChecklistSection, Comment, Confirmation
from projects.core.models import Collaboration, Event, Invitation, Membership, Party, Phase
from projects.form_choice.models import FormChoice
from projects.phases import services as phases
from projects.phases.models import MapEntry, PhaseChange
from projects.principles.models import PrincipleCommitment, PrincipleConcern
from projects.screening import services as screening
from tests.factories import (
    AgreementCommentFactory,
    CommentFactory,
    ConfirmationFactory,
    FormChoiceFactory,
    FormQuestionnaireFactory,
    GoalFactory,
    LoggedDecisionFactory,
    MeetingFactory,
    PrincipleCommitmentFactory,
    PrincipleConcernFactory,
    RiskFactory,
    StakeholderFactory,
)

pytestmark = pytest.mark.django_db


def question(slug, index=0):
    return Item.objects.filter(section__slug=slug, kind=Item.Kind.QUESTION, retired=False).order_by("order", "pk")[
        index
    ]


def save(collaboration, slug, user, text, status=None, party=None, index=0):
    return checklists.save_answer(
        collaboration=collaboration,
        item=question(slug, index),
        party=party,
        user=user,
        text=text,
        status=status,
        base_version=0,
    ).obj


@pytest.fixture
def lived(people):
    """A first period that has been lived: answers, an agreement decided by both parties, principles,
    the map, concerns, phase changes, comments and a pending invitation."""
    collaboration, users = people
    anna, bo = users["coordinator"], users["editor"]
    kommun = anna.memberships.get().party
    forening = bo.memberships.get().party
    Party.objects.filter(pk=forening.pk).update(contribution="Ideella ledare två kvällar i veckan")
    # Sections: the defaults for both sectors (7 steg's step 7 is per party), and one removed section.
    checklists.ensure_default_sections(collaboration)
    ChecklistSection.objects.filter(collaboration=collaboration, section__slug="mucf-metod").update(active=False)
    evaluation_answer = save(collaboration, "mucf-utvardera", anna, "Vi följer upp varje halvår.", "agreed")
    save(collaboration, "mucf-utvardera", anna, "", index=1)  # touched but empty: nothing to carry
    steg7 = ChecklistSection.objects.get(collaboration=collaboration, section__slug="sjustegs-steg-7-framgang")
    assert steg7.per_party
    save(collaboration, "sjustegs-steg-7-framgang", bo, "Fler unga i föreningen.", party=forening)
    not_evaluation = save(collaboration, "mucf-problem", anna, "Unga saknar mötesplatser.", "discussed")
    save(collaboration, "mucf-metod", anna, "Borttagen sektion.", "discussed")
    ConfirmationFactory(answer=not_evaluation, party=kommun, version=1, confirmed_by=anna)
    CommentFactory(collaboration=collaboration, item=not_evaluation.item, party=kommun, author=anna, text="Bra start")
    # The phase's history up to the decision (which moves it on to Genomförande).
    for to_phase, from_phase in [("formulering", "agendasattning"), ("beslut", "formulering")]:
        phases.change_phase(collaboration, user=anna, to_phase=to_phase, from_phase=from_phase)
    # The agreement, decided by both parties.
    agreement = agreements.create_agreement(collaboration, user=anna)
    for section in agreement.sections.all():
        if not section.text:
            agreements.save_section(section, user=anna, text=f"Text för {section.title}", base_version=0)
    first = agreement.sections.order_by("order").first()
    first.principles.set(Principle.objects.all()[:2])
    agreement.writers.set([anna.memberships.get(), bo.memberships.get()])
    version = agreements.freeze(agreement, user=anna)
    for party in (kommun, forening):
        agreements.record_decision(
            version,
            party=party,
            user=anna,
            approved=True,
            body="Styrelsen",
            decided_on=datetime.date(2026, 3, 1),
            reference="§ 4",
        )
    agreements.set_party_record(agreement, party=kommun, record_number="KS 2026/12")
    AgreementCommentFactory(section=first, party=kommun, author=anna, text="Tydligt")
    # Principles, concerns, the map, a form choice and an invitation.
    principle = Principle.objects.first()
    PrincipleCommitmentFactory(collaboration=collaboration, principle=principle, text="Föreningen styr själv.")
    PrincipleCommitmentFactory(collaboration=collaboration, principle=Principle.objects.last(), text="")
    PrincipleConcernFactory(collaboration=collaboration, principle=principle, raised_by=bo, text="Gnissel")
    phases.save_map(
        collaboration,
        user=anna,
        values={
            "agendasattning": {"planned": Level.objects.get(slug="dialog"), "actual": Level.objects.get(slug="samrad")},
            "genomforande": {"planned": None, "actual": Level.objects.get(slug="partnerskap"), "note": "Blev nära"},
        },
    )
    Collaboration.objects.filter(pk=collaboration.pk).update(
        phase=Phase.OMFORMULERING,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        challenge="Unga behöver mötesplatser",
        target_group="Unga 13–19 år",
        description="Kvällsöppet",
    )
    FormChoiceFactory(collaboration=collaboration, form=agreement.form or _a_form(), chosen_by=anna)
    invitation = Invitation(collaboration=collaboration, party=forening, email="ny@gemenskap.se", invited_by=anna)
    invitation.new_token()
    invitation.save()
    collaboration.refresh_from_db()
    return collaboration, users, {"evaluation": evaluation_answer, "agreement": agreement}


def _a_form():
    from guides.models import CollaborationForm

    return CollaborationForm.objects.first()


def rows_of(collaboration):
    """Every row that belongs to the collaboration, as plain data (every field, timestamps included)."""

    def dump(queryset, exclude=()):
        return sorted(
            (
                {k: v for k, v in model_to_dict(obj).items() if k not in exclude}
                | {"_all": [getattr(obj, f.attname) for f in obj._meta.fields if f.name not in exclude]}
                for obj in queryset
            ),
            key=lambda row: row["_all"][0],
        )

    agreements_ = Agreement.objects.filter(collaboration=collaboration)
    sections = AgreementSection.objects.filter(agreement__in=agreements_)
    versions = AgreementVersion.objects.filter(agreement__in=agreements_)
    answers = Answer.objects.filter(collaboration=collaboration)
    return {
        "collaboration": dump(Collaboration.objects.filter(pk=collaboration.pk), exclude=("archived",)),
        "parties": dump(Party.objects.filter(collaboration=collaboration)),
        "memberships": dump(Membership.objects.filter(collaboration=collaboration)),
        "checklists": dump(ChecklistSection.objects.filter(collaboration=collaboration)),
        "answers": dump(answers),
        "revisions": dump(AnswerRevision.objects.filter(answer__in=answers)),
        "confirmations": dump(Confirmation.objects.filter(answer__in=answers)),
        "comments": dump(Comment.objects.filter(collaboration=collaboration)),
        "agreements": dump(agreements_),
        "sections": dump(sections),
        "section_revisions": dump(AgreementSectionRevision.objects.filter(section__in=sections)),
        "agreement_comments": dump(AgreementComment.objects.filter(section__in=sections)),
        "versions": dump(versions),
        "decisions": dump(Decision.objects.filter(version__in=versions)),
        "records": dump(PartyRecord.objects.filter(agreement__in=agreements_)),
        "commitments": dump(PrincipleCommitment.objects.filter(collaboration=collaboration)),
        "concerns": dump(PrincipleConcern.objects.filter(collaboration=collaboration)),
        "map": dump(MapEntry.objects.filter(collaboration=collaboration)),
        "phase_changes": dump(PhaseChange.objects.filter(collaboration=collaboration)),
        "form_choices": dump(FormChoice.objects.filter(collaboration=collaboration)),
        "invitations": dump(Invitation.objects.filter(collaboration=collaboration)),
        "events": dump(Event.objects.filter(collaboration=collaboration).exclude(kind=Event.Kind.PERIOD_STARTED)),
    }


def start_url(collaboration):
    return reverse("projects:period_start", args=[collaboration.pk])


def test_confirm_page_explains_and_warns_outside_omformulering(client, lived):
    collaboration, users, _ = lived
    client.force_login(users["coordinator"])
    page = client.get(start_url(collaboration)).content.decode()
    assert "Påbörja period 2?" in page
    assert "Det här följer med till den nya perioden" in page and "Det här stannar i den här perioden" in page
    assert "inte i Omformulering" not in page
    Collaboration.objects.filter(pk=collaboration.pk).update(phase=Phase.GENOMFORANDE)
    page = client.get(start_url(collaboration)).content.decode()
    assert "Samverkan är i fasen Genomförande, inte i Omformulering." in page
    assert not Collaboration.objects.filter(previous_period=collaboration).exists()  # GET changes nothing


def test_new_period_carries_over_and_leaves_the_old_one_unchanged(client, lived):
    old, users, extra = lived
    anna = users["coordinator"]
    before = rows_of(old)
    client.force_login(anna)
    response = client.post(start_url(old))
    new = Collaboration.objects.get(previous_period=old)
    assert response.status_code == 302 and response.url == reverse("projects:phases", args=[new.pk])

    # The old period: archived, everything else exactly as it was; one event added.
    old.refresh_from_db()
    assert old.archived
    assert rows_of(old) == before
    started = Event.objects.get(collaboration=old, kind=Event.Kind.PERIOD_STARTED)
    assert started.subject == "Period 2 påbörjad" and started.actor == anna

    # The new period.
    assert (new.period, new.phase, new.archived) == (2, Phase.AGENDASATTNING, False)
    assert (new.title, new.challenge, new.target_group, new.description, new.form_id) == (
        old.title,
        old.challenge,
        old.target_group,
        old.description,
        old.form_id,
    )
    assert new.start_date is None and new.end_date is None
    assert not new.phase_changes.exists()  # the creation is the start of the timeline, as for period 1
    assert Event.objects.get(collaboration=new, kind=Event.Kind.PERIOD_STARTED).subject == "Fortsätter period 1"

    def parties(c):
        return sorted((p.organisation_id, p.contribution, p.is_coordinating) for p in c.parties.all())

    assert parties(new) == parties(old) and len(parties(new)) == 2
    assert sorted(
        (m.user_id, m.role, m.party.organisation_id) for m in new.memberships.select_related("party")
    ) == sorted((m.user_id, m.role, m.party.organisation_id) for m in old.memberships.select_related("party"))
    assert sorted(new.checklist_sections.values_list("section_id", "answer_mode", "active")) == sorted(
        old.checklist_sections.filter(active=True).values_list("section_id", "answer_mode", "active")
    )
    assert not new.checklist_sections.filter(section__slug="mucf-metod").exists()  # removed: stays removed

    # The agreement text as the first draft.
    source = extra["agreement"]
    draft = Agreement.objects.get(collaboration=new)
    assert (draft.period, draft.state, draft.title, draft.form_id, draft.template_id) == (
        2,
        Agreement.State.DRAFT,
        source.title,
        source.form_id,
        source.template_id,
    )
    fields = ("key", "title", "order", "text", "required", "heading_id")
    assert list(draft.sections.values_list(*fields)) == list(source.sections.values_list(*fields))
    assert set(draft.sections.values_list("version", flat=True)) == {0}
    assert not AgreementSectionRevision.objects.filter(section__agreement=draft).exists()
    assert not draft.versions.exists() and not draft.party_records.exists()
    first_old, first_new = source.sections.order_by("order").first(), draft.sections.order_by("order").first()
    assert set(first_new.principles.all()) == set(first_old.principles.all()) and first_new.principles.exists()
    assert sorted((m.collaboration_id, m.user_id) for m in draft.writers.all()) == sorted(
        (new.pk, m.user_id) for m in source.writers.all()
    )

    # Principles as formulated; the map's planned levels only.
    assert list(new.principle_commitments.values_list("principle_id", "text")) == [
        (Principle.objects.first().pk, "Föreningen styr själv.")
    ]
    assert not new.concerns.exists()
    assert list(new.map_entries.values_list("phase", "planned_level__slug", "actual_level", "note")) == [
        ("agendasattning", "dialog", None, "")
    ]

    # The evaluation answers as the starting point: text, "diskuteras", version 1 with its revision.
    copied = {(a.item.section.slug, a.party.organisation.name if a.party else None): a for a in new.answers.all()}
    assert set(copied) == {("mucf-utvardera", None), ("sjustegs-steg-7-framgang", "Föreningen Gemenskap")}
    evaluation = copied[("mucf-utvardera", None)]
    assert (evaluation.text, evaluation.status, evaluation.version) == (
        "Vi följer upp varje halvår.",
        AnswerStatus.DISCUSSED,
        1,
    )
    revision = evaluation.revisions.get()
    assert (revision.version, revision.text, revision.status) == (1, evaluation.text, AnswerStatus.DISCUSSED)
    assert copied[("sjustegs-steg-7-framgang", "Föreningen Gemenskap")].party.collaboration_id == new.pk
    assert not Confirmation.objects.filter(answer__collaboration=new).exists()
    # The history page of a carried answer works.
    cs = new.checklist_sections.get(section__slug="mucf-utvardera")
    history = client.get(reverse("projects:answer_history", args=[new.pk, cs.pk, evaluation.item_id]))
    assert history.status_code == 200 and "Vi följer upp varje halvår." in history.content.decode()


def test_the_period_links_both_ways(client, lived):
    old, users, _ = lived
    client.force_login(users["reader"])
    new = phases.start_new_period(old, user=users["coordinator"])
    for name in ("projects:overview", "projects:phases"):
        page = client.get(reverse(name, args=[new.pk])).content.decode()
        assert "Period 2 — föregående period:" in page
        assert f'href="{reverse("projects:overview", args=[old.pk])}"' in page
        page = client.get(reverse(name, args=[old.pk])).content.decode()
        assert "Nästa period:" in page and f'href="{reverse("projects:overview", args=[new.pk])}"' in page


def test_only_one_new_period_per_period(client, lived):
    old, users, _ = lived
    phases.start_new_period(old, user=users["coordinator"])
    old.refresh_from_db()
    with pytest.raises(phases.PhaseError, match="Period 2 av samverkan är redan påbörjad"):
        phases.start_new_period(old, user=users["coordinator"])
    # A second click (the old period is archived by now) gets the message, not an error.
    client.force_login(users["coordinator"])
    response = client.post(start_url(old), follow=True)
    assert response.status_code == 200
    assert "Period 2 av samverkan är redan påbörjad" in response.content.decode()
    assert Collaboration.objects.filter(previous_period=old).count() == 1
    assert Collaboration.objects.filter(period=3).count() == 0


def test_archived_collaboration_cannot_start_a_period(client, lived):
    old, users, _ = lived
    Collaboration.objects.filter(pk=old.pk).update(archived=True)
    old.refresh_from_db()
    with pytest.raises(phases.PhaseError, match="arkiverad"):
        phases.start_new_period(old, user=users["coordinator"])
    client.force_login(users["coordinator"])
    response = client.post(start_url(old), follow=True)
    assert (
        "Samverkan är arkiverad. En ny period kan bara påbörjas från en pågående period." in response.content.decode()
    )
    assert not Collaboration.objects.filter(previous_period=old).exists()
    client.force_login(users["editor"])
    assert client.post(start_url(old)).status_code == 403


@pytest.mark.parametrize("role", ["reader", "editor"])
def test_readers_and_editors_cannot_start_a_period(client, lived, role):
    old, users, _ = lived
    client.force_login(users[role])
    assert client.get(start_url(old)).status_code == 403
    assert client.post(start_url(old)).status_code == 403
    assert "Påbörja en ny period" not in client.get(reverse("projects:phases", args=[old.pk])).content.decode()
    assert not Collaboration.objects.filter(previous_period=old).exists()


def test_a_period_without_an_agreement_starts_without_one(people):
    collaboration, users = people
    new = phases.start_new_period(collaboration, user=users["coordinator"])
    assert not Agreement.objects.filter(collaboration=new).exists()
    assert new.memberships.count() == 3


def test_a_party_waiting_for_its_organisation_keeps_waiting_in_the_new_period(people):
    from projects.core import services as actions
    from projects.core.models import PartyStatus
    from tests.factories import make_organisation

    collaboration, users = people
    anna = users["coordinator"]
    stiftelse = make_organisation("Stiftelsen Solsken", "stiftelse")  # Anna does not act for it
    asked = actions.add_party(collaboration, user=anna, organisation=stiftelse)
    assert asked.status == PartyStatus.PENDING
    new = phases.start_new_period(collaboration, user=anna)
    carried = {p.organisation_id: p for p in new.parties.all()}
    assert len(carried) == 3
    waiting = carried[stiftelse.pk]
    assert (waiting.status, waiting.requested_by, waiting.answered_at) == (PartyStatus.PENDING, anna, None)
    accepted = [p for p in carried.values() if p.organisation_id != stiftelse.pk]
    assert {p.status for p in accepted} == {PartyStatus.ACCEPTED}


def test_evaluation_sections_are_the_uppfoljning_and_omformulering_ones():
    slugs = phases.evaluation_section_slugs()
    assert {"mucf-utvardera", "forum-folja-upp", "forum-omformulering", "sjustegs-steg-7-framgang"} <= slugs
    assert "mucf-problem" not in slugs
    assert Section.objects.filter(slug__in=slugs).count() == len(slugs)


def test_a_new_period_leaves_behind_what_the_schema_does_not_carry(lived):
    """Only the nodes with a Carry in projects.transfer.schema go with the new period: risks, goals,
    stakeholders, meetings, concerns, phase changes, form choices, the legal screening and comments stay in
    the old one."""
    from projects.transfer.schema import DOCUMENT

    old, users, _ = lived
    start = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)
    RiskFactory(collaboration=old, title="Ledare slutar", probability=2, consequence=3)
    StakeholderFactory(collaboration=old, name="Fritidsgården", influence=3, interest=4)
    GoalFactory(collaboration=old, title="Fler unga")
    FormQuestionnaireFactory(collaboration=old, answers={"market": "no"})
    meeting = MeetingFactory(
        collaboration=old, title="Styrgrupp", starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    LoggedDecisionFactory(
        collaboration=old, meeting=meeting, text="Vi startar", decided_on=datetime.date(2026, 3, 1), decided_by="Alla"
    )
    from projects.reports import services as reports

    old.start_date, old.end_date = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    old.save()
    reports.refresh_reports(old, user=users["coordinator"])  # the year's report and the list of documents
    reports.add_comment(old.reports.get(), membership=users["coordinator"].memberships.get(), text="Bra år")
    screening.save_answer(old, "market", user=users["coordinator"], answer="nej", reason="Ingen säljer det.")
    civil = next(p for p in old.parties.select_related("organisation") if not p.organisation.is_public)
    screening.save_registration(old, civil, user=users["coordinator"], status="inte_kontrollerad")
    budget.save_line(
        old,
        user=users["coordinator"],
        values={
            "party": civil,
            "year": 2026,
            "kind": "pengar",
            "description": "Bidrag",
            "planned_amount": None,  # the agreement is decided: only an actual contribution can be added
            "actual_amount": Decimal(1000),
            "planned_hours": None,
            "actual_hours": None,
            "hourly_value": None,
        },
    )
    new = phases.start_new_period(old, user=users["coordinator"])
    carried = {node.key for node in DOCUMENT.children if node.carry}
    assert carried == {"parties", "people", "checklists", "answers", "agreements", "map", "principle_commitments"}
    for node in DOCUMENT.children:
        rows = node.model.objects.filter(**{node.parent: new})
        assert rows.exists() == (node.key in carried), node.key
        assert node.model.objects.filter(**{node.parent: old}).exists(), node.key  # the old period keeps all
