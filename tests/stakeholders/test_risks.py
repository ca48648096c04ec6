"""The risk register (riskmatris): validation, the 5×5 SVG matrix, sorting and numbering, overdue
reviews, adding/editing/closing with HTMX and without, the CSV export and the overview card."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.core.models import Event
from projects.stakeholders import services as rules
from projects.stakeholders.models import Risk
from tests.factories import RiskFactory, add_party, make_collaboration, make_user

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, collaboration, **kwargs):
    return reverse(f"projects:{name}", kwargs={"pk": collaboration.pk, **kwargs})


def add(collaboration, title="Volontärerna räcker inte", probability=3, consequence=4, **fields):
    return RiskFactory(
        collaboration=collaboration, title=title, probability=probability, consequence=consequence, **fields
    )


def valid(**overrides):
    return {"title": "Lokalen försvinner", "probability": "2", "consequence": "5", "status": "open"} | overrides


def matrix_svg(response):
    match = re.search(r'<svg class="risk-matrix".*?</svg>', response.content.decode(), re.S)
    assert match, "no risk matrix in the page"
    return ET.fromstring(match.group(0))  # noqa: S314 - our own page


def cells(svg):
    result = {}
    for g in svg.iter(f"{SVG}g"):
        if g.get("class") == "risk-cell":
            rect = g.find(f"{SVG}rect")
            numbers = [chip.find(f"{SVG}text").text for chip in g.iter(f"{SVG}g") if chip.get("class") == "risk-number"]
            titles = [chip[0].text for chip in g.iter(f"{SVG}g") if chip.get("class") == "risk-number"]
            more = [t.text for t in g.iter(f"{SVG}text") if t.get("class") == "risk-more"]
            result[(int(g.get("data-probability")), int(g.get("data-consequence")))] = {
                "x": float(rect.get("x")),
                "y": float(rect.get("y")),
                "level": g.get("data-level"),
                "label": g.findall(f"{SVG}text")[0].text,
                "patterned": len(g.findall(f"{SVG}rect")) == 2,
                "numbers": numbers,
                "titles": titles,
                "more": more,
            }
    return result


# Validation -------------------------------------------------------------------------------------


def test_editor_adds_a_risk_with_an_owner_of_this_collaboration(client, people):
    collaboration, users = people
    party = users["editor"].memberships.get().party
    client.force_login(users["editor"])
    data = valid(owner=str(party.pk), mitigation="Fler volontärer", review_date="2026-12-01")
    response = client.post(url("risk_add", collaboration), data, follow=True)
    risk = Risk.objects.get(collaboration=collaboration)
    assert (risk.owner, risk.review_date, risk.updated_by) == (party, date(2026, 12, 1), users["editor"])
    assert "Risken ”Lokalen försvinner” är tillagd med riskvärde 10 (Hög)." in response.content.decode()
    event = Event.objects.get(kind=Event.Kind.RISK_CHANGED)
    assert event.subject == "Lokalen försvinner" and event.detail == "Tillagd: sannolikhet 2, konsekvens 5"


@pytest.mark.parametrize("field", ["probability", "consequence"])
@pytest.mark.parametrize("bad", ["0", "6", "abc", "9" * 30, "", "-3", "3,5"])
def test_a_value_outside_one_to_five_is_a_swedish_field_error(client, people, field, bad):
    collaboration, users = people
    client.force_login(users["editor"])
    response = client.post(url("risk_add", collaboration), valid(**{field: bad, "mitigation": "Min plan"}))
    html = response.content.decode()
    assert response.status_code == 200 and "Välj ett värde från 1 till 5." in html
    assert 'value="Lokalen försvinner"' in html and "Min plan" in html  # nothing typed is lost
    assert "Källa: MUCF, Status för samverkan – Kom vidare" in html  # the whole page again
    assert not Risk.objects.exists()


def test_an_owner_from_another_collaboration_is_refused(client, people):
    collaboration, users = people
    other = make_collaboration(coordinator=make_user("Olle Annan"), title="Annan samverkan")
    foreign_party = add_party(other, "Stiftelsen Borta")
    client.force_login(users["editor"])
    for owner in (str(foreign_party.pk), "abc", "9" * 30, "-1"):
        response = client.post(url("risk_add", collaboration), valid(owner=owner))
        assert "Välj en av parterna i den här samverkan." in response.content.decode(), owner
    assert not Risk.objects.exists()


def test_the_owner_choices_are_this_collaborations_parties(client, people):
    collaboration, users = people
    other = make_collaboration(coordinator=make_user("Olle Annan"), title="Annan samverkan")
    add_party(other, "Stiftelsen Borta")
    client.force_login(users["editor"])
    html = client.get(url("risks", collaboration)).content.decode()
    assert "Föreningen Gemenskap" in html and "Exempelkommun" in html and "Stiftelsen Borta" not in html


@pytest.mark.parametrize("bad", ["2024-13-45", "22/11/2026", "abc", "2026-02-30", "9" * 30, "20261122x"])
def test_a_review_date_that_is_not_a_date_is_a_field_error(client, people, bad):
    collaboration, users = people
    client.force_login(users["editor"])
    response = client.post(url("risk_add", collaboration), valid(review_date=bad))
    html = response.content.decode()
    assert "Skriv datumet som år-månad-dag, till exempel 2026-11-22." in html
    assert 'value="Lokalen försvinner"' in html
    assert not Risk.objects.exists()


def test_a_title_is_required(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    html = client.post(url("risk_add", collaboration), valid(title="")).content.decode()
    assert "Skriv vad risken är." in html


# The table --------------------------------------------------------------------------------------


def test_the_table_is_sorted_by_score_with_closed_last_and_stable_numbers(client, people):
    collaboration, users = people
    low = add(collaboration, "Låg risk", 1, 2)  # number 1, score 2
    high = add(collaboration, "Hög risk", 5, 4)  # number 2, score 20
    closed = add(collaboration, "Stängd risk", 5, 5, status=Risk.Status.CLOSED)  # number 3, score 25
    middle = add(collaboration, "Mellanrisk", 3, 3)  # number 4, score 9
    client.force_login(users["reader"])
    html = client.get(url("risks", collaboration)).content.decode()
    order = [m.group(1) for m in re.finditer(r'<tr id="risk-(\d+)"', html)]
    assert order == [str(r.pk) for r in (high, middle, low, closed)]
    numbers = {r.number: r.title for r in rules.risk_list(collaboration)}
    assert numbers == {1: "Låg risk", 2: "Hög risk", 3: "Stängd risk", 4: "Mellanrisk"}
    assert "<strong>20</strong> (mycket hög)" in html
    assert "Ändra" not in html and "/stang/" not in html  # a reader has no write controls


def test_an_overdue_review_is_flagged_in_text_unless_closed(client, people):
    collaboration, users = people
    yesterday = timezone.localdate() - timedelta(days=1)
    overdue = add(collaboration, "Försenad", review_date=yesterday)
    add(collaboration, "Stängd och gammal", review_date=yesterday, status=Risk.Status.CLOSED)
    add(collaboration, "I tid", review_date=timezone.localdate() + timedelta(days=3))
    client.force_login(users["reader"])
    html = client.get(url("risks", collaboration)).content.decode()
    assert html.count("Uppföljningen är försenad") == 1
    row = re.search(rf'<tr id="risk-{overdue.pk}".*?</tr>', html, re.S).group(0)
    assert "Uppföljningen är försenad" in row and yesterday.isoformat() in row


# The matrix -------------------------------------------------------------------------------------


def test_the_matrix_places_cells_by_probability_across_and_consequence_up(client, people):
    collaboration, users = people
    first = add(collaboration, "Ett", 1, 1)
    add(collaboration, "Två", 5, 5)
    add(collaboration, "Tre", 5, 1)
    add(collaboration, "Fyra (stängd)", 5, 5, status=Risk.Status.CLOSED)
    client.force_login(users["reader"])
    svg = matrix_svg(client.get(url("risks", collaboration)))
    assert svg.get("role") == "img" and svg.find(f"{SVG}title").text.startswith("Riskmatris med 3 öppna risker")
    found = cells(svg)
    assert len(found) == 25
    left, top = rules.MATRIX_LEFT, rules.MATRIX_TOP
    w, h = rules.MATRIX_CELL_WIDTH, rules.MATRIX_CELL_HEIGHT
    assert (found[(1, 1)]["x"], found[(1, 1)]["y"]) == (left, top + 4 * h)  # bottom left
    assert (found[(5, 5)]["x"], found[(5, 5)]["y"]) == (left + 4 * w, top)  # top right
    assert (found[(5, 1)]["x"], found[(5, 1)]["y"]) == (left + 4 * w, top + 4 * h)
    assert found[(1, 1)]["numbers"] == ["1"] and found[(5, 5)]["numbers"] == ["2"] and found[(5, 1)]["numbers"] == ["3"]
    assert found[(1, 1)]["titles"] == [f"Risk 1: {first.title} (sannolikhet 1, konsekvens 1)"]
    assert sum(len(c["numbers"]) for c in found.values()) == 3  # the closed one is not drawn
    # Every cell has its level as colour, as a pattern (all but the lowest) and as text.
    assert (found[(1, 1)]["level"], found[(1, 1)]["label"], found[(1, 1)]["patterned"]) == ("low", "Låg", False)
    assert (found[(3, 3)]["level"], found[(3, 3)]["label"], found[(3, 3)]["patterned"]) == ("medium", "Medel", True)
    assert (found[(4, 4)]["level"], found[(4, 4)]["label"]) == ("high", "Hög")
    assert (found[(5, 4)]["level"], found[(5, 4)]["label"]) == ("very-high", "Mycket hög")
    legend = [t.text for t in svg.iter(f"{SVG}text") if t.text and "(" in t.text]
    assert legend[-4:] == ["Låg (1–4)", "Medel (5–9)", "Hög (10–16)", "Mycket hög (20–25)"]


@pytest.mark.parametrize(
    ("score", "key"),
    [
        (1, "low"),
        (4, "low"),
        (5, "medium"),
        (9, "medium"),
        (10, "high"),
        (16, "high"),
        (20, "very-high"),
        (25, "very-high"),
    ],
)
def test_levels(score, key):
    assert rules.level(score).key == key


def test_a_full_cell_shows_how_many_more(client, people):
    collaboration, users = people
    for i in range(8):
        add(collaboration, f"Risk {i}", 2, 2)
    client.force_login(users["reader"])
    cell = cells(matrix_svg(client.get(url("risks", collaboration))))[(2, 2)]
    assert cell["numbers"] == ["1", "2", "3", "4", "5"] and cell["more"] == ["+3"]


def test_titles_are_escaped_in_the_matrix_and_legend(client, people):
    collaboration, users = people
    add(collaboration, "<script>alert(1)</script>", 2, 3)
    client.force_login(users["reader"])
    response = client.get(url("risks", collaboration))
    assert b"<script>alert(1)</script>" not in response.content
    cell = cells(matrix_svg(response))[(2, 3)]
    assert cell["titles"] == ["Risk 1: <script>alert(1)</script> (sannolikhet 2, konsekvens 3)"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</span> (6, medel)" in response.content.decode()


# Editing and closing ---------------------------------------------------------------------------


def test_adding_with_htmx_answers_the_form_and_the_board(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    html = client.post(url("risk_add", collaboration), valid(), **HTMX).content.decode()
    assert html.lstrip().startswith('<section id="risk-form-section"')
    assert '<div id="risk-board" hx-swap-oob="true">' in html
    assert re.search(r'id="risk-status"[^>]*role="status"[^>]*hx-swap-oob="innerHTML">Risken ”Lokalen', html)
    assert 'value="Lokalen försvinner"' not in html.split('id="risk-board"')[0]  # the form is empty again


def test_a_refused_htmx_add_keeps_the_text_and_leaves_the_board(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    html = client.post(url("risk_add", collaboration), valid(probability="8"), **HTMX).content.decode()
    assert "Välj ett värde från 1 till 5." in html and 'value="Lokalen försvinner"' in html
    assert "risk-board" not in html and "Risken är inte sparad." in html


def test_edit_with_htmx_puts_a_focused_form_in_place_of_the_add_form(client, people):
    collaboration, users = people
    risk = add(collaboration)
    client.force_login(users["editor"])
    html = client.get(url("risk_edit", collaboration, risk_pk=risk.pk), **HTMX).content.decode()
    assert html.lstrip().startswith('<section id="risk-form-section"')
    assert "Ändra risken Volontärerna räcker inte" in html and "autofocus" in html
    assert url("risk_edit", collaboration, risk_pk=risk.pk) in html
    full = client.get(url("risk_edit", collaboration, risk_pk=risk.pk)).content.decode()
    assert "<html" in full and "autofocus" not in full


def test_edit_saves_and_records_the_change(client, people):
    collaboration, users = people
    risk = add(collaboration)
    client.force_login(users["editor"])
    data = valid(title="Volontärerna räcker inte", probability="1", status="mitigating")
    html = client.post(url("risk_edit", collaboration, risk_pk=risk.pk), data, **HTMX).content.decode()
    assert '<div id="risk-board" hx-swap-oob="true">' in html and "Lägg till en risk" in html
    risk.refresh_from_db()
    assert (risk.probability, risk.consequence, risk.status) == (1, 5, "mitigating")
    assert Event.objects.get(kind=Event.Kind.RISK_CHANGED).detail == "Ändrad: Åtgärdas, sannolikhet 1, konsekvens 5"


def test_a_refused_edit_without_javascript_keeps_the_text(client, people):
    collaboration, users = people
    risk = add(collaboration)
    client.force_login(users["editor"])
    response = client.post(
        url("risk_edit", collaboration, risk_pk=risk.pk), valid(title="Nytt", review_date="2024-13-45")
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'value="Nytt"' in html and "Ändra risken Volontärerna räcker inte" in html
    assert "Skriv datumet som år-månad-dag" in html
    risk.refresh_from_db()
    assert risk.title == "Volontärerna räcker inte"


def test_close_without_javascript_and_with_htmx(client, people):
    collaboration, users = people
    first, second = add(collaboration, "Ett"), add(collaboration, "Två")
    client.force_login(users["editor"])
    response = client.post(url("risk_close", collaboration, risk_pk=first.pk), follow=True)
    assert "Risken ”Ett” är stängd." in response.content.decode()
    html = client.post(url("risk_close", collaboration, risk_pk=second.pk), **HTMX).content.decode()
    assert html.lstrip().startswith('<div id="risk-board">')
    assert re.search(r'hx-swap-oob="innerHTML">Risken ”Två” är stängd.', html)
    assert set(Risk.objects.values_list("status", flat=True)) == {"closed"}
    assert Event.objects.filter(kind=Event.Kind.RISK_CHANGED, detail="Stängd").count() == 2
    again = client.post(url("risk_close", collaboration, risk_pk=second.pk), **HTMX).content.decode()
    assert "Risken ”Två” var redan stängd." in again
    assert Event.objects.filter(kind=Event.Kind.RISK_CHANGED).count() == 2


def test_another_collaborations_risk_is_not_found(client, people):
    collaboration, users = people
    other = make_collaboration(coordinator=make_user("Olle Annan"), title="Annan samverkan")
    foreign = add(other)
    client.force_login(users["coordinator"])
    assert client.get(url("risk_edit", collaboration, risk_pk=foreign.pk)).status_code == 404
    assert client.post(url("risk_close", collaboration, risk_pk=foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "open"


def test_close_is_post_only(client, people):
    collaboration, users = people
    risk = add(collaboration)
    client.force_login(users["editor"])
    assert client.get(url("risk_close", collaboration, risk_pk=risk.pk)).status_code == 405


# Query counts, CSV, overview ----------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_takes_the_same_queries_for_3_and_30_risks(client, people, count, django_assert_max_num_queries):
    collaboration, users = people
    party = users["editor"].memberships.get().party
    for i in range(count):
        add(collaboration, f"Risk {i}", i % 5 + 1, (i * 3) % 5 + 1, owner=party)
    client.force_login(users["editor"])
    with django_assert_max_num_queries(6):
        response = client.get(url("risks", collaboration))
    assert response.content.decode().count('<tr id="risk-') == count


@pytest.mark.parametrize("count", [3, 30])
def test_the_csv_takes_the_same_queries_for_3_and_30(client, people, count, django_assert_max_num_queries):
    collaboration, users = people
    party = users["editor"].memberships.get().party
    for i in range(count):
        add(collaboration, f"Risk {i}", owner=party)
    client.force_login(users["reader"])
    with django_assert_max_num_queries(5):
        response = client.get(url("risk_csv", collaboration))
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))) == count + 1


def test_csv_content_and_escaping(client, people):
    collaboration, users = people
    party = users["editor"].memberships.get().party
    yesterday = timezone.localdate() - timedelta(days=1)
    add(collaboration, "=SUM(A1:A2)", 4, 5, owner=party, mitigation='-ring; "dem"\nsen', review_date=yesterday)
    add(collaboration, "Liten", 1, 1, status=Risk.Status.CLOSED)
    client.force_login(users["reader"])
    response = client.get(url("risk_csv", collaboration))
    assert response["Content-Disposition"] == 'attachment; filename="risker-motesplats-for-unga.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Nr", "Risk", "Beskrivning", "Sannolikhet (1–5)", "Konsekvens (1–5)", "Riskvärde", "Nivå",
        "Ansvarig part", "Åtgärd", "Status", "Följs upp", "Uppföljning försenad",
    ]  # fmt: skip
    assert rows[1] == [
        "1", "'=SUM(A1:A2)", "", "4", "5", "20", "Mycket hög", "Föreningen Gemenskap",
        "'-ring; \"dem\"\nsen", "Öppen", yesterday.isoformat(), "Ja",
    ]  # fmt: skip
    assert rows[2][:2] == ["2", "Liten"] and rows[2][-3:] == ["Stängd", "", "Nej"]


def test_overview_shows_the_three_highest_open_risks(client, people):
    collaboration, users = people
    add(collaboration, "Låg", 1, 1)
    add(collaboration, "Högst", 5, 5)
    add(collaboration, "Stängd", 5, 5, status=Risk.Status.CLOSED)
    add(collaboration, "Näst högst", 4, 5)
    add(collaboration, "Trea", 3, 4, status=Risk.Status.MITIGATING)
    client.force_login(users["reader"])
    html = client.get(reverse("projects:overview", args=[collaboration.pk])).content.decode()
    card = re.search(
        r'<section class="card mb-4" aria-labelledby="risks-card-heading">.*?</section>', html, re.S
    ).group(0)
    items = re.findall(r"<li[^>]*>(.*?)</li>", card, re.S)
    assert items == [
        "Högst – riskvärde 25 (mycket hög)",
        "Näst högst – riskvärde 20 (mycket hög)",
        "Trea – riskvärde 12 (hög)",
    ]
    assert url("risks", collaboration) in card


def test_overview_without_risks_is_one_line(client, people):
    collaboration, users = people
    client.force_login(users["reader"])
    html = client.get(reverse("projects:overview", args=[collaboration.pk])).content.decode()
    assert "Inga risker registrerade." in html and "risks-card-heading" not in html
    add(collaboration, "Stängd", status=Risk.Status.CLOSED)
    html = client.get(reverse("projects:overview", args=[collaboration.pk])).content.decode()
    assert "Inga öppna risker." in html and "Inga risker registrerade." not in html


def test_overview_context_takes_one_query_when_there_are_open_risks(people, django_assert_max_num_queries):
    collaboration, _users = people
    for i in range(10):
        add(collaboration, f"Risk {i}")
    with django_assert_max_num_queries(1):
        card = rules.overview_context(collaboration)["risks_card"]
    assert len(card["top"]) == 3 and card["any"]
