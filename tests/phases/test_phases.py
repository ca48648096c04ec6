"""The current phase: moving it forward and back (confirmation step, open questions as a warning,
a reason needed going back, the ends refused), the timeline, the mapping of guide sections to phases
and the overview card."""

import pytest
from django.urls import reverse

from guides.models import Item, Section
from projects.checklists import services as checklists
from projects.checklists.models import AnswerStatus, ChecklistSection
from projects.core.models import Collaboration, Event, Phase
from projects.phases import services as phases
from projects.phases.models import PhaseChange

pytestmark = pytest.mark.django_db


def url(name, collaboration):
    return reverse(f"projects:{name}", args=[collaboration.pk])


def set_phase(collaboration, phase):
    Collaboration.objects.filter(pk=collaboration.pk).update(phase=phase)
    collaboration.refresh_from_db()


def answer(collaboration, slug, user, status, text="Vi har pratat om det.", party=None, index=0):
    section = Section.objects.get(slug=slug)
    item = Item.objects.filter(section=section, kind=Item.Kind.QUESTION).order_by("order", "pk")[index]
    result = checklists.save_answer(
        collaboration=collaboration,
        item=item,
        party=party,
        user=user,
        text=text,
        status=status,
        base_version=0,
    )
    return result.obj


@pytest.fixture
def coordinator_client(client, people):
    client.force_login(people[1]["coordinator"])
    return client


# The mapping -----------------------------------------------------------------------------------


def test_every_mapped_slug_is_a_guide_section():
    slugs = set(Section.objects.values_list("slug", flat=True))
    assert set(phases.EXTRA_PHASE_SECTIONS) <= slugs, set(phases.EXTRA_PHASE_SECTIONS) - slugs
    for mapped in phases.EXTRA_PHASE_SECTIONS.values():
        assert set(mapped) <= set(phases.PHASES)


def test_mapping_combines_the_fixtures_and_the_judgement():
    agenda = phases.phase_section_slugs("agendasattning")
    assert {"halland-anledning", "mucf-problem", "forum-agendasattning"} <= agenda  # from the fixtures
    assert {"mucf-status", "mucf-lagar", "sjustegs-steg-1"} <= agenda  # mapped here
    assert "mucf-gemensam-bild" not in agenda
    # MUCF's "Utvärdera och omformulera" belongs to both uppföljning (fixture) and omformulering (here).
    assert "mucf-utvardera" in phases.phase_section_slugs("uppfoljning")
    assert "mucf-utvardera" in phases.phase_section_slugs("omformulering")
    assert "halland-varfor-samverka" not in set().union(*(phases.phase_section_slugs(p) for p in phases.PHASES))


def test_the_guide_sections_linked_for_each_phase_exist():
    for phase in phases.PHASES:
        guidance = phases.phase_guidance(phase)
        assert guidance["sections"], phase
        assert guidance["names"], phase


# Open items ------------------------------------------------------------------------------------


def test_open_items_count_questions_not_agreed_or_not_relevant(people):
    collaboration, users = people
    set_phase(collaboration, Phase.FORMULERING)
    # Formulering: MUCF "Planera och justera" and its steps (joint answers).
    before = phases.open_items(collaboration)
    slugs = {group.checklist_section.section.slug for group in before.groups}
    assert slugs == {"mucf-planera", "mucf-gemensam-bild", "mucf-metod", "mucf-rollfordelning"}
    questions = Item.objects.filter(section__slug__in=slugs, kind=Item.Kind.QUESTION, retired=False).count()
    assert before.total == before.count == questions
    answer(collaboration, "mucf-metod", users["coordinator"], AnswerStatus.NOT_RELEVANT, index=0)
    answer(collaboration, "mucf-metod", users["coordinator"], AnswerStatus.DISCUSSED, index=1)
    # An answer outside the phase changes nothing.
    answer(collaboration, "halland-anledning", users["coordinator"], AnswerStatus.NOT_RELEVANT)
    after = phases.open_items(collaboration)
    assert after.count == questions - 1
    assert after.total == questions


def test_open_items_count_per_party_for_per_party_sections(people):
    collaboration, users = people
    # Agendasättning includes MUCF Förutsättningar (per party, for the public party only: one row per question).
    items = phases.open_items(collaboration)
    status = next(g for g in items.groups if g.checklist_section.section.slug == "mucf-status")
    kommun = users["coordinator"].memberships.get().party
    assert {party for _, party, _ in status.rows} == {kommun}
    answer(collaboration, "mucf-status", users["coordinator"], AnswerStatus.NOT_RELEVANT, party=kommun)
    assert phases.open_items(collaboration).count == items.count - 1


