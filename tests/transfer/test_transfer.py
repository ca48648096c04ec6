"""A whole collaboration as JSON out and back in: the round trip without loss, the rules for people
and organisations, malformed files (clear message, nothing created), the size limit, permissions,
and the export's query count."""

import copy
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from guides.models import CollaborationForm, Item, Level, Principle
from projects.agreements import services as agreements
from projects.agreements.models import AgreementVersion
from projects.checklists import services as checklists
from projects.checklists.models import Answer, ChecklistSection
from projects.core.models import Collaboration, Event, Membership, Organisation, Party, PartyStatus, Phase, Role
from projects.meetings.models import LoggedDecision, Meeting
from projects.organisations.models import OrganisationEvent, OrganisationMember, OrgRole
from projects.stakeholders.models import Risk
from projects.transfer import services as transfer
from tests.factories import (
    AgreementCommentFactory,
    AgreementVersionFactory,
    AnswerFactory,
    CommentFactory,
    ConfirmationFactory,
    DecisionFactory,
    FormChoiceFactory,
    FormQuestionnaireFactory,
    GoalAcceptanceFactory,
    GoalFactory,
    IndicatorFactory,
    LoggedDecisionFactory,
    MapEntryFactory,
    MeasurementFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OrganisationFactory,
    PhaseChangeFactory,
    PrincipleCommitmentFactory,
    PrincipleConcernFactory,
    RiskFactory,
    StakeholderFactory,
    join_organisation,
    make_user,
)

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert(1)</script> "citat" & <b>fet</b> \u202eä'
T0 = timezone.make_aware(datetime(2026, 3, 1, 9, 30))


