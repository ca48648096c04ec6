"""The stakeholder map (intressentkartläggning): the register, the four-field SVG, the quick move with
HTMX and without, the CSV export."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from projects.core.models import Event
from projects.stakeholders import services as rules
from projects.stakeholders.models import Stakeholder
from tests.factories import StakeholderFactory, make_collaboration, make_user

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, collaboration, **kwargs):
    return reverse(f"projects:{name}", kwargs={"pk": collaboration.pk, **kwargs})


def add(collaboration, name="Socialnämnden", influence=5, interest=2, **fields):
    return StakeholderFactory(collaboration=collaboration, name=name, influence=influence, interest=interest, **fields)


def map_svg(response):
    match = re.search(r'<svg class="stakeholder-map".*?</svg>', response.content.decode(), re.S)
    assert match, "no stakeholder map in the page"
    return ET.fromstring(match.group(0))  # noqa: S314 - our own page


def dots(svg):
    result = {}
    for g in svg.iter(f"{SVG}g"):
        if g.get("class") == "stakeholder-dot":
            circle = g.find(f"{SVG}circle")
            text = g.find(f"{SVG}text")
            result.setdefault(g.get("data-pk"), []).append(
                {
                    "cx": float(circle.get("cx")),
                    "cy": float(circle.get("cy")),
                    "label": " ".join(t.text for t in text.iter(f"{SVG}tspan")),
                    "label_y": float(text.get("y")),
                    "title": g[0].text if g[0].tag == f"{SVG}title" else None,
                }
            )
    return {pk: found[0] for pk, found in result.items()}


def quadrant_rects(svg):
    return {r.get("data-quadrant"): r for r in svg.iter(f"{SVG}rect") if r.get("data-quadrant")}


def inside(dot, rect):
    x, y, w, h = (float(rect.get(a)) for a in ("x", "y", "width", "height"))
    return x <= dot["cx"] <= x + w and y <= dot["cy"] <= y + h


# The page ---------------------------------------------------------------------------------------


def test_reader_sees_the_map_and_table_without_write_controls(client, people):
    collaboration, users = people
    add(collaboration, "Socialnämnden", 5, 2, category="Politiker", notes="Beslutar om bidraget")
    client.force_login(users["reader"])
    response = client.get(url("stakeholders", collaboration))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Socialnämnden" in html and "Politiker" in html and "Beslutar om bidraget" in html
    assert "Stort inflytande, litet intresse" in html
    assert "7 steg, Börja – Exempel på intressentkartläggning" in html  # the source is named
    assert "/flytta/" not in html and "/ta-bort/" not in html
    assert 'name="influence"' not in html and "Lägg till en intressent" not in html
    assert url("stakeholder_csv", collaboration) in html


def test_editor_sees_the_add_form_and_a_move_form_per_row(client, people):
    collaboration, users = people
    first, second = add(collaboration, "A"), add(collaboration, "B", 1, 1)
    client.force_login(users["editor"])
    html = client.get(url("stakeholders", collaboration)).content.decode()
    assert "Lägg till en intressent" in html
    for stakeholder in (first, second):
        assert url("stakeholder_move", collaboration, stakeholder_pk=stakeholder.pk) in html
        assert f'for="move-{stakeholder.pk}-influence"' in html and f'id="move-{stakeholder.pk}-influence"' in html


def test_the_empty_map_says_so(client, people):
    collaboration, users = people
    client.force_login(users["reader"])
    html = client.get(url("stakeholders", collaboration)).content.decode()
    assert "Inga intressenter än." in html and 'class="stakeholder-map"' not in html


# Adding, editing, deleting ------------------------------------------------------------------------


def test_editor_adds_a_stakeholder_without_javascript(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    data = {
        "name": "Fritidsgården",
        "kind": "organisation",
        "category": "Förvaltning",
        "influence": "2",
        "interest": "4",
    }
    response = client.post(url("stakeholder_add", collaboration), data, follow=True)
    stakeholder = Stakeholder.objects.get(collaboration=collaboration)
    assert (stakeholder.influence, stakeholder.interest, stakeholder.updated_by) == (2, 4, users["editor"])
    assert "Fritidsgården är tillagd i fältet ”Litet inflytande, stort intresse”." in response.content.decode()
    event = Event.objects.get(collaboration=collaboration, kind=Event.Kind.STAKEHOLDER_CHANGED)
    assert event.subject == "Fritidsgården" and "inflytande 2, intresse 4" in event.detail


@pytest.mark.parametrize("bad", ["0", "6", "abc", "9" * 30, "", "-1", "2.5"])
def test_a_value_outside_one_to_five_is_a_swedish_field_error_and_keeps_the_text(client, people, bad):
    collaboration, users = people
    client.force_login(users["editor"])
    data = {
        "name": "Fritidsgården",
        "kind": "organisation",
        "notes": "Viktig kontakt",
        "influence": bad,
        "interest": "3",
    }
    response = client.post(url("stakeholder_add", collaboration), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Välj ett värde från 1 till 5." in html
    assert 'value="Fritidsgården"' in html and "Viktig kontakt" in html
    assert "7 steg, Börja – Exempel på intressentkartläggning" in html  # the whole page again
    assert not Stakeholder.objects.exists()


def test_a_name_is_required_and_limited(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    response = client.post(
        url("stakeholder_add", collaboration), {"name": "", "kind": "person", "influence": 1, "interest": 1}
    )
    assert "Skriv intressentens namn." in response.content.decode()
    response = client.post(
        url("stakeholder_add", collaboration), {"name": "x" * 30_000, "kind": "person", "influence": 1, "interest": 1}
    )
    assert response.status_code == 200 and not Stakeholder.objects.exists()
    response = client.post(
        url("stakeholder_add", collaboration), {"name": "a\x00b", "kind": "person", "influence": 1, "interest": 1}
    )
    assert response.status_code == 200 and not Stakeholder.objects.exists()


def test_adding_with_htmx_answers_the_form_the_table_and_the_map(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    data = {"name": "Fritidsgården", "kind": "organisation", "influence": "4", "interest": "4"}
    response = client.post(url("stakeholder_add", collaboration), data, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="stakeholder-add"')
    assert (
        'id="stakeholder-table" hx-swap-oob="true"' in html
        and 'id="stakeholder-map" class="row g-3" hx-swap-oob="true"' in html
    )
    assert 'id="stakeholder-status"' in html and 'hx-swap-oob="innerHTML"' in html
    assert "Fritidsgården är tillagd" in html
    assert 'value="Fritidsgården"' not in html  # the form is empty again
    assert Stakeholder.objects.filter(collaboration=collaboration).count() == 1


def test_a_refused_htmx_add_keeps_the_text_and_leaves_the_table(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    data = {"name": "Fritidsgården", "kind": "organisation", "influence": "7", "interest": "4"}
    html = client.post(url("stakeholder_add", collaboration), data, **HTMX).content.decode()
    assert "Välj ett värde från 1 till 5." in html and 'value="Fritidsgården"' in html
    assert "stakeholder-table" not in html
    assert "Intressenten är inte sparad." in html


def test_editor_edits_a_stakeholder(client, people):
    collaboration, users = people
    stakeholder = add(collaboration)
    client.force_login(users["editor"])
    page = client.get(url("stakeholder_edit", collaboration, stakeholder_pk=stakeholder.pk))
    assert 'value="Socialnämnden"' in page.content.decode()
    data = {"name": "Socialnämnden (ordf.)", "kind": "function", "influence": "5", "interest": "5", "notes": "Ny"}
    response = client.post(url("stakeholder_edit", collaboration, stakeholder_pk=stakeholder.pk), data)
    assert response.status_code == 302
    stakeholder.refresh_from_db()
    assert (stakeholder.name, stakeholder.kind, stakeholder.interest) == ("Socialnämnden (ordf.)", "function", 5)


def test_a_refused_edit_changes_nothing_and_keeps_the_text(client, people):
    collaboration, users = people
    stakeholder = add(collaboration)
    client.force_login(users["editor"])
    data = {"name": "Nytt namn", "kind": "function", "influence": "0", "interest": "5"}
    response = client.post(url("stakeholder_edit", collaboration, stakeholder_pk=stakeholder.pk), data)
    html = response.content.decode()
    assert response.status_code == 200 and "Välj ett värde från 1 till 5." in html and 'value="Nytt namn"' in html
    assert "Ändra intressenten Socialnämnden" in html  # the heading is the saved name
    stakeholder.refresh_from_db()
    assert (stakeholder.name, stakeholder.influence) == ("Socialnämnden", 5)


def test_delete_asks_first_and_then_deletes(client, people):
    collaboration, users = people
    stakeholder = add(collaboration)
    client.force_login(users["editor"])
    delete_url = url("stakeholder_delete", collaboration, stakeholder_pk=stakeholder.pk)
    page = client.get(delete_url)
    assert "Ta bort Socialnämnden ur intressentkartan?" in page.content.decode()
    assert Stakeholder.objects.filter(pk=stakeholder.pk).exists()  # GET changes nothing
    response = client.post(delete_url)
    assert response.status_code == 302 and not Stakeholder.objects.filter(pk=stakeholder.pk).exists()
    assert Event.objects.filter(
        kind=Event.Kind.STAKEHOLDER_CHANGED, subject="Socialnämnden", detail="Borttagen"
    ).exists()


def test_another_collaborations_stakeholder_is_not_found(client, people):
    collaboration, users = people
    other = make_collaboration(coordinator=make_user("Olle Annan"), title="Annan samverkan")
    foreign = add(other, "Hemlig")
    client.force_login(users["coordinator"])
    for name in ("stakeholder_edit", "stakeholder_delete"):
        assert client.get(url(name, collaboration, stakeholder_pk=foreign.pk)).status_code == 404
    response = client.post(
        url("stakeholder_move", collaboration, stakeholder_pk=foreign.pk), {"influence": 1, "interest": 1}
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.influence == 5


def test_an_archived_collaboration_is_read_only(client, people):
    collaboration, users = people
    stakeholder = add(collaboration)
    collaboration.archived = True
    collaboration.save()
    client.force_login(users["coordinator"])
    assert client.get(url("stakeholders", collaboration)).status_code == 200
    response = client.post(
        url("stakeholder_move", collaboration, stakeholder_pk=stakeholder.pk), {"influence": 1, "interest": 1}
    )
    assert response.status_code == 403


# Moving ------------------------------------------------------------------------------------------


def test_move_without_javascript_redirects_with_a_message(client, people):
    collaboration, users = people
    stakeholder = add(collaboration, influence=5, interest=2)
    client.force_login(users["editor"])
    response = client.post(
        url("stakeholder_move", collaboration, stakeholder_pk=stakeholder.pk),
        {"influence": "2", "interest": "5"},
        follow=True,
    )
    stakeholder.refresh_from_db()
    assert (stakeholder.influence, stakeholder.interest) == (2, 5)
    assert (
        "Socialnämnden är flyttad till inflytande 2, intresse 5: Litet inflytande, stort intresse."
        in response.content.decode()
    )
    event = Event.objects.get(kind=Event.Kind.STAKEHOLDER_CHANGED)
    assert event.detail == "Flyttad till inflytande 2, intresse 5"


def test_move_with_htmx_swaps_the_row_the_map_and_announces_it(client, people):
    collaboration, users = people
    stakeholder = add(collaboration, influence=5, interest=2)
    other = add(collaboration, "Fritidsgården", 2, 5)
    client.force_login(users["editor"])
    response = client.post(
        url("stakeholder_move", collaboration, stakeholder_pk=stakeholder.pk),
        {"influence": "2", "interest": "5"},
        **HTMX,
    )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="stakeholder-{stakeholder.pk}">')
    assert '<td data-label="Fält">Litet inflytande, stort intresse</td>' in html
    assert 'id="stakeholder-map" class="row g-3" hx-swap-oob="true"' in html
    assert re.search(
        r'id="stakeholder-status"[^>]*role="status"[^>]*aria-live="polite"[^>]*'
        r'hx-swap-oob="innerHTML">Socialnämnden är flyttad',
        html,
    )
    # The map is redrawn with both, now in the same cell: stacked.
    found = dots(map_svg(response))
    assert found[str(stakeholder.pk)]["cx"] == found[str(other.pk)]["cx"]
    assert found[str(stakeholder.pk)]["cy"] != found[str(other.pk)]["cy"]
    assert f'id="stakeholder-{other.pk}"' not in html  # only the moved row


@pytest.mark.parametrize("bad", [{"influence": "6", "interest": "2"}, {"influence": "abc"}, {"interest": "9" * 30}, {}])
def test_a_bad_move_changes_nothing_and_says_why(client, people, bad):
    collaboration, users = people
    stakeholder = add(collaboration, influence=5, interest=2)
    client.force_login(users["editor"])
    move_url = url("stakeholder_move", collaboration, stakeholder_pk=stakeholder.pk)
    html = client.post(move_url, bad, **HTMX).content.decode()
    assert "Socialnämnden är inte flyttad: Välj ett värde från 1 till 5." in html
    response = client.post(move_url, bad, follow=True)
    assert "Socialnämnden är inte flyttad" in response.content.decode()
    stakeholder.refresh_from_db()
    assert (stakeholder.influence, stakeholder.interest) == (5, 2)
    assert not Event.objects.filter(kind=Event.Kind.STAKEHOLDER_CHANGED).exists()


def test_move_is_post_only(client, people):
    collaboration, users = people
    stakeholder = add(collaboration)
    client.force_login(users["editor"])
    assert client.get(url("stakeholder_move", collaboration, stakeholder_pk=stakeholder.pk)).status_code == 405


# The four fields and the SVG -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("influence", "interest", "key"),
    [
        (5, 5, "high-high"),
        (3, 3, "high-high"),
        (5, 1, "high-low"),
        (3, 2, "high-low"),
        (2, 3, "low-high"),
        (1, 1, "low-low"),
        (2, 2, "low-low"),
    ],
)
def test_the_field_follows_influence_and_interest(influence, interest, key):
    assert rules.quadrant(influence, interest).key == key


def test_dots_are_placed_by_interest_across_and_influence_up(client, people):
    collaboration, users = people
    top_left = add(collaboration, "Kommunstyrelsen", influence=5, interest=1)
    bottom_right = add(collaboration, "Föräldrarna", influence=1, interest=5)
    middle = add(collaboration, "Skolan", influence=3, interest=3)
    client.force_login(users["reader"])
    svg = map_svg(client.get(url("stakeholders", collaboration)))
    assert svg.get("role") == "img" and svg.get("viewBox").startswith("0 0 ")
    assert svg.find(f"{SVG}title").text.startswith("Fyrfältskarta med 3 intressenter")
    found = dots(svg)
    left = rules.MAP_LEFT + 12
    assert found[str(top_left.pk)]["cx"] == left
    assert found[str(bottom_right.pk)]["cx"] == left + 4 * rules.MAP_CELL_WIDTH
    assert found[str(middle.pk)]["cx"] == left + 2 * rules.MAP_CELL_WIDTH
    assert found[str(top_left.pk)]["cy"] < found[str(middle.pk)]["cy"] < found[str(bottom_right.pk)]["cy"]
    rects = quadrant_rects(svg)
    assert inside(found[str(top_left.pk)], rects["high-low"])
    assert inside(found[str(bottom_right.pk)], rects["low-high"])
    assert inside(found[str(middle.pk)], rects["high-high"])
    assert not inside(found[str(middle.pk)], rects["low-low"])
    labels = {t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "quadrant-label"}
    assert {"Stort inflytande,", "litet intresse", "stort intresse", "Litet inflytande,"} <= labels
    for dot in found.values():
        assert dot["title"] and "inflytande" in dot["title"]  # every dot has its <title>
    assert found[str(top_left.pk)]["title"] == (
        "Kommunstyrelsen (Organisation): inflytande 5, intresse 1 – Stort inflytande, litet intresse"
    )


def test_stakeholders_in_the_same_cell_are_stacked_so_labels_stay_readable(client, people):
    collaboration, users = people
    same = [add(collaboration, f"Förening {i}", influence=4, interest=4) for i in range(5)]
    client.force_login(users["reader"])
    found = dots(map_svg(client.get(url("stakeholders", collaboration))))
    placed = sorted((found[str(s.pk)] for s in same), key=lambda d: d["cy"])
    assert len({d["cx"] for d in placed}) == 1
    for upper, lower in zip(placed, placed[1:], strict=False):
        assert lower["cy"] - upper["cy"] >= rules.MAP_LINE
        assert lower["label_y"] - upper["label_y"] >= rules.MAP_LINE
    picture = rules.stakeholder_map(rules.stakeholder_list(collaboration))
    row = next(r for r in picture.rows if r["value"] == 4)
    assert placed[-1]["cy"] + rules.MAP_LINE // 2 <= row["y"] + row["height"]  # the row grew to hold them


def test_user_text_is_escaped_in_the_svg_and_long_names_are_wrapped(client, people):
    collaboration, users = people
    add(collaboration, "<script>alert(1)</script>", influence=2, interest=2)
    long = add(collaboration, "Kommunfullmäktiges beredning för demokrati", influence=1, interest=1)
    client.force_login(users["reader"])
    response = client.get(url("stakeholders", collaboration))
    assert b"<script>alert(1)</script>" not in response.content
    svg = map_svg(response)  # still well-formed XML
    texts = [t.text for t in svg.iter(f"{SVG}tspan")]
    assert "<script>alert(-" in texts  # drawn as text (wrapped), escaped in the markup
    assert any("<script>alert(1)</script>" in (t.text or "") for t in svg.iter(f"{SVG}title"))
    found = dots(svg)
    assert found[str(long.pk)]["label"] == "Kommunfullmäkt- iges beredning för demokrati"  # whole, on three lines
    assert "Kommunfullmäktiges beredning för demokrati" in found[str(long.pk)]["title"]


# Query counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_takes_the_same_queries_for_3_and_30_stakeholders(
    client, people, count, django_assert_max_num_queries
):
    collaboration, users = people
    for i in range(count):
        add(collaboration, f"Intressent {i}", influence=i % 5 + 1, interest=(i * 2) % 5 + 1)
    client.force_login(users["editor"])
    with django_assert_max_num_queries(6):
        response = client.get(url("stakeholders", collaboration))
    assert response.content.decode().count('class="stakeholder-dot"') == count


@pytest.mark.parametrize("count", [3, 30])
def test_the_csv_takes_the_same_queries_for_3_and_30(client, people, count, django_assert_max_num_queries):
    collaboration, users = people
    for i in range(count):
        add(collaboration, f"Intressent {i}")
    client.force_login(users["reader"])
    with django_assert_max_num_queries(5):
        response = client.get(url("stakeholder_csv", collaboration))
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))) == count + 1


# CSV -------------------------------------------------------------------------------------------


def test_csv_is_excel_friendly_escaped_and_named_after_the_collaboration(client, people):
    collaboration, users = people
    add(
        collaboration,
        '=HYPERLINK("http://x")',
        influence=4,
        interest=2,
        category="+46 8",
        notes='Rad ett\nRad två; med "citat"',
    )
    add(collaboration, "@Stiftelsen", influence=1, interest=5, kind="person", category="-minus")
    client.force_login(users["reader"])
    response = client.get(url("stakeholder_csv", collaboration))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="intressenter-motesplats-for-unga.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Namn",
        "Slag",
        "Kategori",
        "Inflytande (1–5)",
        "Intresse (1–5)",
        "Fält",
        "Anteckningar",
        "Ändrad",
    ]
    first = rows[1]
    assert first[0] == '\'=HYPERLINK("http://x")' and first[2] == "'+46 8"
    assert first[3:6] == ["4", "2", "Stort inflytande, litet intresse"]
    assert first[6] == 'Rad ett\nRad två; med "citat"'
    assert rows[2][0] == "'@Stiftelsen" and rows[2][1] == "Person" and rows[2][2] == "'-minus"


def test_csv_cell_guards_every_formula_start():
    for start in "=+-@\t\r":
        assert rules.csv_cell(f"{start}1") == f"'{start}1"
    assert rules.csv_cell("Förening") == "Förening" and rules.csv_cell(3) == "3" and rules.csv_cell(None) == ""


def test_a_name_is_wrapped_not_cut_and_the_row_grows_to_hold_it(client, people):
    collaboration, users = people
    owner = add(collaboration, "Fastighetsägare", influence=4, interest=4)
    below = add(collaboration, "Hyresgästföreningen Norra", influence=4, interest=4)
    very_long = add(
        collaboration, "Socialförvaltningens individ- och familjeomsorg i kommunen", influence=2, interest=2
    )
    client.force_login(users["reader"])
    svg = map_svg(client.get(url("stakeholders", collaboration)))
    found = dots(svg)
    assert found[str(owner.pk)]["label"] == "Fastighetsägare"  # not "Fastighetsäg…"
    assert found[str(below.pk)]["label"] == "Hyresgästfören- ingen Norra"
    # The second name of the cell starts below the first name's lines.
    assert found[str(below.pk)]["label_y"] - found[str(owner.pk)]["label_y"] >= rules.MAP_LINE
    assert found[str(very_long.pk)]["label"].endswith("…")  # three lines at most; the title has it whole
    assert "Socialförvaltningens individ- och familjeomsorg i kommunen" in found[str(very_long.pk)]["title"]
    lines = [len(line) for line in rules._wrap("Socialförvaltningens individ- och familjeomsorg i kommunen")]
    assert len(lines) == rules.MAP_LABEL_LINES and max(lines) <= rules.MAP_LABEL_CHARS