def test_removed_checklist_sections_do_not_count(people):
    collaboration, _ = people
    set_phase(collaboration, Phase.FORMULERING)
    before = phases.open_items(collaboration).count
    ChecklistSection.objects.filter(collaboration=collaboration, section__slug="mucf-metod").update(active=False)
    metod = Item.objects.filter(section__slug="mucf-metod", kind=Item.Kind.QUESTION, retired=False).count()
    assert phases.open_items(collaboration).count == before - metod


# Moving the phase --------------------------------------------------------------------------------


def test_advance_shows_the_open_questions_before_moving_on(coordinator_client, people):
    collaboration, users = people
    response = coordinator_client.get(url("phase_advance", collaboration))
    assert response.status_code == 200
    body = response.content.decode()
    open_items = phases.open_items(collaboration)
    assert f"{open_items.count} frågor i checklistorna för Agendasättning är inte klara" in body
    first_group = open_items.groups[0]
    item = first_group.rows[0][0]
    assert reverse("projects:checklist_section", args=[collaboration.pk, first_group.checklist_section.pk]) in body
    assert f"#q-{item.pk}" in body
    assert "Gå vidare till Formulering" in body
    collaboration.refresh_from_db()
    assert collaboration.phase == Phase.AGENDASATTNING  # GET changes nothing
    assert not PhaseChange.objects.exists()


def test_advance_records_the_change_with_the_open_count(coordinator_client, people):
    collaboration, users = people
    expected_open = phases.open_items(collaboration).count
    response = coordinator_client.post(url("phase_advance", collaboration), {"fran": "agendasattning", "comment": ""})
    assert response.status_code == 302 and response.url == url("phases", collaboration)
    collaboration.refresh_from_db()
    assert collaboration.phase == Phase.FORMULERING
    change = PhaseChange.objects.get(collaboration=collaboration)
    assert (change.from_phase, change.to_phase, change.open_items) == ("agendasattning", "formulering", expected_open)
    assert change.changed_by == users["coordinator"]
    event = Event.objects.filter(collaboration=collaboration, kind=Event.Kind.PHASE_CHANGED).get()
    assert event.subject == "Agendasättning → Formulering"


def test_a_second_click_does_not_skip_a_phase(coordinator_client, people):
    collaboration, _ = people
    coordinator_client.post(url("phase_advance", collaboration), {"fran": "agendasattning"})
    response = coordinator_client.post(url("phase_advance", collaboration), {"fran": "agendasattning", "comment": "x"})
    assert response.status_code == 200
    assert "Fasen har redan ändrats till Formulering" in response.content.decode()
    assert "\nx</textarea>" in response.content.decode()  # the comment is kept
    collaboration.refresh_from_db()
    assert collaboration.phase == Phase.FORMULERING
    assert PhaseChange.objects.count() == 1


def test_going_back_needs_a_reason(coordinator_client, people):
    collaboration, _ = people
    set_phase(collaboration, Phase.BESLUT)
    response = coordinator_client.get(url("phase_back", collaboration))
    assert "Gå tillbaka från Beslut till Formulering?" in response.content.decode()
    response = coordinator_client.post(url("phase_back", collaboration), {"fran": "beslut", "comment": "   "})
    assert response.status_code == 200
    assert "Skriv varför ni går tillbaka till en tidigare fas." in response.content.decode()
    collaboration.refresh_from_db()
    assert collaboration.phase == Phase.BESLUT
    response = coordinator_client.post(
        url("phase_back", collaboration), {"fran": "beslut", "comment": "Budgeten ändrades: <b>vi</b> börjar om."}
    )
    assert response.status_code == 302
    collaboration.refresh_from_db()
    assert collaboration.phase == Phase.FORMULERING
    change = PhaseChange.objects.get()
    assert change.note == "Budgeten ändrades: <b>vi</b> börjar om."
    page = coordinator_client.get(url("phases", collaboration)).content.decode()
    assert "Budgeten ändrades: &lt;b&gt;vi&lt;/b&gt; börjar om." in page
    assert "Tillbaka" in page


