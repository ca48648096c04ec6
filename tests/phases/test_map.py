"""The collaboration map: saving the six rows (one event per save), validation that keeps what was
typed, the picture (markers for planned and actual, escaping), the snapshot and the agreement PDF."""

import re

import pytest
from django.urls import reverse

from guides.models import Level
from projects.agreements import services as agreements
from projects.common import pdf
from projects.core.models import Collaboration, Event, Phase
from projects.phases import services as phases
from projects.phases.models import MapEntry

pytestmark = pytest.mark.django_db


def map_url(collaboration):
    return reverse("projects:map_save", args=[collaboration.pk])


def page_url(collaboration):
    return reverse("projects:phases", args=[collaboration.pk])


def posted(**rows):
    """{"agendasattning": ("dialog", "samrad", "note")} → the form's fields."""
    data = {}
    for phase, (planned, actual, note) in rows.items():
        data |= {f"{phase}-planned": planned, f"{phase}-actual": actual, f"{phase}-note": note}
    return data


@pytest.fixture
def editor_client(client, people):
    client.force_login(people[1]["editor"])
    return client


def test_editor_saves_the_map_and_one_event_names_the_phases(editor_client, people):
    collaboration, users = people
    data = posted(agendasattning=("dialog", "samrad", "Ett första möte"), beslut=("partnerskap", "", ""))
    response = editor_client.post(map_url(collaboration), data)
    assert response.status_code == 302 and response.url.endswith("#map")
    entries = {e.phase: e for e in MapEntry.objects.filter(collaboration=collaboration)}
    assert set(entries) == {"agendasattning", "beslut"}
    assert entries["agendasattning"].planned_level.slug == "dialog"
    assert entries["agendasattning"].actual_level.slug == "samrad"
    assert entries["agendasattning"].note == "Ett första möte"
    assert entries["beslut"].actual_level is None and entries["beslut"].updated_by == users["editor"]
    event = Event.objects.get(collaboration=collaboration, kind=Event.Kind.MAP_CHANGED)
    assert event.subject == "Agendasättning, Beslut"


def test_saving_again_records_only_what_changed(editor_client, people):
    collaboration, _ = people
    editor_client.post(map_url(collaboration), posted(agendasattning=("dialog", "", ""), beslut=("samrad", "", "")))
    same = posted(agendasattning=("dialog", "", ""), beslut=("samrad", "", ""))
    editor_client.post(map_url(collaboration), same)
    assert Event.objects.filter(kind=Event.Kind.MAP_CHANGED).count() == 1
    # Clearing a row removes it; the event names only that phase.
    editor_client.post(map_url(collaboration), posted(agendasattning=("dialog", "", ""), beslut=("", "", "")))
    assert list(MapEntry.objects.values_list("phase", flat=True)) == ["agendasattning"]
    assert Event.objects.filter(kind=Event.Kind.MAP_CHANGED).first().subject == "Beslut"