def build_everything(collaboration, users):
    """Every kind of data a collaboration holds, through the domain functions where they exist and
    the factories (tests.factories) where they are someone else's (still being written)."""
    anna, bo = users["coordinator"], users["editor"]
    kommun = anna.memberships.get().party
    forening = bo.memberships.get().party
    kommun.organisation.org_number = "212000-1355"
    kommun.organisation.save()
    forening.contribution = "Ideella krafter och lokaler " + HOSTILE
    forening.save()
    form = CollaborationForm.objects.get(slug="iop") if CollaborationForm.objects.filter(slug="iop").exists() else None
    form = form or CollaborationForm.objects.first()
    collaboration.challenge = "Unga saknar mötesplatser " + HOSTILE
    collaboration.target_group = "Unga 13–19 år"
    collaboration.start_date, collaboration.end_date = date(2026, 1, 1), date(2027, 12, 31)
    collaboration.phase = Phase.UPPFOLJNING
    collaboration.form = form
    collaboration.save()

    checklists.ensure_default_sections(collaboration, anna)
    removed = ChecklistSection.objects.filter(collaboration=collaboration).exclude(section__slug="mucf-utvardera")
    removed = removed.order_by("pk").last()
    removed.active = False
    removed.save()
    items = list(Item.objects.filter(section__slug="mucf-utvardera", kind="question").order_by("order"))
    first = checklists.save_answer(
        collaboration=collaboration,
        item=items[0],
        party=None,
        user=anna,
        text="Vi mäter",
        status="discussed",
        base_version=0,
    ).obj
    checklists.save_answer(
        collaboration=collaboration,
        item=items[0],
        party=None,
        user=bo,
        text="Vi mäter " + HOSTILE,
        status="agreed",
        base_version=1,
    )
    ConfirmationFactory(answer=first, party=forening, version=2, confirmed_by=bo, created_at=T0)
    checklists.save_answer(
        collaboration=collaboration,
        item=items[1],
        party=forening,
        user=bo,
        text="Föreningens svar",
        status="discussed",
        base_version=0,
    )
    CommentFactory(collaboration=collaboration, item=items[0], party=kommun, author=anna, text=HOSTILE)

    agreement = agreements.create_agreement(collaboration, user=anna, form=form)
    agreement.writers.add(anna.memberships.get())
    section = agreement.sections.order_by("order").first()
    agreements.save_section(section, user=anna, text="Första", base_version=0)
    section.refresh_from_db()
    agreements.save_section(section, user=bo, text="Andra " + HOSTILE, base_version=1)
    section.principles.set(Principle.objects.order_by("order")[:2])
    AgreementCommentFactory(section=section, party=forening, author=bo, text="Bra!", created_at=T0)
    agreements.set_party_record(agreement, party=kommun, record_number="KS 2026/12", signatory="Anna", wet_ink=True)
    content = agreements.snapshot(agreement)
    old = AgreementVersionFactory(
        agreement=agreement,
        number=1,
        content=content,
        content_hash=agreements.content_hash(content),
        status=AgreementVersion.Status.WITHDRAWN,
        frozen_by=anna,
        frozen_at=T0,
    )
    content2 = agreements.snapshot(agreement) | {"title": "Version två"}
    decided = AgreementVersionFactory(
        agreement=agreement,
        number=2,
        content=content2,
        content_hash=agreements.content_hash(content2),
        status=AgreementVersion.Status.DECIDED,
        frozen_by=anna,
        frozen_at=T0 + timedelta(days=3),
    )
    for party, reference in ((kommun, "KS 2026-03-10 § 12"), (forening, "Styrelsemöte 2026-03-08")):
        DecisionFactory(
            version=decided,
            party=party,
            approved=True,
            body="Styrelsen",
            decided_on=date(2026, 3, 10),
            reference=reference,
            recorded_by=anna,
            recorded_at=T0 + timedelta(days=9),
        )
    DecisionFactory(
        version=old,
        party=forening,
        approved=False,
        body="Styrelsen",
        decided_on=date(2026, 3, 2),
        reference="§ 3",
        comment="Inte än",
        recorded_by=bo,
    )
    agreement.state = "decided"
    agreement.save()

    FormQuestionnaireFactory(collaboration=collaboration, answers={"market": "no"}, updated_by=anna)
    FormChoiceFactory(
        collaboration=collaboration,
        form=form,
        answers={"market": "no"},
        recommendation=[{"form": form.slug}],
        note="Passar oss",
        chosen_by=anna,
    )
    levels = list(Level.objects.order_by("order"))
    MapEntryFactory(
        collaboration=collaboration, phase=Phase.BESLUT, planned_level=levels[-1], actual_level=levels[1], note="Ok"
    )
    MapEntryFactory(collaboration=collaboration, phase=Phase.FORMULERING, planned_level=levels[0])
    principle = Principle.objects.order_by("order").first()
    PrincipleCommitmentFactory(collaboration=collaboration, principle=principle, text="Så här", version=2)
    PrincipleConcernFactory(
        collaboration=collaboration, principle=principle, party=forening, raised_by=bo, text="Det gnisslar " + HOSTILE
    )
    PrincipleConcernFactory(
        collaboration=collaboration,
        principle=principle,
        raised_by=bo,
        text="Löst",
        resolved_by=anna,
        resolved_at=T0,
        resolution="Vi pratade",
    )
    PhaseChangeFactory(collaboration=collaboration, from_phase="", to_phase=Phase.FORMULERING, changed_by=anna)
    PhaseChangeFactory(
        collaboration=collaboration,
        from_phase=Phase.FORMULERING,
        to_phase=Phase.UPPFOLJNING,
        open_items=3,
        note="Vidare",
        changed_by=anna,
    )
    StakeholderFactory(
        collaboration=collaboration,
        name="Fritidsgården",
        influence=4,
        interest=5,
        category="Verksamhet",
        notes=HOSTILE,
        updated_by=bo,
    )
    RiskFactory(
        collaboration=collaboration,
        title="Ledare slutar",
        probability=4,
        consequence=5,
        owner=forening,
        mitigation="Fler ledare",
        review_date=date(2026, 6, 1),
        updated_by=bo,
    )
    RiskFactory(
        collaboration=collaboration, title="Stängd risk", probability=1, consequence=1, status=Risk.Status.CLOSED
    )
    goal = GoalFactory(
        collaboration=collaboration, title="Fler unga", specific=True, measurable=True, due_date=date(2027, 6, 1)
    )
    GoalAcceptanceFactory(goal=goal, party=kommun, accepted_by=anna)
    GoalAcceptanceFactory(goal=goal, party=forening, accepted_by=bo)
    indicator = IndicatorFactory(
        goal=goal,
        name="Besökare per vecka",
        unit="personer",
        baseline=Decimal("40"),
        baseline_date=date(2026, 1, 1),
        target=Decimal("100.5"),
        target_date=date(2027, 6, 1),
    )
    MeasurementFactory(indicator=indicator, value=Decimal("55.25"), measured_on=date(2026, 4, 1), party=forening)
    MeasurementFactory(indicator=indicator, value=Decimal("70"), measured_on=date(2026, 6, 1), recorded_by=bo)
    meeting = MeetingFactory(
        collaboration=collaboration,
        title="Styrgrupp",
        kind=Meeting.Kind.STEERING,
        starts_at=T0,
        ends_at=T0 + timedelta(hours=2),
        place="Stadshuset",
        link="https://example.se/mote",
        agenda="1. Start",
        minutes="Protokoll " + HOSTILE,
        minutes_version=2,
        sequence=1,
        created_by=anna,
    )
    MeetingParticipantFactory(
        meeting=meeting, party=kommun, user=anna, name="Anna Andersson", approved_minutes_at=T0, approved_version=2
    )
    MeetingParticipantFactory(meeting=meeting, party=forening, name="Gäst utan konto")
    LoggedDecisionFactory(
        collaboration=collaboration,
        meeting=meeting,
        text="Vi startar",
        decided_on=date(2026, 3, 1),
        decided_by="Styrgruppen",
        mandate="Överenskommelsen § 4",
        recorded_by=anna,
    )
    LoggedDecisionFactory(
        collaboration=collaboration,
        text="Kort varsel " + HOSTILE,
        decided_on=date(2026, 3, 5),
        decided_by="Anna",
    )
    return collaboration


