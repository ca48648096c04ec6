"""Goals with the SMART checklist and acceptance by every party, indicators with baseline and
target, measurements, progress, the chart, CSV files, the agreement's follow-up section."""

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from projects.agreements import services as agreements
from projects.common import pdf
from projects.core.models import Event, Role
from projects.goals import services as goals
from projects.goals.forms import IndicatorForm, MeasurementForm
from projects.goals.models import Goal, Indicator, Measurement
from tests.factories import (
    GoalAcceptanceFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    OrganisationFactory,
    PartyFactory,
    add_member,
)

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
HX = {"HTTP_HX_REQUEST": "true"}


def url(name, collaboration, *args):
    return reverse(f"projects:{name}", args=[collaboration.pk, *args])


def make_goal(collaboration, title="Fler unga i föreningslivet", **fields):
    return GoalFactory(collaboration=collaboration, title=title, **fields)


def make_indicator(goal, name="Deltagare per vecka", baseline=10, target=20, **fields):
    """Deltagare from 2026-01-01 to 2027-01-01 (IndicatorFactory's dates and unit) unless told otherwise."""
    return IndicatorFactory(goal=goal, name=name, baseline=baseline, target=target, **fields)


def measure(indicator, value, day, party=None, note=""):
    return MeasurementFactory(indicator=indicator, value=Decimal(str(value)), measured_on=day, party=party)


def parties_of(users):
    return users["coordinator"].memberships.get().party, users["editor"].memberships.get().party


INDICATOR = {
    "name": "Deltagare per vecka",
    "unit": "deltagare",
    "baseline": "10",
    "baseline_date": "2026-01-01",
    "target": "25,5",
    "target_date": "2027-01-01",
}


# Validation ---------------------------------------------------------------------------------


def indicator_errors(**changes):
    form = IndicatorForm(INDICATOR | changes)
    form.is_valid()
    return form.errors


