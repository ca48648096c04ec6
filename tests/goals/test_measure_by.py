"""A goal's round of measurements: a coordinator asks for new values by a date ("mät senast"); the
round is done when every indicator has a measurement recorded after it began
(projects.goals.queries.with_measurement_round, for the to-do list and the reminders)."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from projects.core.models import Event
from projects.goals import queries
from projects.goals import services as goals
from projects.goals.models import Goal, GoalEvent
from tests.factories import GoalFactory, IndicatorFactory, MeasurementFactory, make_collaboration

pytestmark = pytest.mark.django_db

REQUESTED = timezone.now() - timedelta(days=10)


def in_days(n):
    return timezone.localdate() + timedelta(days=n)


def measure_url(goal):
    return reverse("projects:goal_measure_by", args=[goal.collaboration_id, goal.pk])


def goals_url(collaboration):
    return reverse("projects:goals", args=[collaboration.pk])


def round_goal(collaboration, indicators=2, requested=REQUESTED, **fields):
    goal = GoalFactory(collaboration=collaboration, measure_by=in_days(20), measure_requested_at=requested, **fields)
    return goal, [IndicatorFactory(goal=goal) for _ in range(indicators)]


def recorded(indicator, when):
    return MeasurementFactory(indicator=indicator, recorded_at=when)


def annotated(goal):
    row = queries.with_measurement_round(Goal.objects.filter(pk=goal.pk)).get()
    return row.measurements_done, row.indicators_left


# The annotation --------------------------------------------------------------------------------


def test_no_round_asked_for(collaboration):
    goal = GoalFactory(collaboration=collaboration)
    indicator = IndicatorFactory(goal=goal)
    recorded(indicator, timezone.now())
    assert annotated(goal) == (None, 0)
    assert queries.measurements_done(goal) is None


def test_a_round_nobody_has_measured_for(collaboration):
    goal, (first, second) = round_goal(collaboration)
    recorded(first, REQUESTED - timedelta(days=1))  # before the round began: does not count
    assert annotated(goal) == (False, 2)


def test_a_round_with_one_of_two_indicators_measured(collaboration):
    goal, (first, second) = round_goal(collaboration)
    recorded(first, REQUESTED + timedelta(minutes=1))
    recorded(second, REQUESTED - timedelta(minutes=1))
    assert annotated(goal) == (False, 1)
    assert queries.measurements_done(goal) is False


def test_a_round_with_every_indicator_measured_is_done(collaboration):
    goal, indicators = round_goal(collaboration, indicators=3)
    for indicator in indicators:
        recorded(indicator, REQUESTED + timedelta(hours=1))
    recorded(indicators[0], REQUESTED + timedelta(hours=2))  # twice for one: still done
    assert annotated(goal) == (True, 0)
    assert queries.measurements_done(goal) is True


def test_what_counts_is_when_a_value_was_recorded_not_the_day_it_is_for(collaboration):
    goal, (indicator,) = round_goal(collaboration, indicators=1)
    MeasurementFactory(indicator=indicator, measured_on=date(2026, 2, 1), recorded_at=REQUESTED + timedelta(days=1))
    assert annotated(goal) == (True, 0)


def test_a_round_for_a_goal_without_indicators_waits_for_nothing(collaboration):
    goal, _none = round_goal(collaboration, indicators=0)
    assert annotated(goal) == (True, 0)


def test_one_query_for_many_goals_and_a_filter_for_the_to_do_list(collaboration):
    other = make_collaboration(title="Annan")
    done, (a,) = round_goal(collaboration, indicators=1)
    recorded(a, REQUESTED + timedelta(hours=1))
    waiting, _ = round_goal(collaboration, indicators=2)
    no_round = GoalFactory(collaboration=collaboration)
    elsewhere, _ = round_goal(other, indicators=1)
    for _i in range(5):
        round_goal(collaboration, indicators=3)
    with CaptureQueriesContext(connection) as captured:
        rows = {g.pk: (g.measurements_done, g.indicators_left) for g in queries.with_measurement_round()}
    assert len(captured) == 1
    assert rows[done.pk] == (True, 0) and rows[waiting.pk] == (False, 2) and rows[no_round.pk] == (None, 0)
    due = queries.with_measurement_round(Goal.objects.filter(collaboration=collaboration)).filter(
        measurements_done=False
    )
    assert waiting.pk in set(due.values_list("pk", flat=True))
    assert not {done.pk, no_round.pk, elsewhere.pk} & set(due.values_list("pk", flat=True))


# The service ------------------------------------------------------------------------------------


def test_setting_the_date_begins_a_round_now_and_clearing_ends_it(people):
    collaboration, users = people
    goal = GoalFactory(collaboration=collaboration)
    IndicatorFactory(goal=goal)
    before = timezone.now()
    assert goals.set_measure_by(goal, in_days(14), user=users["coordinator"])
    goal.refresh_from_db()
    assert goal.measure_by == in_days(14) and before <= goal.measure_requested_at <= timezone.now()
    assert not goals.set_measure_by(goal, in_days(14), user=users["coordinator"])
    assert goals.set_measure_by(goal, None, user=users["coordinator"])
    goal.refresh_from_db()
    assert goal.measure_by is None and goal.measure_requested_at is None
    details = list(Event.objects.filter(kind=GoalEvent.MEASURE_BY).order_by("pk").values_list("detail", flat=True))
    assert details == [f"Mät senast {date_format(in_days(14), 'j F Y')}", "Datumet för mätningen borttaget"]


def test_moving_the_date_of_a_round_under_way_keeps_what_was_measured_for_it(people):
    collaboration, users = people
    goal, (first, second) = round_goal(collaboration)
    recorded(first, REQUESTED + timedelta(days=1))
    goals.set_measure_by(goal, in_days(30), user=users["coordinator"])
    goal.refresh_from_db()
    assert goal.measure_requested_at == REQUESTED and goal.measure_by == in_days(30)
    assert annotated(goal) == (False, 1)


def test_a_new_date_after_a_finished_round_begins_the_next(people):
    collaboration, users = people
    goal, (indicator,) = round_goal(collaboration, indicators=1)
    recorded(indicator, REQUESTED + timedelta(days=1))
    assert annotated(goal) == (True, 0)
    goals.set_measure_by(goal, in_days(60), user=users["coordinator"])
    goal.refresh_from_db()
    assert goal.measure_requested_at > REQUESTED + timedelta(days=1)
    assert annotated(goal) == (False, 1)


# The page ---------------------------------------------------------------------------------------


def test_coordinator_asks_for_measurements_from_the_goals_page(client, people):
    collaboration, users = people
    goal = GoalFactory(collaboration=collaboration, title="Fler unga i föreningslivet")
    IndicatorFactory(goal=goal, name="Deltagare per vecka")
    client.force_login(users["coordinator"])
    page = client.get(goals_url(collaboration)).content.decode()
    assert measure_url(goal) in page and "Be om nya mätvärden till ett datum" in page
    day = in_days(21)
    response = client.post(measure_url(goal), {"date": day.isoformat()}, follow=True)
    assert response.redirect_chain[-1][0] == goals_url(collaboration) + f"#measure-{goal.pk}"
    page = response.content.decode()
    assert f"Varje indikator för ”Fler unga i föreningslivet” ska mätas senast {date_format(day, 'j F Y')}." in page
    card = page[page.index(f'id="measure-{goal.pk}"') :]
    assert f"Mät senast {date_format(day, 'j F Y')}" in card
    assert "1 indikator väntar på ett nytt mätvärde." in card
    assert "Väntar på ett nytt mätvärde" in page  # on the indicator itself


def test_an_editor_may_not_set_the_date_nor_sees_the_form_but_sees_the_date(client, people):
    collaboration, users = people
    goal, _ = round_goal(collaboration)
    client.force_login(users["editor"])
    assert client.post(measure_url(goal), {"date": in_days(40).isoformat()}).status_code == 403
    page = client.get(goals_url(collaboration)).content.decode()
    assert measure_url(goal) not in page
    assert f"Mät senast {date_format(in_days(20), 'j F Y')}" in page
    goal.refresh_from_db()
    assert goal.measure_by == in_days(20)


def test_a_past_date_is_refused_with_the_date_kept(client, people):
    collaboration, users = people
    goal = GoalFactory(collaboration=collaboration)
    IndicatorFactory(goal=goal)
    client.force_login(users["coordinator"])
    past = in_days(-1)
    response = client.post(measure_url(goal), {"date": past.isoformat()})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="error-summary"' in page and "Datumet har redan varit." in page
    field = re.search(rf'<input[^>]*id="g{goal.pk}-measure-date"[^>]*>', page)[0]
    assert f'value="{past.isoformat()}"' in field and 'aria-invalid="true"' in field
    goal.refresh_from_db()
    assert goal.measure_by is None and goal.measure_requested_at is None


def test_a_goal_without_indicators_cannot_be_measured(client, people):
    collaboration, users = people
    goal = GoalFactory(collaboration=collaboration)
    client.force_login(users["coordinator"])
    assert measure_url(goal) not in client.get(goals_url(collaboration)).content.decode()
    response = client.post(measure_url(goal), {"date": in_days(5).isoformat()})
    assert response.status_code == 400
    assert "Målet har inga indikatorer att mäta. Lägg till en indikator först." in response.content.decode()
    goal.refresh_from_db()
    assert goal.measure_by is None


def test_overdue_and_done_read_plainly(client, people):
    collaboration, users = people
    goal, (first, second) = round_goal(collaboration)
    Goal.objects.filter(pk=goal.pk).update(measure_by=date(2025, 12, 3))
    client.force_login(users["reader"])
    page = client.get(goals_url(collaboration)).content.decode()
    assert "Skulle vara mätt 3 december 2025" in page and "2 indikatorer väntar på ett nytt mätvärde." in page
    recorded(first, timezone.now())
    recorded(second, timezone.now())
    page = client.get(goals_url(collaboration)).content.decode()
    assert "Skulle vara mätt" not in page
    assert "Mät senast 3 december 2025" in page and "Alla indikatorer har fått ett nytt mätvärde." in page
    assert "Väntar på ett nytt mätvärde" not in page