@pytest.fixture
def world(people):
    collaboration, users = people
    return build_everything(collaboration, users), users


def normalised(document):
    document = copy.deepcopy(document)
    document.pop("exported_at")
    document["collaboration"]["title"] = document["collaboration"]["title"].removesuffix(transfer.IMPORTED_SUFFIX)
    return document


def import_as(user, document):
    return transfer.import_collaboration(json.dumps(document).encode(), user=user)


# The round trip ----------------------------------------------------------------------------------


def test_round_trip_loses_nothing(world):
    collaboration, users = world
    first = transfer.export_collaboration(collaboration)
    result = import_as(users["coordinator"], first)
    second = transfer.export_collaboration(result.collaboration)

    assert result.collaboration.pk != collaboration.pk
    assert result.collaboration.title == collaboration.title + " (importerad)"
    # People are the one thing that is not restored: only the person importing becomes a member.
    anna = users["coordinator"].email
    assert [p["email"] for p in second["people"]] == [anna]
    assert {p["email"] for p in result.to_invite} == {users["editor"].email, users["reader"].email}
    expected = normalised(first) | {"people": [p for p in first["people"] if p["email"] == anna]}
    assert normalised(second) == expected
    # And it really held every kind of data.
    for key in (
        "answers",
        "comments",
        "agreements",
        "form_choices",
        "map",
        "principle_commitments",
        "principle_concerns",
        "phase_changes",
        "stakeholders",
        "risks",
        "goals",
        "meetings",
        "logged_decisions",
        "checklists",
    ):
        assert first[key], key
    assert first["agreements"][0]["versions"][1]["decisions"]
    assert first["goals"][0]["indicators"][0]["measurements"][0]["value"] == "55.25"
    assert first["form_questionnaire"]["answers"] == {"market": "no"}


def test_import_matches_organisations_by_number_and_records_the_event(world):
    collaboration, users = world
    kommun = users["coordinator"].memberships.get().party.organisation
    before = Organisation.objects.count()
    result = import_as(users["coordinator"], transfer.export_collaboration(collaboration))
    parties = list(result.collaboration.parties.order_by("pk"))
    assert parties[0].organisation == kommun  # matched by 212000-1355
    assert parties[1].organisation.name == "Föreningen Gemenskap"
    assert parties[1].organisation.pk != users["editor"].memberships.get().party.organisation_id  # no number: new
    assert Organisation.objects.count() == before + 1
    event = Event.objects.get(collaboration=result.collaboration, kind=Event.Kind.COLLABORATION_IMPORTED)
    assert event.actor == users["coordinator"] and "2 personer" in event.detail