def test_going_back_requires_a_reason_in_the_rules_too(people):
    collaboration, users = people
    set_phase(collaboration, Phase.BESLUT)
    with pytest.raises(phases.PhaseError):
        phases.change_phase(collaboration, user=users["coordinator"], to_phase="formulering", from_phase="beslut")
    with pytest.raises(phases.PhaseError):  # two steps at once
        phases.change_phase(collaboration, user=users["coordinator"], to_phase="agendasattning", from_phase="beslut")


@pytest.mark.parametrize(("phase", "name"), [("agendasattning", "phase_back"), ("omformulering", "phase_advance")])
def test_no_step_past_the_ends(coordinator_client, people, phase, name):
    collaboration, _ = people
    set_phase(collaboration, phase)
    for response in (
        coordinator_client.get(url(name, collaboration)),
        coordinator_client.post(url(name, collaboration), {"fran": phase, "comment": "Skäl"}),
    ):
        assert response.status_code == 302
    collaboration.refresh_from_db()
    assert collaboration.phase == phase
    assert not PhaseChange.objects.exists()
    page = coordinator_client.get(url("phases", collaboration)).content.decode()
    assert ("Gå tillbaka till" in page) == (phase != "agendasattning")
    assert ("Gå vidare till" in page) == (phase != "omformulering")


@pytest.mark.parametrize("value", ["", "okänd", "9" * 30, "agendasattning\x00"])
def test_bad_from_phase_is_a_message_not_an_error(coordinator_client, people, value):
    collaboration, _ = people
    response = coordinator_client.post(url("phase_advance", collaboration), {"fran": value, "comment": "Hej"})
    assert response.status_code == 200
    collaboration.refresh_from_db()
    assert collaboration.phase == Phase.AGENDASATTNING


def test_a_long_comment_is_refused_and_kept(coordinator_client, people):
    collaboration, _ = people
    text = "å" * 2001
    response = coordinator_client.post(url("phase_advance", collaboration), {"fran": "agendasattning", "comment": text})
    assert response.status_code == 200
    assert "högst 2000 tecken" in response.content.decode()
    assert text in response.content.decode()
    assert not PhaseChange.objects.exists()


@pytest.mark.parametrize("role", ["reader", "editor"])
def test_only_coordinators_move_the_phase(client, people, role):
    collaboration, users = people
    client.force_login(users[role])
    assert client.post(url("phase_advance", collaboration), {"fran": "agendasattning"}).status_code == 403
    page = client.get(url("phases", collaboration)).content.decode()
    assert "Gå vidare till" not in page
    collaboration.refresh_from_db()
    assert collaboration.phase == Phase.AGENDASATTNING


def test_archived_collaboration_keeps_its_phase(coordinator_client, people):
    collaboration, _ = people
    Collaboration.objects.filter(pk=collaboration.pk).update(archived=True)
    assert coordinator_client.post(url("phase_advance", collaboration), {"fran": "agendasattning"}).status_code == 403
    assert "Gå vidare till" not in coordinator_client.get(url("phases", collaboration)).content.decode()


# The page, the timeline and the overview -------------------------------------------------------


def test_timeline_starts_with_the_creation_and_lists_the_changes_in_order(coordinator_client, people):
    collaboration, users = people
    phases.change_phase(collaboration, user=users["coordinator"], to_phase="formulering", from_phase="agendasattning")
    phases.change_phase(
        collaboration, user=users["coordinator"], to_phase="agendasattning", from_phase="formulering", note="Om igen"
    )
    entries = phases.timeline(collaboration)
    assert [e["start"] for e in entries] == [True, False, False]
    assert entries[0]["to_phase"] == "agendasattning" and entries[0]["by"] == users["coordinator"]
    assert [e.get("forward") for e in entries[1:]] == [True, False]
    page = coordinator_client.get(url("phases", collaboration)).content.decode()
    timeline = page[page.index('id="timeline-heading"') :]
    assert timeline.index("Samverkan skapad") < timeline.index("Vidare") < timeline.index("Om igen")


def test_phases_page_shows_the_current_phase_with_the_guides(coordinator_client, people):
    collaboration, _ = people
    set_phase(collaboration, Phase.UPPFOLJNING)
    page = coordinator_client.get(url("phases", collaboration)).content.decode()
    assert "Nuvarande fas: Uppföljning" in page
    assert "Forum: <em>Följa upp</em>" in page and "7 steg: <em>Granskning</em>" in page
    assert reverse("guides:section", args=["forum", "forum-folja-upp"]) in page
    assert 'aria-current="step"' in page
    assert "Gå vidare till Omformulering" in page and "Gå tillbaka till Genomförande" in page