@pytest.mark.parametrize("bad", ["okänd", "9" * 30, "<script>alert(1)</script>", "dialog\x00", "-1"])
def test_unknown_level_is_a_swedish_message_and_the_notes_are_kept(editor_client, people, bad):
    collaboration, _ = people
    data = posted(agendasattning=(bad, "", "Min <anteckning>"), formulering=("dialog", "", "Också kvar"))
    response = editor_client.post(map_url(collaboration), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Okänd nivå. Välj en av nivåerna i listan." in body
    assert 'value="Min &lt;anteckning&gt;"' in body and 'value="Också kvar"' in body
    assert "<script>alert(1)</script>" not in body
    assert not MapEntry.objects.exists()
    assert not Event.objects.filter(kind=Event.Kind.MAP_CHANGED).exists()


def test_too_long_note_is_refused_and_kept(editor_client, people):
    collaboration, _ = people
    note = "ö" * 1001
    response = editor_client.post(map_url(collaboration), posted(genomforande=("", "", note)))
    assert response.status_code == 200
    assert "högst 1000 tecken" in response.content.decode()
    assert note in response.content.decode()
    assert not MapEntry.objects.exists()


def test_htmx_save_returns_the_map_with_a_status_for_screen_readers(editor_client, people):
    collaboration, _ = people
    response = editor_client.post(
        map_url(collaboration), posted(uppfoljning=("dialog", "dialog", "")), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="map-status" hx-swap-oob="innerHTML"' in body
    assert "Samverkanskartan är sparad. Ändrat: Uppföljning." in body
    assert "<svg" in body and "Spara kartan" in body
    # An error comes back the same way, with the form as it was.
    response = editor_client.post(
        map_url(collaboration), posted(uppfoljning=("x", "dialog", "kvar")), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Kartan är inte sparad." in response.content.decode() and 'value="kvar"' in response.content.decode()


def test_reader_sees_the_map_but_cannot_change_it(client, people):
    collaboration, users = people
    client.force_login(users["reader"])
    assert client.post(map_url(collaboration), posted(beslut=("dialog", "", ""))).status_code == 403
    page = client.get(page_url(collaboration)).content.decode()
    assert "Samverkanskarta i tabellform" in page and "Spara kartan" not in page
    assert not MapEntry.objects.exists()


def test_archived_collaboration_map_cannot_change(editor_client, people):
    collaboration, _ = people
    Collaboration.objects.filter(pk=collaboration.pk).update(archived=True)
    assert editor_client.post(map_url(collaboration), posted(beslut=("dialog", "", ""))).status_code == 403


# The picture -----------------------------------------------------------------------------------


def _svg(body):
    start = body.index('<svg class="map-picture"')
    return body[start : body.index("</svg>", start) + 6]


def test_picture_marks_planned_and_actual_with_shape_and_letter(editor_client, people):
    collaboration, _ = people
    editor_client.post(map_url(collaboration), posted(formulering=("partnerskap", "information", "<b>x</b>")))
    page = editor_client.get(page_url(collaboration)).content.decode()
    svg = _svg(page)
    assert 'role="img"' in svg and 'viewBox="0 0 ' in svg and 'width="100%"' in svg
    assert "Tabellen är samma karta i textform." in svg
    assert "Formulering: planerad Partnerskap, faktisk Information." in svg
    # One circle with P (planned) and one filled square with F (actual) in the grid, plus the legend's.
    assert len(re.findall(r">P</text>", svg)) == 2 and len(re.findall(r">F</text>", svg)) == 2
    picture = phases.map_picture(phases.map_rows(collaboration), current_phase="agendasattning")
    formulering = picture["columns"][1]
    top, bottom = picture["levels"][0], picture["levels"][-1]
    assert (top["name"], bottom["name"]) == ("Partnerskap", "Information")  # as the guides draw it
    assert top["y"] < formulering["planned"]["cy"] < picture["levels"][1]["y"]  # P in the Partnerskap row
    assert bottom["y"] < formulering["actual"]["y"] + 11 < picture["grid_bottom"]  # F in the Information row
    assert picture["columns"][0]["current"] and not formulering["current"]
    assert "<b>" not in svg and "&lt;b&gt;" not in svg  # notes are not in the picture at all
    assert "&lt;b&gt;x&lt;/b&gt;" in page  # but in the table, escaped


def test_picture_marks_the_current_phase_in_text(editor_client, people):
    collaboration, _ = people
    Collaboration.objects.filter(pk=collaboration.pk).update(phase=Phase.GENOMFORANDE)
    svg = _svg(editor_client.get(page_url(collaboration)).content.decode())
    assert svg.count('stroke-width="3"') == 2  # the current column's frame and its legend
    assert ">nu</text>" in svg and "Nuvarande fas (nu)" in svg


def test_empty_map_says_so(editor_client, people):
    collaboration, _ = people
    page = editor_client.get(page_url(collaboration)).content.decode()
    assert "Inget är markerat på kartan än." in page
    assert ">P</text>" in _svg(page)  # only the legend
    assert _svg(page).count(">P</text>") == 1


# The snapshot and the PDF ------------------------------------------------------------------------


def test_snapshot_is_empty_until_something_is_marked(people):
    collaboration, users = people
    assert phases.map_snapshot(collaboration) == []
    phases.save_map(
        collaboration,
        user=users["editor"],
        values={"beslut": {"planned": Level.objects.get(slug="dialog"), "actual": None, "note": "Kort"}},
    )
    rows = phases.map_snapshot(collaboration)
    assert [row["phase"] for row in rows] == phases.PHASES
    assert rows[2] == {
        "phase": "beslut",
        "phase_name": "Beslut",
        "planned": "dialog",
        "planned_name": "Dialog",
        "actual": "",
        "actual_name": "",
        "note": "Kort",
    }
    assert rows[0]["planned"] == "" and rows[0]["phase_name"] == "Agendasättning"


def test_agreement_pdf_has_the_map_table_and_picture(people):
    collaboration, users = people
    phases.save_map(
        collaboration,
        user=users["editor"],
        values={
            "agendasattning": {"planned": Level.objects.get(slug="samrad"), "actual": None, "note": "<i>kursiv</i>"},
            "genomforande": {
                "planned": Level.objects.get(slug="partnerskap"),
                "actual": Level.objects.get(slug="dialog"),
                "note": "",
            },
        },
    )
    agreement = agreements.create_agreement(collaboration, user=users["coordinator"])
    content = agreements.snapshot(agreement)
    assert content["map"] == phases.map_snapshot(collaboration)
    html = pdf.render_html(content)
    assert '<h2 id="map">Samverkanskarta</h2>' in html
    assert '<a href="#map">Samverkanskarta</a>' in html
    section = html[html.index('<h2 id="map">') :]
    assert '<th scope="row">Genomförande</th><td>Partnerskap</td><td>Dialog</td>' in section
    assert "&lt;i&gt;kursiv&lt;/i&gt;" in section and "<i>kursiv" not in section
    assert "<svg" in section and 'id="pdf-map-picture-title"' in section
    document = pdf.render_pdf(content)
    assert document.startswith(b"%PDF")


def test_pdf_without_a_map_has_no_map_section(people):
    collaboration, users = people
    agreement = agreements.create_agreement(collaboration, user=users["coordinator"])
    html = pdf.render_html(agreements.snapshot(agreement))
    assert 'id="map"' not in html and "#map" not in html


def test_pdf_map_is_swedish_in_an_english_session(people, settings):
    from django.utils import translation

    collaboration, users = people
    phases.save_map(
        collaboration,
        user=users["editor"],
        values={"beslut": {"planned": Level.objects.get(slug="dialog"), "actual": None, "note": ""}},
    )
    agreement = agreements.create_agreement(collaboration, user=users["coordinator"])
    with translation.override("en"):
        html = pdf.render_html(agreements.snapshot(agreement))
    assert "Planerad nivå" in html[html.index("<svg") :]