def test_the_importer_becomes_the_only_member_coordinator_of_the_first_party(world):
    collaboration, users = world
    stranger = make_user("Olle Utomstående")
    # A colleague at the municipality (not in the collaboration): only a member of one of the file's
    # organisations may import it (the import never grants anything in another's name).
    join_organisation(stranger, users["coordinator"].memberships.get().party.organisation)
    result = import_as(stranger, transfer.export_collaboration(collaboration))
    membership = Membership.objects.get(collaboration=result.collaboration)
    assert membership.user == stranger and membership.role == Role.COORDINATOR
    assert membership.party == result.collaboration.parties.order_by("pk").first()
    assert len(result.to_invite) == 3
    # Authorship stays with the accounts that wrote it (history), without making them members.
    answer = Answer.objects.filter(collaboration=result.collaboration, party__isnull=True).exclude(text="").first()
    assert answer.updated_by == users["editor"]
    assert not Membership.objects.filter(collaboration=result.collaboration, user=users["editor"]).exists()


# Organisations: an import grants nothing in their name ---------------------------------------------

FORENING_NUMBER = "802000-0009"


def organisation_state(organisation):
    organisation.refresh_from_db()
    members = sorted(OrganisationMember.objects.filter(organisation=organisation).values_list("user_id", "role"))
    return (organisation.name, organisation.org_number, organisation.sector, members)