def test_indicator_form_accepts_decimal_comma_and_spaces():
    form = IndicatorForm(INDICATOR | {"baseline": "1 250,75", "target": "3.5"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["baseline"] == Decimal("1250.75")
    assert form.cleaned_data["target"] == Decimal("3.50")


@pytest.mark.parametrize("unit", ["", "   "])
def test_indicator_without_unit_is_refused(unit):
    assert indicator_errors(unit=unit)["unit"] == ["Ange en enhet: ett mätvärde utan enhet går inte att följa upp."]


@pytest.mark.parametrize("target_date", ["2025-12-31", "2026-01-01"])
def test_target_date_not_after_baseline_date_is_refused(target_date):
    assert indicator_errors(target_date=target_date)["target_date"] == [
        "Målvärdet måste nås efter nulägesbildens datum (2026-01-01)."
    ]


@pytest.mark.parametrize("value", ["abc", "NaN", "nan", "Infinity", "-inf", "1e5", "3,5,5", "--1", "1 2,3,4", "\x00"])
def test_non_numbers_get_a_swedish_message(value):
    assert indicator_errors(baseline=value)["baseline"] == ["Skriv ett tal, till exempel 12 eller 3,5."]


@pytest.mark.parametrize("value", ["9" * 13, "-" + "9" * 20, "1000000000000"])
def test_huge_numbers_get_a_swedish_message(value):
    assert indicator_errors(target=value)["target"] == ["Talet är för stort: högst tolv siffror före decimalkommat."]


def test_more_than_two_decimals_is_refused():
    assert indicator_errors(target="3,333")["target"] == ["Högst två decimaler."]


def test_largest_number_fits_the_database(people):
    collaboration, _users = people
    form = IndicatorForm(INDICATOR | {"target": "999 999 999 999,99"})
    assert form.is_valid(), form.errors
    goal = make_goal(collaboration)
    indicator = form.save(commit=False)
    indicator.goal = goal
    indicator.save()
    indicator.refresh_from_db()
    assert indicator.target == Decimal("999999999999.99")


def test_baseline_date_cannot_move_past_the_first_measurement(people):
    collaboration, _users = people
    indicator = make_indicator(make_goal(collaboration))
    measure(indicator, 12, date(2026, 2, 1))
    form = IndicatorForm(INDICATOR | {"baseline_date": "2026-03-01"}, instance=indicator)
    assert not form.is_valid()
    assert "2026-02-01" in form.errors["baseline_date"][0]


def test_measurement_dates_between_baseline_and_today(people):
    collaboration, _users = people
    indicator = make_indicator(make_goal(collaboration))

    def errors(day):
        form = MeasurementForm({"value": "3,5", "measured_on": day}, indicator=indicator)
        form.is_valid()
        return form.errors

    assert errors("2025-12-31")["measured_on"][0].startswith("Mätdatum kan inte vara före nulägesbilden (2026-01-01).")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert errors(tomorrow)["measured_on"] == ["Mätdatum kan inte vara i framtiden."]
    assert errors("2026-01-01") == {}
    assert errors("2026-13-45")["measured_on"]


def test_measurement_value_required_and_numeric(people):
    collaboration, _users = people
    indicator = make_indicator(make_goal(collaboration))
    form = MeasurementForm({"value": "", "measured_on": "2026-02-01"}, indicator=indicator)
    assert form.errors["value"] == ["Ange ett värde."]
    form = MeasurementForm({"value": "Infinity", "measured_on": "2026-02-01"}, indicator=indicator)
    assert form.errors["value"] == ["Skriv ett tal, till exempel 12 eller 3,5."]


def test_invalid_indicator_without_javascript_keeps_the_input(client, people):
    collaboration, users = people
    goal = make_goal(collaboration)
    client.force_login(users["editor"])
    data = INDICATOR | {"name": "Besökare <i>", "unit": "", "target_date": "2025-06-01"}
    response = client.post(url("indicator_create", collaboration, goal.pk), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ange en enhet: ett mätvärde utan enhet går inte att följa upp." in html
    assert "Målvärdet måste nås efter nulägesbildens datum (2026-01-01)." in html
    assert 'value="Besökare &lt;i&gt;"' in html
    assert 'value="25,5"' in html
    assert not Indicator.objects.exists()


def test_invalid_measurement_with_htmx_returns_the_card_with_the_message(client, people):
    collaboration, users = people
    indicator = make_indicator(make_goal(collaboration))
    client.force_login(users["editor"])
    response = client.post(
        url("measurement_create", collaboration, indicator.pk), {"value": "NaN", "measured_on": "2026-02-01"}, **HX
    )
    assert response.status_code == 200  # htmx swaps only 2xx
    html = response.content.decode()
    assert html.lstrip().startswith('<article class="indicator')
    assert "Skriv ett tal, till exempel 12 eller 3,5." in html
    assert 'value="NaN"' in html
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    "value",
    ["", "abc", "-1", "9" * 30, "<script>alert(1)</script>", "x" * 30_000, "\u202eä\x00ö", "2024-13-45", "None", "NaN"],
)
def test_hostile_input_in_every_field_is_never_a_server_error(client, people, value):
    collaboration, users = people
    indicator = make_indicator(make_goal(collaboration))
    client.force_login(users["coordinator"])
    fields = ["title", "description", "specific", "measurable", "realistic", "due_date", "withdraw"]
    fields += ["name", "unit", "baseline", "baseline_date", "target", "target_date", "value", "measured_on", "note"]
    data = dict.fromkeys(fields, value)
    for name, args in [
        ("goal_create", []),
        ("goal_edit", [indicator.goal_id]),
        ("goal_accept", [indicator.goal_id]),
        ("indicator_create", [indicator.goal_id]),
        ("indicator_edit", [indicator.pk]),
        ("measurement_create", [indicator.pk]),
    ]:
        for extra in ({}, HX):
            response = client.post(url(name, collaboration, *args), data, **extra)
            assert response.status_code < 500, (name, value[:20])
            assert b"<script>alert(1)</script>" not in response.content
    assert client.get(url("goals", collaboration)).status_code == 200


# Goals: create, edit, delete, SMART, acceptance ---------------------------------------------


def test_editor_adds_a_goal_without_javascript(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    response = client.post(
        url("goal_create", collaboration),
        {"title": "Fler unga", "description": "Unga 13–19", "specific": "on", "due_date": "2027-06-30"},
    )
    goal = Goal.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"#goal-{goal.pk}")
    assert goal.specific and not goal.measurable and goal.due_date == date(2027, 6, 30)
    assert Event.objects.filter(kind=Event.Kind.GOAL_CHANGED, subject="Fler unga").exists()
    page = client.get(response.url.split("#")[0]).content.decode()
    assert "Målet ”Fler unga” är tillagt." in page


def test_goal_create_with_htmx_returns_the_list_with_an_announcement(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    response = client.post(url("goal_create", collaboration), {"title": "Fler unga"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="goals-region">')
    assert "<html" not in html
    assert 'role="status" aria-live="polite"><p class="alert alert-success">Målet ”Fler unga” är tillagt.' in html
    response = client.post(url("goal_create", collaboration), {"title": "  "}, **HX)
    assert "Skriv målet." in response.content.decode()
    assert Goal.objects.count() == 1


def test_goal_without_title_without_javascript_is_400_with_text_kept(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    response = client.post(url("goal_create", collaboration), {"title": "", "description": "Min text"})
    assert response.status_code == 400
    assert "Min text</textarea>" in response.content.decode()


def test_smart_status(people):
    collaboration, users = people
    kommun, forening = parties_of(users)
    goal = make_goal(collaboration, specific=True, realistic=True)
    parties = goals.accepting_parties(collaboration)
    assert [p.pk for p in parties] == [kommun.pk, forening.pk]
    status = goals.smart_status(goal, parties)
    assert (status.specific, status.measurable, status.accepted, status.realistic, status.timed) == (
        True,
        False,
        False,
        True,
        False,
    )
    goal.due_date = date(2027, 1, 1)
    goal.measurable = True
    GoalAcceptanceFactory(goal=goal, party=kommun)
    assert not goals.smart_status(goal, parties).accepted  # one of two parties
    GoalAcceptanceFactory(goal=goal, party=forening)
    status = goals.smart_status(goal, parties)
    assert status.accepted and status.complete and status.done == 5


def test_party_with_only_readers_is_not_asked_to_accept(people):
    collaboration, users = people
    only_readers = add_member(collaboration, role=Role.READER, name="Dora Dahl").party
    assert only_readers.pk == users["reader"].memberships.get().party_id or True
    from projects.core.models import Sector

    silent = PartyFactory(
        collaboration=collaboration,
        organisation=OrganisationFactory(name="Stiftelsen Tyst", sector=Sector.STIFTELSE),
    )
    add_member(collaboration, role=Role.READER, party=silent, name="Erik Ek")
    assert silent.pk not in {p.pk for p in goals.accepting_parties(collaboration)}


def test_each_party_accepts_for_itself_and_the_page_shows_who(client, people):
    collaboration, users = people
    kommun, forening = parties_of(users)
    goal = make_goal(collaboration)
    client.force_login(users["editor"])
    response = client.post(url("goal_accept", collaboration, goal.pk), {"party": kommun.pk})
    assert response.status_code == 302
    # The editor acts for Föreningen Gemenskap whatever is posted.
    assert list(goal.acceptances.values_list("party_id", "accepted_by_id")) == [(forening.pk, users["editor"].pk)]
    assert Event.objects.filter(kind=Event.Kind.GOAL_ACCEPTED, detail="Föreningen Gemenskap").exists()
    page = client.get(url("goals", collaboration)).content.decode()
    assert "Föreningen Gemenskap: accepterat av Bo Berg" in page
    assert "Exempelkommun: har inte accepterat" in page
    assert "inte av alla parter än" in page

    client.force_login(users["coordinator"])
    response = client.post(url("goal_accept", collaboration, goal.pk), **HX)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<section class="card mb-4 goal" id="goal-{goal.pk}"')
    assert "Exempelkommun har accepterat målet." in html
    assert "<strong>A</strong> accepterat:\n                    ja" in html or "accepterat:" in html
    assert goals.smart_status(goal, goals.accepting_parties(collaboration)).accepted
    # Accepting twice changes nothing; withdrawing takes only one's own party's acceptance back.
    client.post(url("goal_accept", collaboration, goal.pk))
    assert goal.acceptances.count() == 2
    client.post(url("goal_accept", collaboration, goal.pk), {"withdraw": "1"})
    assert list(goal.acceptances.values_list("party_id", flat=True)) == [forening.pk]


def test_reader_cannot_accept(client, people):
    collaboration, users = people
    goal = make_goal(collaboration)
    client.force_login(users["reader"])
    assert client.post(url("goal_accept", collaboration, goal.pk)).status_code == 403
    assert not goal.acceptances.exists()
    page = client.get(url("goals", collaboration)).content.decode()
    assert "Vi accepterar målet" not in page
    assert "Lägg till ett mål" not in page
    assert "Registrera ett mätvärde" not in page


def test_changing_the_goals_words_withdraws_acceptances_visibly(client, people):
    collaboration, users = people
    kommun, forening = parties_of(users)
    goal = make_goal(collaboration, description="Gammal")
    for party in (kommun, forening):
        GoalAcceptanceFactory(goal=goal, party=party)
    client.force_login(users["coordinator"])
    # Ticking a SMART box keeps the acceptances: the words are the same.
    client.post(
        url("goal_edit", collaboration, goal.pk), {"title": goal.title, "description": "Gammal", "realistic": "on"}
    )
    assert goal.acceptances.count() == 2
    response = client.post(
        url("goal_edit", collaboration, goal.pk),
        {"title": goal.title, "description": "Ny text", "realistic": "on"},
        **HX,
    )
    html = response.content.decode()
    assert not goal.acceptances.exists()
    assert "parternas acceptanser är återkallade: Exempelkommun, Föreningen Gemenskap" in html
    assert "alert-warning" in html
    event = Event.objects.filter(kind=Event.Kind.GOAL_CHANGED).first()
    assert "acceptanserna återkallade" in event.detail
    # Without JavaScript: a warning message after the redirect.
    GoalAcceptanceFactory(goal=goal, party=kommun)
    response = client.post(url("goal_edit", collaboration, goal.pk), {"title": "Ny rubrik"}, follow=True)
    assert "acceptanser är återkallade: Exempelkommun" in response.content.decode()


def test_goal_edit_page_and_fragment(client, people):
    collaboration, users = people
    goal = make_goal(collaboration, title="Mål <b>")
    client.force_login(users["editor"])
    page = client.get(url("goal_edit", collaboration, goal.pk))
    assert page.status_code == 200 and "<html" in page.content.decode()
    fragment = client.get(url("goal_edit", collaboration, goal.pk), **HX).content.decode()
    assert fragment.lstrip().startswith(f'<section class="card mb-4" id="goal-{goal.pk}"')
    assert 'value="Mål &lt;b&gt;"' in fragment
    cancel = client.get(url("goal_edit", collaboration, goal.pk) + "?avbryt=1", **HX).content.decode()
    assert 'class="card mb-4 goal"' in cancel
    invalid = client.post(url("goal_edit", collaboration, goal.pk), {"title": "x" * 301})
    assert invalid.status_code == 400


def test_goal_delete_confirms_then_deletes(client, people):
    collaboration, users = people
    indicator = make_indicator(make_goal(collaboration))
    measure(indicator, 11, date(2026, 2, 1))
    client.force_login(users["editor"])
    confirm = client.get(url("goal_delete", collaboration, indicator.goal_id)).content.decode()
    assert "1 indikator tas också bort" in confirm and "med 1 mätvärde" in confirm
    assert Goal.objects.exists()
    client.post(url("goal_delete", collaboration, indicator.goal_id))
    assert not Goal.objects.exists() and not Measurement.objects.exists()
    assert Event.objects.filter(kind=Event.Kind.GOAL_CHANGED, detail="Målet borttaget").exists()


def test_another_collaborations_goal_is_404(client, people):
    collaboration, users = people
    from tests.factories import make_collaboration

    other = make_collaboration(title="Annan")
    goal = make_goal(other)
    indicator = make_indicator(goal)
    client.force_login(users["coordinator"])
    assert client.post(url("goal_accept", collaboration, goal.pk)).status_code == 404
    assert client.get(url("indicator_edit", collaboration, indicator.pk)).status_code == 404
    assert client.post(url("measurement_create", collaboration, indicator.pk), {}).status_code == 404


# Indicators and measurements ----------------------------------------------------------------


def test_indicator_added_with_htmx_returns_the_goal_card(client, people):
    collaboration, users = people
    goal = make_goal(collaboration)
    client.force_login(users["editor"])
    response = client.post(url("indicator_create", collaboration, goal.pk), INDICATOR, **HX)
    html = response.content.decode()
    indicator = Indicator.objects.get()
    assert indicator.target == Decimal("25.50") and indicator.unit == "deltagare"
    assert f'id="indicator-{indicator.pk}"' in html and "Indikatorn ”Deltagare per vecka” är tillagd." in html
    assert "<html" not in html


def test_indicator_edit_without_javascript(client, people):
    collaboration, users = people
    indicator = make_indicator(make_goal(collaboration))
    client.force_login(users["editor"])
    form = client.get(url("indicator_edit", collaboration, indicator.pk)).content.decode()
    assert 'value="10"' in form and 'value="2026-01-01"' in form
    response = client.post(url("indicator_edit", collaboration, indicator.pk), INDICATOR | {"target": "30"})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.target == 30
    response = client.post(url("indicator_edit", collaboration, indicator.pk), INDICATOR | {"unit": ""})
    assert response.status_code == 400
    client.post(url("indicator_delete", collaboration, indicator.pk))
    assert not Indicator.objects.exists()


def test_measurement_recorded_for_the_members_party(client, people):
    collaboration, users = people
    _kommun, forening = parties_of(users)
    indicator = make_indicator(make_goal(collaboration))
    client.force_login(users["editor"])
    response = client.post(
        url("measurement_create", collaboration, indicator.pk),
        {"value": "12,5", "measured_on": "2026-03-01", "note": "Vårterminen", "party": "999"},
        **HX,
    )
    measurement = Measurement.objects.get()
    assert (measurement.value, measurement.party, measurement.recorded_by) == (
        Decimal("12.50"),
        forening,
        users["editor"],
    )
    html = response.content.decode()
    assert html.lstrip().startswith(
        f'<article class="indicator border rounded p-2 p-sm-3 mb-3" id="indicator-{indicator.pk}"'
    )
    assert "Mätvärdet 12,5 deltagare (2026-03-01) är registrerat." in html
    assert "<td>12,5</td>" in html
    event = Event.objects.get(kind=Event.Kind.MEASUREMENT_ADDED)
    assert event.subject == "Deltagare per vecka" and event.detail == "12,5 deltagare (2026-03-01)"


def test_measurement_removed_by_own_party_or_coordinator(client, people):
    collaboration, users = people
    kommun, forening = parties_of(users)
    indicator = make_indicator(make_goal(collaboration))
    theirs = measure(indicator, 11, date(2026, 2, 1), party=kommun)
    ours = measure(indicator, 12, date(2026, 3, 1), party=forening)
    client.force_login(users["editor"])
    assert client.post(url("measurement_delete", collaboration, theirs.pk)).status_code == 403
    assert client.post(url("measurement_delete", collaboration, ours.pk)).status_code == 302
    client.force_login(users["coordinator"])
    response = client.post(url("measurement_delete", collaboration, theirs.pk), **HX)
    assert "Mätvärdet är borttaget." in response.content.decode()
    assert not Measurement.objects.exists()


# Progress -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "baseline, target, latest, expected",
    [
        (10, 20, 15, 0.5),
        (10, 20, 10, 0.0),
        (10, 20, 25, 1.0),  # past the target: clamped
        (10, 20, 5, 0.0),  # worse than the baseline: clamped
        (40, 10, 25, 0.5),  # a decreasing target (fewer absences)
        (40, 10, 50, 0.0),
        (40, 10, 0, 1.0),
        (Decimal("0.5"), Decimal("1.5"), Decimal("0.75"), 0.25),
        (30, 30, 30, 1.0),  # target equals baseline: hold the level
        (30, 30, 29, 0.0),
        (30, 30, 31, 0.0),
        (10, 20, None, None),
    ],
)
def test_progress_fraction(baseline, target, latest, expected):
    assert goals.progress_fraction(baseline, target, latest) == expected


def test_progress_on_track_compares_with_a_straight_line_to_the_target(people):
    collaboration, _users = people
    indicator = make_indicator(make_goal(collaboration), baseline=0, target=100)  # 2026-01-01 → 2027-01-01
    assert goals.progress(indicator).on_track is None
    midyear = date(2026, 7, 2)  # half-way in time
    ahead = goals.progress(indicator, Decimal(60), midyear)
    behind = goals.progress(indicator, Decimal(30), midyear)
    assert ahead.percent == 60 and ahead.expected_percent == 50 and ahead.on_track
    assert behind.percent == 30 and not behind.on_track
    assert goals.progress(indicator, Decimal(100), date(2026, 2, 1)).reached
    decreasing = make_indicator(indicator.goal, baseline=40, target=10)
    assert goals.progress(decreasing, Decimal(20), midyear).on_track  # 2/3 of the way at half-time
    assert goals.expected_fraction(date(2026, 1, 1), date(2027, 1, 1), date(2028, 1, 1)) == 1.0


def test_progress_from_prefetched_measurements_uses_the_latest_date(people):
    collaboration, _users = people
    indicator = make_indicator(make_goal(collaboration))
    measure(indicator, 18, date(2026, 5, 1))
    measure(indicator, 12, date(2026, 3, 1))  # entered later, measured earlier
    assert goals.progress(indicator).latest == 18
    annotated = goals.with_latest(Indicator.objects.all()).get()
    assert annotated.latest_value == 18 and annotated.latest_date == date(2026, 5, 1)
    assert goals.progress(annotated).percent == 80


def test_page_shows_progress_as_text_and_bar(client, people):
    collaboration, users = people
    indicator = make_indicator(make_goal(collaboration), baseline=40, target=10, unit="frånvarodagar")
    measure(indicator, 25, date(2026, 3, 1))
    client.force_login(users["reader"])
    html = client.get(url("goals", collaboration)).content.decode()
    assert f'<progress class="goal-progress" id="progress-{indicator.pk}" max="100" value="50"' in html
    assert "Framsteg mot målet: 50 % (senaste värde 25 frånvarodagar, 2026-03-01)." in html
    assert "I fas" in html


# The chart ----------------------------------------------------------------------------------


def render_chart(indicator, measurements, name=None):
    html = render_to_string(
        "projects/goals/includes/indicator_chart.html",
        {"c": goals.chart(indicator, measurements), "chart_id": 7, "name": name or indicator.name},
    )
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    return ET.fromstring(svg)  # noqa: S314 - our own page


def test_chart_geometry_for_known_data(people):
    collaboration, _users = people
    # 0 → 100 over 2026-01-01 … 2026-12-31 (364 days); measurements in the middle.
    indicator = make_indicator(
        make_goal(collaboration), baseline=0, target=100, target_date=date(2026, 12, 31), unit="procent"
    )
    m1 = measure(indicator, 50, date(2026, 7, 2))  # day 182: half-way
    m2 = measure(indicator, 25, date(2026, 4, 2))  # day 91: a quarter
    root = render_chart(indicator, [m1, m2])
    assert root.get("viewBox") == "0 0 440 260" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-title-7 chart-desc-7"
    assert root.find(f"{SVG}title").text == "Diagram: Deltagare per vecka"
    assert "nuläge 0 procent (2026-01-01), mål 100 procent (2026-12-31)" in root.find(f"{SVG}desc").text
    # The plot is x 64…420 and y 28…208; the y axis 0…100 (ticks every 25).
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-tick"]
    assert ticks == ["0", "25", "50", "75", "100"]
    line = root.find(f"{SVG}polyline").get("points")
    assert line == "64.0,208.0 153.0,163.0 242.0,118.0"  # baseline first, then in date order
    points = [
        (c.get("cx"), c.get("cy"), c.find(f"{SVG}title").text)
        for c in root.iter(f"{SVG}circle")
        if c.get("class") == "chart-point"
    ]
    assert points == [("153.0", "163.0", "2026-04-02: 25 procent"), ("242.0", "118.0", "2026-07-02: 50 procent")]
    baseline = root.find(f"{SVG}rect")
    assert (baseline.get("x"), baseline.get("y")) == ("59.5", "203.5")
    assert baseline.find(f"{SVG}title").text == "Nuläge 2026-01-01: 0 procent"
    target_line = next(e for e in root.iter(f"{SVG}line") if e.get("class") == "chart-target-line")
    assert target_line.get("y1") == target_line.get("y2") == "28.0" and target_line.get("stroke-dasharray")
    when = next(e for e in root.iter(f"{SVG}line") if e.get("class") == "chart-target-when")
    assert when.get("x1") == "420.0"
    texts = {t.get("class"): t.text for t in root.iter(f"{SVG}text")}
    assert texts["chart-unit"] == "procent"
    assert texts["chart-date chart-target-date"] == "Mål: 2026-12-31"
    assert texts["chart-target-label"] == "Mål 100"
    dates = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-date"]
    assert dates == ["2026-01-01", "2026-07-02"]  # the start and the middle of the axis


def test_chart_makes_room_for_long_tick_labels(people):
    collaboration, _users = people
    indicator = make_indicator(make_goal(collaboration), baseline=0, target=Decimal("250000000"))
    root = render_chart(indicator, [])
    axis = root.find(f"{SVG}g[@class='chart-axis']")
    y_axis = next(line for line in axis.iter(f"{SVG}line") if line.get("y1") == "28")
    left = float(y_axis.get("x1"))
    longest = max(len(t.text) for t in root.iter(f"{SVG}text") if t.get("class") == "chart-tick")
    assert longest == 11 and left == 28 + 9 * longest  # "250 000 000"
    assert root.find(f"{SVG}polyline").get("points") == f"{left},208.0"


def test_chart_extends_past_the_target_date_and_handles_a_flat_line(people):
    collaboration, _users = people
    indicator = make_indicator(make_goal(collaboration), baseline=5, target=5, target_date=date(2026, 2, 1))
    late = measure(indicator, 5, date(2026, 3, 3))
    root = render_chart(indicator, [late])
    texts = [t.text for t in root.iter(f"{SVG}text") if "chart-date" in (t.get("class") or "")]
    assert texts == ["2026-01-01", "2026-03-03", "Mål: 2026-02-01"]
    point = next(c for c in root.iter(f"{SVG}circle") if c.get("class") == "chart-point")
    assert point.get("cx") == "420.0"  # the last measurement is the right edge
    ys = [float(t.get("y1")) for t in root.iter(f"{SVG}line") if t.get("class") == "chart-target-line"]
    assert 28 < ys[0] < 208  # a flat line is drawn inside the plot, not on its edge


def test_chart_escapes_user_text(people):
    collaboration, _users = people
    evil = '<script>alert(1)</script>&"'
    indicator = make_indicator(make_goal(collaboration), name=evil, unit="<b>st</b>")
    from projects.core.models import Sector

    party = PartyFactory(
        collaboration=collaboration,
        organisation=OrganisationFactory(name="<i>Org</i>", sector=Sector.STIFTELSE),
    )
    m = Measurement.objects.select_related("party__organisation").get(
        pk=measure(indicator, 12, date(2026, 2, 1), party).pk
    )
    html = render_to_string(
        "projects/goals/includes/indicator_chart.html",
        {"c": goals.chart(indicator, [m]), "chart_id": 1, "name": evil},
    )
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    root = render_chart(indicator, [m], name=evil)  # parses: the text is escaped
    assert root.find(f"{SVG}title").text == f"Diagram: {evil}"
    titles = [c.find(f"{SVG}title").text for c in root.iter(f"{SVG}circle") if c.get("class") == "chart-point"]
    assert titles == ["2026-02-01: 12 <b>st</b> (<i>Org</i>)"]


def test_chart_in_english_keeps_coordinates_with_points(client, people, settings):
    collaboration, users = people
    indicator = make_indicator(make_goal(collaboration), baseline=Decimal("0.5"), target=Decimal("1.5"))
    measure(indicator, Decimal("0.75"), date(2026, 2, 1))
    client.force_login(users["reader"])
    html = client.get(url("goals", collaboration)).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    root = ET.fromstring(svg)  # noqa: S314 - our own page
    for element in root.iter():
        for attribute in ("x", "y", "cx", "cy", "x1", "y1"):
            if element.get(attribute):
                float(element.get(attribute))  # not "123,4" from localisation
    assert "0,75" in html


# Query counts -------------------------------------------------------------------------------


def fill(collaboration, users, n):
    kommun, forening = parties_of(users)
    for g in range(n):
        goal = make_goal(collaboration, title=f"Mål {g}")
        GoalAcceptanceFactory(goal=goal, party=kommun)
        indicator = make_indicator(goal, name=f"Indikator {g}")
        for d in range(3):
            measure(indicator, 10 + d, date(2026, 2, 1 + d), party=forening)


@pytest.mark.parametrize("n", [3, 30])
def test_goals_page_queries_do_not_grow(client, people, django_assert_max_num_queries, n):
    collaboration, users = people
    fill(collaboration, users, n)
    client.force_login(users["editor"])
    # Session, user, membership, parties, goals with acceptances, indicators, measurements, the
    # guide's SMART list with its entries: the same for 3 goals as for 30.
    with django_assert_max_num_queries(10):
        response = client.get(url("goals", collaboration))
    assert response.content.decode().count('class="card mb-4 goal"') == n


@pytest.mark.parametrize("n", [3, 30])
def test_overview_csv_and_snapshot_queries_do_not_grow(client, people, django_assert_max_num_queries, n):
    collaboration, users = people
    fill(collaboration, users, n)
    with django_assert_max_num_queries(4):
        summary = goals.overview_context(collaboration)["goal_summary"]
    assert summary["goals"] == n and summary["indicators"] == n
    with django_assert_max_num_queries(1):
        assert len(goals.snapshot_indicators(collaboration)) == n
    with django_assert_max_num_queries(1):
        goals.indicators_csv(collaboration)
    with django_assert_max_num_queries(1):
        goals.measurements_csv(collaboration)


# Overview -----------------------------------------------------------------------------------


def test_overview_card_counts(client, people):
    collaboration, users = people
    kommun, forening = parties_of(users)
    accepted = make_goal(collaboration, title="A")
    for party in (kommun, forening):
        GoalAcceptanceFactory(goal=accepted, party=party)
    other = make_goal(collaboration, title="B")
    on_track = make_indicator(accepted, baseline=0, target=100)
    measure(on_track, 90, date(2026, 3, 1))
    behind = make_indicator(other, baseline=0, target=100)
    measure(behind, 1, date(2026, 12, 1))
    make_indicator(other, name="Utan mätvärden")
    summary = goals.overview_context(collaboration)["goal_summary"]
    assert summary == {"goals": 2, "accepted": 1, "indicators": 3, "on_track": 1, "behind": 1, "unmeasured": 1}
    client.force_login(users["reader"])
    html = client.get(reverse("projects:overview", args=[collaboration.pk])).content.decode()
    assert "2 mål, varav 1 accepterat av alla parter." in html
    assert "1 indikator i fas eller nådd, 1 efter plan, 1 utan mätvärden." in html


# CSV ----------------------------------------------------------------------------------------


def read_csv(response):
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_indicator_csv(client, people):
    collaboration, users = people
    goal = make_goal(collaboration, title='=HYPERLINK("http://x")')
    indicator = make_indicator(goal, name="+Deltagare", unit="@st", baseline=Decimal("10.5"), target=-3)
    measure(indicator, Decimal("1250.75"), date(2026, 3, 1))
    client.force_login(users["reader"])
    response = client.get(url("indicator_csv", collaboration))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="motesplats-for-unga-indikatorer.csv"'
    rows = read_csv(response)
    assert rows[0] == [
        "Mål",
        "Indikator",
        "Enhet",
        "Nulägesvärde",
        "Nulägesbild per",
        "Målvärde",
        "Målvärdet nås senast",
        "Senaste värde",
        "Senast mätt",
        "Framsteg mot målet (%)",
    ]
    assert rows[1] == [
        '\'=HYPERLINK("http://x")',
        "'+Deltagare",
        "'@st",
        "10,5",
        "2026-01-01",
        "-3",
        "2027-01-01",
        "1250,75",
        "2026-03-01",
        "0",
    ]


def test_measurement_csv(client, people):
    collaboration, users = people
    _kommun, forening = parties_of(users)
    indicator = make_indicator(make_goal(collaboration))
    MeasurementFactory(
        indicator=indicator,
        value=Decimal("3.5"),
        measured_on=date(2026, 2, 1),
        party=forening,
        note='-bra; "vår"\nrad två',
        recorded_by=users["editor"],
    )
    client.force_login(users["reader"])
    response = client.get(url("measurement_csv", collaboration))
    assert response["Content-Disposition"].endswith('-matvarden.csv"')
    rows = read_csv(response)
    assert rows[0] == ["Mål", "Indikator", "Enhet", "Mätdatum", "Värde", "Part", "Kommentar", "Registrerat av"]
    assert rows[1] == [
        "Fler unga i föreningslivet",
        "Deltagare per vecka",
        "deltagare",
        "2026-02-01",
        "3,5",
        "Föreningen Gemenskap",
        '\'-bra; "vår"\nrad två',
        "Bo Berg",
    ]


def test_csv_of_an_empty_collaboration_has_the_header_only(client, people):
    collaboration, users = people
    client.force_login(users["reader"])
    assert len(read_csv(client.get(url("indicator_csv", collaboration)))) == 1
    assert len(read_csv(client.get(url("measurement_csv", collaboration)))) == 1


# The agreement ------------------------------------------------------------------------------


def test_snapshot_and_pdf_contain_the_indicators(people):
    collaboration, users = people
    goal = make_goal(collaboration, title="Fler unga & äldre")
    make_indicator(goal, name="Deltagare <per> vecka", baseline=Decimal("12.5"), target=40)
    second = make_goal(collaboration, title="Bättre lokaler")
    make_indicator(second, name="Nöjdhet", unit="procent", baseline=60, target=Decimal("85.25"))
    assert goals.snapshot_indicators(collaboration) == [
        {
            "goal": "Fler unga & äldre",
            "indicator": "Deltagare <per> vecka",
            "unit": "deltagare",
            "baseline": "12,5",
            "baseline_date": "2026-01-01",
            "target": "40",
            "target_date": "2027-01-01",
        },
        {
            "goal": "Bättre lokaler",
            "indicator": "Nöjdhet",
            "unit": "procent",
            "baseline": "60",
            "baseline_date": "2026-01-01",
            "target": "85,25",
            "target_date": "2027-01-01",
        },
    ]
    agreement = agreements.create_agreement(collaboration, user=users["coordinator"])
    content = agreements.snapshot(agreement)
    assert content["indicators"] == goals.snapshot_indicators(collaboration)
    html = pdf.render_html(content)
    assert '<h2 id="indicators">Uppföljning: indikatorer</h2>' in html
    assert "Deltagare &lt;per&gt; vecka" in html
    data = pdf.render_pdf(content)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Uppföljning: indikatorer" in text
    assert "Deltagare <per>" in text and "85,25" in text and "Bättre lokaler" in text


def test_pdf_without_indicators_has_no_section(people):
    collaboration, users = people
    agreement = agreements.create_agreement(collaboration, user=users["coordinator"])
    assert 'id="indicators"' not in pdf.render_html(agreements.snapshot(agreement))


# The numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("30.00"), "30"),
        (Decimal("3.50"), "3,5"),
        (Decimal("-0.25"), "-0,25"),
        (Decimal("1250.75"), "1250,75"),
        (Decimal("12500"), "12\u00a0500"),
        (Decimal("-999999999999.99"), "-999\u00a0999\u00a0999\u00a0999,99"),
        (Decimal("0.00"), "0"),
    ],
)
def test_sv_number(value, text):
    assert goals.sv_number(value) == text