def test_overview_shows_the_phase_card(client, people):
    collaboration, users = people
    set_phase(collaboration, Phase.BESLUT)
    client.force_login(users["reader"])
    page = client.get(reverse("projects:overview", args=[collaboration.pk])).content.decode()
    card = page[page.index('id="phase-card-heading"') :]
    assert "Nuvarande fas: Beslut (3 av 6)." in card
    assert url("phases", collaboration) in card  # the stepper itself is on the phases page (2db65af)


# Actions that match the state -----------------------------------------------------------------


def test_going_on_is_the_primary_button_only_when_the_phase_is_done(coordinator_client, people):
    collaboration, _ = people
    open_ = phases.open_items(collaboration)
    assert open_.count > 0
    page = coordinator_client.get(url("phases", collaboration)).content.decode()
    button = page[page.index('id="phase-advance"') - 80 : page.index('id="phase-advance"')]
    assert "btn-outline-secondary" in button and "btn-primary" not in button
    assert f"{open_.count} frågor i fasens checklistor är inte klara." in page
    assert "av" not in page[page.index('id="phase-open"') :][:60]  # no "96 av 96"
    # Every question of the phase done: going on is the next step.
    ChecklistSection.objects.filter(collaboration=collaboration).update(active=False)
    page = coordinator_client.get(url("phases", collaboration)).content.decode()
    button = page[page.index('id="phase-advance"') - 80 : page.index('id="phase-advance"')]
    assert "btn-primary" in button


def test_a_new_period_is_offered_when_it_is_time(coordinator_client, people):
    import datetime

    collaboration, _ = people
    page = coordinator_client.get(url("phases", collaboration)).content.decode()
    link = page[page.index('id="period-start"') - 60 : page.index('id="period-start"')]
    assert "btn" not in link and "Påbörja en ny period redan nu" in page  # phase 1: a quiet link
    assert not phases.period_due(collaboration)
    set_phase(collaboration, Phase.UPPFOLJNING)
    page = coordinator_client.get(url("phases", collaboration)).content.decode()
    link = page[page.index('id="period-start"') - 60 : page.index('id="period-start"')]
    assert "btn btn-outline-primary" in link
    set_phase(collaboration, Phase.BESLUT)
    Collaboration.objects.filter(pk=collaboration.pk).update(end_date=datetime.date(2026, 12, 31))
    collaboration.refresh_from_db()
    assert phases.period_due(collaboration, today=datetime.date(2026, 11, 1))
    assert not phases.period_due(collaboration, today=datetime.date(2026, 6, 1))


def test_the_agreement_decided_by_all_moves_the_phase_to_genomforande(people):
    from django.utils import translation

    from tests.factories import decided_iop

    collaboration, users = people
    assert collaboration.phase == Phase.AGENDASATTNING
    decided_iop(collaboration, [users["coordinator"], users["editor"]])
    collaboration.refresh_from_db()
    assert collaboration.phase == Phase.GENOMFORANDE
    change = PhaseChange.objects.get(collaboration=collaboration)
    assert (change.from_phase, change.to_phase) == (Phase.AGENDASATTNING, Phase.GENOMFORANDE)
    assert change.note.startswith("Överenskommelsen är beslutad av alla parter")
    event = Event.objects.get(collaboration=collaboration, kind=Event.Kind.PHASE_CHANGED)
    assert event.subject == "Agendasättning → Genomförande"
    with translation.override("en"):  # the phase names have their English already
        assert event.shown_subject() == "Agenda setting → Implementation"
    # A later phase stays where it is.
    set_phase(collaboration, Phase.UPPFOLJNING)
    assert phases.follow_decided_agreement(collaboration, user=users["coordinator"]) is None
    collaboration.refresh_from_db()
    assert collaboration.phase == Phase.UPPFOLJNING


def test_the_map_shows_phase_names_in_the_readers_language(coordinator_client, people):
    from django.conf import settings

    collaboration, _ = people
    coordinator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = coordinator_client.get(url("phases", collaboration)).content.decode()
    table = page[page.index('class="table table-sm align-top table-stack map-table"') :]
    assert "Agenda setting" in table and "Agendasättning" not in table
    picture = page[page.index('<svg class="map-picture"') :]
    assert "Implementation" in picture[: picture.index("</svg>")]