def test_an_organisation_the_importer_does_not_administer_is_asked_and_left_as_it_was(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    collaboration, users = world
    anna, bo = users["coordinator"], users["editor"]
    forening = bo.memberships.get().party.organisation  # Bo is its administrator, Anna is not in it
    forening.org_number = FORENING_NUMBER
    forening.save()
    document = transfer.export_collaboration(collaboration)
    document["parties"][1]["organisation"]["name"] = "Föreningen Gemenskap (ändrad i filen)"
    before = organisation_state(forening)
    members = OrganisationMember.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        result = import_as(anna, document)

    kommun_party, forening_party = result.collaboration.parties.order_by("pk")
    assert forening_party.organisation == forening  # matched by its number ...
    assert organisation_state(forening) == before  # ... and nothing of it changed, not even the name
    assert OrganisationMember.objects.count() == members
    assert (forening_party.status, forening_party.requested_by) == (PartyStatus.PENDING, anna)
    assert kommun_party.status == PartyStatus.ACCEPTED  # Anna administers the municipality
    # Anna takes part for her own organisation only.
    assert list(Membership.objects.filter(collaboration=result.collaboration).values_list("user", "party")) == [
        (anna.pk, kommun_party.pk)
    ]
    # The association is asked, as when a party is added by hand.
    asked = OrganisationEvent.objects.get(organisation=forening, kind="party.requested")
    assert asked.subject == result.collaboration.title and asked.actor == anna
    assert [m.to for m in mailoutbox] == [[bo.email]]
    assert result.collaboration.title in mailoutbox[0].subject


def test_organisations_the_import_creates_have_no_members_and_are_asked(world):
    collaboration, users = world
    anna = users["coordinator"]
    result = import_as(anna, transfer.export_collaboration(collaboration))
    created = result.collaboration.parties.order_by("pk")[1]  # Föreningen Gemenskap has no number: created
    organisation = created.organisation
    assert not OrganisationMember.objects.filter(organisation=organisation).exists()
    assert organisation.created_by == anna and created.status == PartyStatus.PENDING
    registered = OrganisationEvent.objects.get(organisation=organisation, kind="registered")
    assert (registered.subject, registered.detail, registered.actor) == (
        "Föreningen Gemenskap",
        "Skapad vid import",
        anna,
    )
    assert OrganisationEvent.objects.filter(organisation=organisation, kind="party.requested").exists()


def test_the_importer_joins_the_first_party_of_their_own_and_gets_nothing_elsewhere(world):
    collaboration, users = world
    kommun = users["coordinator"].memberships.get().party.organisation
    forening = users["editor"].memberships.get().party.organisation
    forening.org_number = FORENING_NUMBER
    forening.save()
    document = transfer.export_collaboration(collaboration)
    members = set(OrganisationMember.objects.values_list("organisation", "user", "role"))

    # A member (not an administrator) of the association only, the second party in the file.
    ebba = make_user("Ebba Ek")
    join_organisation(ebba, forening)
    members.add((forening.pk, ebba.pk, OrgRole.MEMBER))
    result = import_as(ebba, document)
    kommun_party, forening_party = result.collaboration.parties.order_by("pk")
    membership = Membership.objects.get(collaboration=result.collaboration)
    assert (membership.user, membership.party, membership.role) == (ebba, forening_party, Role.COORDINATOR)
    assert forening_party.status == PartyStatus.ACCEPTED  # the party she joins
    assert kommun_party.status == PartyStatus.PENDING and kommun_party.organisation == kommun
    assert set(OrganisationMember.objects.values_list("organisation", "user", "role")) == members

    # A member of the municipality who administers the association: joins the first, and the
    # association (which she answers for) is accepted too.
    frida = make_user("Frida Fors")
    join_organisation(frida, kommun)
    join_organisation(frida, forening, role=OrgRole.ADMIN)
    members = set(OrganisationMember.objects.values_list("organisation", "user", "role"))
    result = import_as(frida, document)
    kommun_party, forening_party = result.collaboration.parties.order_by("pk")
    assert Membership.objects.get(collaboration=result.collaboration).party == kommun_party
    assert (kommun_party.status, forening_party.status) == (PartyStatus.ACCEPTED, PartyStatus.ACCEPTED)
    assert set(OrganisationMember.objects.values_list("organisation", "user", "role")) == members

    # A member, not an administrator, of both: the second party waits for the association's answer.
    gustav = make_user("Gustav Gran")
    join_organisation(gustav, kommun)
    join_organisation(gustav, forening)
    result = import_as(gustav, document)
    kommun_party, forening_party = result.collaboration.parties.order_by("pk")
    assert (kommun_party.status, forening_party.status) == (PartyStatus.ACCEPTED, PartyStatus.PENDING)
    assert Membership.objects.get(collaboration=result.collaboration).party == kommun_party


REFUSED = (
    "parties: Du är inte medlem i någon av organisationerna i filen. Be att få gå med i din organisation "
    "först, eller importera för en organisation du företräder."
)


def all_counts():
    return (
        *counts(),
        Party.objects.count(),
        Membership.objects.count(),
        OrganisationMember.objects.count(),
        OrganisationEvent.objects.count(),
    )


def test_an_importer_who_is_a_member_of_none_of_the_organisations_is_refused(client, world, mailoutbox):
    collaboration, users = world
    document = transfer.export_collaboration(collaboration)
    stranger = make_user("Olle Utomstående")
    # Not even an organisation of the same name counts: only the registered organisation, by number.
    join_organisation(stranger, OrganisationFactory(name="Föreningen Gemenskap", sector="ideell_forening"))
    before = all_counts()
    with pytest.raises(transfer.InvalidImport) as caught:
        import_as(stranger, document)
    assert caught.value.errors == [REFUSED]
    assert all_counts() == before
    client.force_login(stranger)
    response = upload(client, json.dumps(document).encode())
    assert response.status_code == 400 and REFUSED in response.content.decode()
    assert all_counts() == before and not mailoutbox


def test_unknown_people_in_history_are_left_empty(world):
    collaboration, users = world
    document = transfer.export_collaboration(collaboration)
    document["risks"][0]["updated_by"] = "finns.inte@example.se"
    result = import_as(users["coordinator"], document)
    risk = Risk.objects.get(collaboration=result.collaboration, title="Ledare slutar")
    assert risk.updated_by is None


# Malformed files ---------------------------------------------------------------------------------


def counts():
    return (Collaboration.objects.count(), Organisation.objects.count(), Risk.objects.count(), Event.objects.count())


def errors_for(user, data):
    before = counts()
    with pytest.raises(transfer.InvalidImport) as caught:
        transfer.import_collaboration(data, user=user)
    assert counts() == before
    return caught.value.errors


def corrupt(document, path, value):
    target = document
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is KeyError:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return document


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("risks.0.probability", 6, "risks[0].probability: måste vara 1–5."),
        ("risks.0.probability", "4", "risks[0].probability: måste vara ett heltal."),
        ("stakeholders.0.interest", 0, "stakeholders[0].interest: måste vara 1–5."),
        ("risks.0.title", KeyError, "risks[0].title: saknas."),
        ("risks.0.status", "kanske", "risks[0].status: okänt värde ”kanske”"),
        ("risks", {}, "risks: måste vara en lista."),
        ("collaboration.title", "", "collaboration.title: får inte vara tom."),
        ("collaboration.title", "x" * 201, "collaboration.title: får vara högst 200 tecken"),
        ("collaboration.end_date", "2025-01-01", "collaboration.end_date: måste vara efter startdatumet."),
        ("collaboration.start_date", "2024-13-45", "collaboration.start_date: måste vara ett datum som ÅÅÅÅ-MM-DD."),
        ("checklists.0.section", "finns-inte", "checklists[0].section: ”finns-inte” finns inte i guiderna."),
        ("answers.0.item", "mucf-finns-inte", "answers[0].item: ”mucf-finns-inte” finns inte i guiderna."),
        ("risks.0.owner", 99, "risks[0].owner: pekar på part 99, som inte finns i parties."),
        ("logged_decisions.0.meeting", 7, "logged_decisions[0].meeting: pekar på möte 7"),
        ("goals.0.indicators.0.unit", "", "goals[0].indicators[0].unit: får inte vara tom."),
        ("goals.0.indicators.0.baseline", "mycket", "goals[0].indicators[0].baseline: måste vara ett tal"),
        ("goals.0.indicators.0.target", "1.234", "goals[0].indicators[0].target: får ha högst tolv siffror"),
        ("goals.0.indicators.0.target_date", "2025-01-01", "goals[0].indicators[0].target_date: måste vara efter"),
        ("meetings.0.ends_at", "2020-01-01T00:00:00+01:00", "meetings[0].ends_at: måste vara efter mötets början."),
        ("meetings.0.link", "javascript:alert(1)", "meetings[0].link: måste vara en webbadress"),
        ("meetings.0.starts_at", "i morgon", "meetings[0].starts_at: måste vara en tidpunkt"),
        ("parties.0.organisation.org_number", "212000-1356", "parties[0].organisation.org_number: "),
        ("parties", [], "parties: måste ha minst en part."),
        ("people.0.email", "inte en adress", "people[0].email: ”inte en adress” är ingen giltig e-postadress."),
        ("agreements.0.versions.1.content.title", "Ändrad", "agreements[0].versions[1].content_hash: stämmer inte"),
        ("map.1.phase", "beslut", "map[1]: finns redan som map[0]."),
        ("stakeholders.0.notes", "a\x00b", "stakeholders[0].notes: innehåller ett otillåtet tecken (NUL)."),
        ("form_questionnaire.answers", {"a": "x\x00"}, "form_questionnaire.answers: innehåller ett otillåtet"),
        (
            "parties.1.organisation.org_number",
            "2120001355",
            "parties[1].organisation.org_number: samma organisation som parties[0]",
        ),
        ("risks.0.probability", True, "risks[0].probability: måste vara ett heltal."),
        (
            "meetings.0.ends_at",
            "9999-12-31T23:59:59-23:59",
            "meetings[0].ends_at: måste ligga mellan år 1900 och 2200.",
        ),
        ("risks.0.review_date", "0001-01-01", "risks[0].review_date: måste ligga mellan år 1900 och 2200."),
        ("goals.0.indicators.0.measurements.1.value", "1e400", "goals[0].indicators[0].measurements[1].value: "),
    ],
)
def test_a_malformed_document_names_what_and_where_and_creates_nothing(world, path, value, expected):
    collaboration, users = world
    document = corrupt(transfer.export_collaboration(collaboration), path, value)
    errors = errors_for(users["coordinator"], json.dumps(document).encode())
    assert any(error.startswith(expected) for error in errors), errors


