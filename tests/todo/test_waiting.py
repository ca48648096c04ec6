"""Väntar på dig: what waits for a person, derived from the state (gone as soon as it is done), for
the right people only, with a flat number of statements; and the next step through the loop."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guides.models import CollaborationForm, Item
from projects.agreements import services as agreements
from projects.checklists import services as checklists
from projects.core.models import Role
from projects.goals.models import GoalAcceptance
from projects.meetings import services as meetings
from projects.todo import queries as todo
from tests.factories import (
    AnswerFactory,
    GoalFactory,
    IndicatorFactory,
    InvitationFactory,
    JoinRequestFactory,
    MeasurementFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    PrincipleConcernFactory,
    RiskFactory,
    collaboration_with_people,
    decided_iop,
    join_organisation,
    make_collaboration,
    make_user,
)

pytestmark = pytest.mark.django_db


def texts(user, collaboration=None):
    return [item.text for item in todo.waiting_for(user, collaboration).items]


def _joint_question(collaboration):
    questions = Item.objects.current().filter(kind=Item.Kind.QUESTION)
    cs = (
        collaboration.checklist_sections.filter(answer_mode="joint", section__in=questions.values("section"))
        .select_related("section")
        .order_by("pk")
        .first()
    )
    return cs, questions.filter(section=cs.section).order_by("pk").first()


def test_minutes_wait_for_the_participant_until_approved(people):
    collaboration, who = people
    meeting = MeetingFactory(collaboration=collaboration, title="Styrgrupp mars")
    for person in (who["coordinator"], who["editor"]):
        MeetingParticipantFactory(meeting=meeting, user=person, name=person.full_name)
    meetings.save_minutes(meeting, user=who["coordinator"], text="§ 1 Mötet öppnas", base_version=0)
    assert "Justera protokollet från Styrgrupp mars" in texts(who["editor"])
    assert not any("Styrgrupp" in t for t in texts(who["reader"]))  # not a participant
    meeting.refresh_from_db()
    meetings.approve_minutes(meeting, user=who["editor"], version=meeting.minutes_version)
    assert not any("Styrgrupp" in t for t in texts(who["editor"]))


def test_a_joint_answer_the_other_party_changed_waits_for_my_partys_confirmation(people):
    collaboration, who = people
    cs, item = _joint_question(collaboration)
    checklists.save_answer(
        collaboration=collaboration,
        item=item,
        party=None,
        user=who["coordinator"],
        text="Vi föreslår",
        status=None,
        base_version=0,
    )
    waiting = [t for t in texts(who["editor"]) if "gemensamt svar" in t]
    assert waiting == [f"1 gemensamt svar i {cs.section.title} väntar på att din part bekräftar det"]
    assert not any("gemensamt svar" in t for t in texts(who["coordinator"]))  # their own party wrote it
    assert not any("gemensamt svar" in t for t in texts(who["reader"]))  # a reader does not confirm
    answer = collaboration.answers.get(item=item, party=None)
    party = collaboration.memberships.get(user=who["editor"]).party
    checklists.confirm_answer(answer, party=party, user=who["editor"], version=answer.version)
    assert not any("gemensamt svar" in t for t in texts(who["editor"]))


def test_questions_of_my_partys_own_sections_wait_for_my_party(people):
    collaboration, who = people
    per_party = collaboration.checklist_sections.filter(answer_mode="per_party")
    assert per_party.exists()
    assert any("för Föreningen Gemenskap" in t for t in texts(who["editor"]))
    assert any("för Exempelkommun" in t for t in texts(who["coordinator"]))
    assert not any(t.startswith("Svara på") for t in texts(who["reader"]))


def test_the_checklists_stop_waiting_once_the_agreement_is_decided(people):
    collaboration, who = people
    assert any(t.startswith("Svara på") for t in texts(who["editor"]))
    decided_iop(collaboration, [who["coordinator"], who["editor"]])
    assert not any(t.startswith("Svara på") for t in texts(who["editor"]))
    assert not any(t.startswith("Svara på") for t in texts(who["coordinator"]))


def test_goals_to_accept_measurements_due_and_risks_due(people):
    collaboration, who = people
    today = timezone.localdate()
    goal = GoalFactory(collaboration=collaboration, title="Fler unga")
    assert "1 mål väntar på att Föreningen Gemenskap accepterar det" in texts(who["editor"])
    GoalAcceptance.objects.create(goal=goal, party=collaboration.memberships.get(user=who["editor"]).party)
    assert not any("mål väntar" in t for t in texts(who["editor"]))

    indicator = IndicatorFactory(goal=goal)
    goal.measure_by = today + timedelta(days=10)
    goal.measure_requested_at = timezone.now()
    goal.save()
    assert "Registrera mätvärden för målet Fler unga" in texts(who["editor"])
    MeasurementFactory(indicator=indicator, value=Decimal("12"), measured_on=today)
    assert "Registrera mätvärden för målet Fler unga" not in texts(who["editor"])

    mine = collaboration.memberships.get(user=who["editor"]).party
    RiskFactory(
        collaboration=collaboration, title="Lokalen försvinner", review_date=today + timedelta(days=3), owner=mine
    )
    RiskFactory(collaboration=collaboration, title="Långt bort", review_date=today + timedelta(days=60))
    assert "Följ upp risken Lokalen försvinner" in texts(who["editor"])
    assert "Följ upp risken Lokalen försvinner" not in texts(who["coordinator"])  # another party owns it
    assert not any("Långt bort" in t for t in texts(who["editor"]))


def test_concerns_invitations_and_an_ending_period_wait_for_coordinators_only(people):
    collaboration, who = people
    PrincipleConcernFactory(collaboration=collaboration)
    InvitationFactory(collaboration=collaboration, party=collaboration.parties.first(), invited_by=who["coordinator"])
    collaboration.end_date = timezone.localdate() + timedelta(days=45)
    collaboration.save()
    coordinator = texts(who["coordinator"])
    assert "1 synpunkt på principerna väntar på att lösas" in coordinator
    assert any(t.startswith("1 inbjudan är inte besvarad") for t in coordinator)
    assert "Perioden slutar snart: omförhandla överenskommelsen eller starta en ny period" in coordinator
    editor = texts(who["editor"])
    assert not any("synpunkt" in t or "inbjudan" in t or "Perioden" in t for t in editor)
    item = next(i for i in todo.waiting_for(who["coordinator"]).items if i.text.startswith("Perioden"))
    assert item.due == collaboration.end_date and item.url.endswith("/faser/ny-period/")


def test_requests_to_join_wait_for_the_organisations_administrators(people):
    from projects.organisations.models import OrgRole

    collaboration, who = people
    organisation = collaboration.memberships.get(user=who["coordinator"]).party.organisation
    join_organisation(who["coordinator"], organisation, role=OrgRole.ADMIN)
    JoinRequestFactory(organisation=organisation)
    waiting = todo.waiting_for(who["coordinator"])
    assert [i.text for i in waiting.organisation_items] == ["1 person vill gå med i Exempelkommun"]
    assert todo.waiting_for(who["editor"]).organisation_items == []


def test_an_overdue_item_comes_first_and_says_so(people):
    collaboration, who = people
    today = timezone.localdate()
    mine = collaboration.memberships.get(user=who["editor"]).party
    RiskFactory(collaboration=collaboration, title="Sen", review_date=today - timedelta(days=2), owner=mine)
    first = todo.waiting_for(who["editor"]).items[0]
    assert first.text == "Följ upp risken Sen" and first.overdue


def test_nothing_of_another_collaboration_shows(people):
    collaboration, who = people
    other = make_collaboration(coordinator=make_user("Olle Olsson"), title="Annan")
    PrincipleConcernFactory(collaboration=other)
    assert not any(i.collaboration == other for i in todo.waiting_for(who["coordinator"]).items)
    assert all(i.collaboration == collaboration for i in todo.waiting_for(who["coordinator"], collaboration).items)


def _busy_collaborations(n, user):
    """``n`` collaborations where ``user`` coordinates, each with something of every kind waiting."""
    for i in range(n):
        collaboration = make_collaboration(coordinator=user, title=f"Samverkan {i}")
        PrincipleConcernFactory(collaboration=collaboration)
        RiskFactory(collaboration=collaboration, review_date=timezone.localdate())
        goal = GoalFactory(
            collaboration=collaboration, measure_by=timezone.localdate(), measure_requested_at=timezone.now()
        )
        IndicatorFactory(goal=goal)
        meeting = MeetingFactory(collaboration=collaboration, minutes="§ 1")
        MeetingParticipantFactory(meeting=meeting, user=user, name=user.full_name)
        _cs, item = _joint_question(collaboration)
        AnswerFactory(collaboration=collaboration, item=item, text="Förslag", updated_by=make_user("Annan Person"))


def test_the_number_of_statements_does_not_grow_with_the_number_of_collaborations():
    one, many = make_user("En Person"), make_user("Många Person")
    _busy_collaborations(1, one)
    _busy_collaborations(4, many)
    with CaptureQueriesContext(connection) as few:
        small = todo.waiting_for(one)
    with CaptureQueriesContext(connection) as more:
        large = todo.waiting_for(many)
    assert len(large.items) > 3 * len(small.items) > 0
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_next_step_follows_the_collaboration_through_the_loop():
    collaboration, who = collaboration_with_people()
    coordinator = collaboration.memberships.get(user=who["coordinator"])
    step = todo.next_step(collaboration, coordinator)
    assert step.stage == "prepare" and step.text.startswith("Gå igenom checklistorna tillsammans")
    assert [state for _key, _label, state in step.stages] == ["current", "todo", "todo", "todo", "todo"]

    collaboration.form = CollaborationForm.objects.get(slug="iop")
    collaboration.save()
    assert todo.next_step(collaboration, coordinator).text == "Påbörja överenskommelsen."

    agreement = agreements.create_agreement(collaboration, user=who["coordinator"], form=collaboration.form)
    assert todo.next_step(collaboration, coordinator).stage == "write"
    agreement.sections.filter(text="").update(text="Text.")
    agreements.freeze(agreement, user=who["coordinator"])
    step = todo.next_step(collaboration, coordinator)
    assert step.stage == "decide" and "0 av 2 har beslutat" in step.text

    agreement.delete()
    decided_iop(collaboration, [who["coordinator"], who["editor"]])
    step = todo.next_step(collaboration, coordinator)
    assert step.stage == "follow_up" and [s for _k, _l, s in step.stages] == ["done"] * 4 + ["current"]
    collaboration.end_date = timezone.localdate() + timedelta(days=30)
    collaboration.save()
    assert todo.next_step(collaboration, coordinator).text.startswith("Perioden slutar snart")
    editor = collaboration.memberships.get(user=who["editor"])
    assert todo.next_step(collaboration, editor).text.startswith("Överenskommelsen är beslutad")


def test_a_reader_is_told_what_the_others_do():
    collaboration, who = collaboration_with_people()
    collaboration.form = CollaborationForm.objects.get(slug="iop")
    collaboration.save()
    reader = collaboration.memberships.get(user=who["reader"])
    assert reader.role == Role.READER
    assert todo.next_step(collaboration, reader).text == "Samordnaren påbörjar överenskommelsen."


def test_the_dashboard_shows_five_per_collaboration_and_links_to_the_rest(client):
    user = make_user("Många Saker")
    _busy_collaborations(1, user)
    total = len(todo.waiting_for(user).items)
    assert total > 5
    client.force_login(user)
    body = client.get("/").content.decode()
    assert body.count('class="todo-item') == 5
    assert f"{total - 5} saker till väntar på dig i Samverkan 0" in body
    overview = client.get(todo.waiting_for(user).items[0].collaboration.get_absolute_url()).content.decode()
    assert overview.count('class="todo-item') == total