def test_every_problem_is_reported_at_once(world):
    collaboration, users = world
    document = transfer.export_collaboration(collaboration)
    document["risks"][0]["probability"] = 9
    document["stakeholders"][0]["influence"] = "hög"
    document["checklists"][0]["section"] = "finns-inte"
    errors = errors_for(users["coordinator"], json.dumps(document).encode())
    assert len(errors) == 3


def test_the_last_item_corrupt_leaves_nothing_half_imported(world, monkeypatch):
    """Valid as far as validation can tell, failing in the database at the very end: the
    transaction leaves nothing behind."""
    collaboration, users = world
    document = transfer.export_collaboration(collaboration)
    original = LoggedDecision.objects.bulk_create

    def fail(*args, **kwargs):
        raise transfer.IntegrityError("the last item")

    monkeypatch.setattr(LoggedDecision.objects, "bulk_create", fail)
    errors = errors_for(users["coordinator"], json.dumps(document).encode())
    assert errors == ["Filen kunde inte läsas in: uppgifterna i den hänger inte ihop."]
    monkeypatch.setattr(LoggedDecision.objects, "bulk_create", original)


def test_a_bad_last_measurement_is_refused_before_anything_is_written(world):
    collaboration, users = world
    document = transfer.export_collaboration(collaboration)
    document["logged_decisions"][-1]["decided_on"] = "2026-02-30"
    errors = errors_for(users["coordinator"], json.dumps(document).encode())
    assert errors == ["logged_decisions[1].decided_on: måste vara ett datum som ÅÅÅÅ-MM-DD."]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff\xfe not utf-8", "Filen är inte text i UTF-8"),
        (b"{ inte json", "Filen är inte giltig JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "Filen är inte giltig JSON"),
        (b'{"a": ' + b"9" * 5000 + b"}", "Filen är inte giltig JSON"),
        (b"[1, 2]", "Filen är inte en export från Samverkan"),
        (b'{"format": "annat", "version": 1}', "format: ska vara ”samverkan-export”"),
        (b'{"format": "samverkan-export", "version": 2}', "version: filen har version 2"),
        (b'{"format": "samverkan-export", "version": 1}', "collaboration: saknas."),
    ],
)
def test_files_that_are_not_an_export(people, data, expected):
    _collaboration, users = people
    errors = errors_for(users["coordinator"], data)
    assert errors[0].startswith(expected), errors


def test_a_file_over_10_mb_is_refused(people):
    _collaboration, users = people
    errors = errors_for(users["coordinator"], b" " * (transfer.MAX_BYTES + 1))
    assert errors == ["Filen är större än 10 MB."]


def test_a_utf8_bom_is_accepted(world):
    collaboration, users = world
    data = "\ufeff".encode() + transfer.export_json(collaboration).encode()
    assert transfer.import_collaboration(data, user=users["coordinator"]).collaboration.pk


# The views ---------------------------------------------------------------------------------------


def test_export_view_downloads_the_document_for_coordinators(client, world):
    collaboration, users = world
    client.force_login(users["coordinator"])
    response = client.get(reverse("projects:collaboration_export", args=[collaboration.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert 'filename="motesplats-for-unga-' in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["format"] == "samverkan-export" and document["version"] == 1
    assert set(document["agreements"][0]["versions"][0]) == {
        "number",
        "content",
        "content_hash",
        "status",
        "frozen_by",
        "frozen_at",
        "decide_by",
        "decisions",
    }  # no PDF bytes
    client.force_login(users["editor"])
    assert client.get(reverse("projects:collaboration_export", args=[collaboration.pk])).status_code == 403


def test_export_of_an_archived_period_is_allowed(client, world):
    collaboration, users = world
    collaboration.archived = True
    collaboration.save()
    client.force_login(users["coordinator"])
    assert client.get(reverse("projects:collaboration_export", args=[collaboration.pk])).status_code == 200


def upload(client, data, name="samverkan.json"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("projects:collaboration_import"), {"file": SimpleUploadedFile(name, data)})


def test_import_view_creates_and_redirects_to_the_people_to_invite(client, world):
    collaboration, users = world
    stranger = make_user("Olle Utomstående")
    join_organisation(stranger, users["coordinator"].memberships.get().party.organisation)  # see above
    client.force_login(stranger)
    response = upload(client, transfer.export_json(collaboration).encode())
    new = Collaboration.objects.get(title=collaboration.title + " (importerad)")
    assert response.status_code == 302 and response.url == reverse("projects:people", args=[new.pk])
    page = client.get(response.url)
    text = page.content.decode()
    assert "Bo Berg" in text and "bjuder in" in text


def test_import_view_shows_every_error_and_creates_nothing(client, world):
    collaboration, users = world
    document = transfer.export_collaboration(collaboration)
    document["risks"][0]["probability"] = 6
    document["risks"][0]["title"] = HOSTILE
    client.force_login(users["editor"])
    before = counts()
    response = upload(client, json.dumps(document).encode())
    assert response.status_code == 400
    assert "risks[0].probability: måste vara 1–5." in response.content.decode()
    assert b"<script>alert(1)</script>" not in response.content
    assert counts() == before


def test_import_view_without_a_file(client, people):
    _collaboration, users = people
    client.force_login(users["reader"])
    response = client.post(reverse("projects:collaboration_import"), {"file": "inte en fil"})
    assert response.status_code == 400
    assert "Välj en fil att importera." in response.content.decode()


def test_import_view_refuses_a_file_over_10_mb(client, people, settings):
    _collaboration, users = people
    client.force_login(users["reader"])
    before = counts()
    response = upload(client, b" " * (transfer.MAX_BYTES + 1))
    assert response.status_code == 400
    assert "Filen är större än 10 MB." in response.content.decode()
    assert counts() == before


def test_import_page_needs_a_login(client):
    response = client.get(reverse("projects:collaboration_import"))
    assert response.status_code == 302 and "login" in response.url


# Query count ------------------------------------------------------------------------------------


def grow(collaboration, users, n):
    """n more of every repeated kind of row."""
    anna = users["coordinator"]
    party = anna.memberships.get().party
    goal = GoalFactory(collaboration=collaboration, title="Mål")
    agreement = collaboration.agreements.get()
    version = agreement.versions.order_by("number").first()
    section = agreement.sections.first()
    items = list(Item.objects.filter(kind="question").order_by("pk")[:n])
    for i in range(n):
        RiskFactory(collaboration=collaboration, title=f"R{i}", probability=2, consequence=3, updated_by=anna)
        StakeholderFactory(collaboration=collaboration, name=f"S{i}", influence=1, interest=2)
        indicator = IndicatorFactory(
            goal=goal,
            name=f"I{i}",
            unit="st",
            baseline=1,
            baseline_date=date(2026, 1, 1),
            target=2,
            target_date=date(2027, 1, 1),
        )
        MeasurementFactory(indicator=indicator, value=i, measured_on=date(2026, 2, 1), recorded_by=anna)
        meeting = MeetingFactory(
            collaboration=collaboration, title=f"M{i}", starts_at=T0, ends_at=T0 + timedelta(hours=1)
        )
        MeetingParticipantFactory(meeting=meeting, party=party, user=anna, name="Anna")
        LoggedDecisionFactory(
            collaboration=collaboration,
            meeting=meeting,
            text="B",
            decided_on=date.today(),
            decided_by="X",
            recorded_by=anna,
        )
        answer = AnswerFactory(
            collaboration=collaboration, item=items[i], party=party, text="t", version=1, updated_by=anna
        )
        answer.revisions.create(version=1, text="t", status="discussed", author=anna)
        CommentFactory(collaboration=collaboration, item=items[i], author=anna, text="k")
        AgreementCommentFactory(section=section, author=anna, text="k")
        section.revisions.create(version=100 + i, text="t", author=anna)
    assert version is not None


@pytest.mark.parametrize("n", [3, 30])
def test_export_query_count_does_not_grow(world, django_assert_max_num_queries, n):
    collaboration, users = world
    grow(collaboration, users, n)
    with django_assert_max_num_queries(36):
        document = transfer.export_collaboration(collaboration)
    assert len(document["risks"]) == n + 2
