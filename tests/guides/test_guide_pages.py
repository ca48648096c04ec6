import pytest
from django.db import connection
from django.urls import reverse

from guides.models import Item, Section
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    client.force_login(make_user("Bo Berg"))
    return client


def get(client, name, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return response.content.decode()


def test_library_lists_the_four_guides(reader):
    body = get(reader, "guides:library")
    for title in ["En liten samverkansguide", "Samverkansmodell", "7 steg", "Att bygga partnerskap"]:
        assert title.lower() in body.lower()


def test_guide_page_has_the_table_of_contents_and_the_source(reader):
    body = get(reader, "guides:guide", guide_slug="mucf")
    assert "Status för samverkan" in body and "Utvärdera och omformulera" in body
    assert "MUCF" in body and "Källa" in body


def test_section_page_shows_questions_tips_next_steps_and_source(reader):
    body = get(reader, "guides:section", guide_slug="mucf", section_slug="mucf-status")
    assert "Frågor att diskutera" in body and "Tänk på!" in body and "Kom vidare" in body
    assert "Ekonomiska förutsättningar" in body  # a question group
    for item in Item.objects.filter(section__slug="mucf-status", kind="question"):
        assert item.text.replace("'", "&#x27;").replace('"', "&quot;") in body
    assert "Källa: Samverkansmodell" in body


def test_section_page_has_previous_and_next_in_guide_order(reader):
    body = get(reader, "guides:section", guide_slug="mucf", section_slug="mucf-status")
    assert 'rel="prev"' in body and "Förutsättningar för offentliga aktörer" in body
    assert 'rel="next"' in body and reverse("guides:section", args=["mucf", "mucf-kunskap"]) in body
    first = Section.objects.filter(guide__slug="mucf").order_by("sequence").first()
    body = get(reader, "guides:section", guide_slug="mucf", section_slug=first.slug)
    assert 'rel="prev"' not in body


def test_principle_emphasis_links_to_the_principle(reader):
    body = get(reader, "guides:section", guide_slug="mucf", section_slug="mucf-identifiera")
    assert "Ta stöd i principerna" in body
    assert reverse("guides:principles") + "#" in body


def test_section_of_another_guide_is_404(reader):
    response = reader.get(reverse("guides:section", args=["halland", "mucf-status"]))
    assert response.status_code == 404


def test_principles_page_shows_the_six_with_sources(reader):
    body = get(reader, "guides:principles")
    for name in [
        "Självständighet och oberoende",
        "Dialog",
        "Kvalitet",
        "Långsiktighet",
        "Öppenhet och insyn",
        "Mångfald",
    ]:
        assert name in body
    assert "Källa" in body


def test_forms_page_has_the_forms_and_the_financing_table(reader):
    body = get(reader, "guides:forms")
    assert "Idéburet offentligt partnerskap" in body or "IOP" in body
    assert "Föreningsbidrag" in body and "<table" in body and 'scope="row"' in body
    assert "Passar när" in body and "Passar inte när" in body


def test_levels_page_explains_the_map(reader):
    body = get(reader, "guides:levels")
    for name in ["Information", "Samråd", "Dialog", "Partnerskap", "Agendasättning", "Omformulering"]:
        assert name in body


def test_templates_and_tools_pages(reader):
    assert "IOP" in get(reader, "guides:templates")
    body = get(reader, "guides:tools")
    assert "Innovationsprocessen" in body or "innovationsprocess" in body.lower()
    assert "SMART" in body


def test_search_finds_and_highlights(reader):
    response = reader.get(reverse("guides:search"), {"q": "målgrupp"})
    body = response.content.decode()
    assert "<mark>" in body.lower()
    assert reverse("guides:section", args=["mucf", "mucf-malgrupp"]) in body


def test_search_is_swedish_aware_on_postgresql(reader):
    if connection.vendor != "postgresql":
        pytest.skip("stemming needs PostgreSQL's Swedish text search configuration")
    # "förutsättningarna" and "förutsättningar" share a stem in the Swedish configuration.
    body = reader.get(reverse("guides:search"), {"q": "förutsättningarna"}).content.decode()
    assert "förutsättningar</mark>" in body.lower()


def test_search_fragment_for_htmx(reader):
    response = reader.get(
        reverse("guides:search"), {"q": "mandat"}, headers={"HX-Request": "true", "HX-Target": "search-results"}
    )
    body = response.content.decode()
    assert "<html" not in body and 'id="search-results"' in body


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "x",
        "<script>alert(1)</script>",
        "'; DROP TABLE guides_item; --",
        "a" * 5000,
        "\x00\x01",
        "ååå & ööö",
        "OR AND NOT",
        '"unterminated',
    ],
)
def test_search_survives_hostile_queries(reader, query):
    response = reader.get(reverse("guides:search"), {"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


def test_guide_text_is_escaped(reader):
    Item.objects.filter(slug="mucf-status-q01").update(text="<img src=x onerror=alert(1)> **fet**")
    body = get(reader, "guides:section", guide_slug="mucf", section_slug="mucf-status")
    assert "<img src=x" not in body and "&lt;img src=x" in body
    assert "<strong>fet</strong>" in body


def test_print_stylesheet_hides_navigation():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "app.css").read_text()
    assert "@media print" in css and "nav" in css.split("@media print")[1]


def test_staff_reorder_items_in_the_admin(client):
    staff = make_user("Stina Staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    item = Item.objects.get(slug="mucf-status-q01")
    response = client.get(reverse("admin:guides_item_change", args=[item.pk]))
    assert response.status_code == 200 and "fixtures/" in response.content.decode()
    changelist = client.get(reverse("admin:guides_item_changelist"), {"q": "mucf-status"})
    assert changelist.status_code == 200
    for name in ["guide", "section", "principle", "collaborationform", "referencelist", "agreementtemplate"]:
        assert client.get(reverse(f"admin:guides_{name}_changelist")).status_code == 200


def test_section_order_follows_the_guide():
    titles = list(Section.objects.filter(guide__slug="mucf", parent=None).values_list("title", flat=True))
    assert titles[0].startswith("Förutsättningar") and titles[-1].startswith("Utvärdera")


def test_an_english_reader_sees_one_source_label_and_the_code_names_in_english(reader):
    from django.conf import settings

    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = get(reader, "guides:forms")
    assert "Källa" not in body  # not "Källa: Samla kraft! … Source: …" side by side
    assert "Source: Samla kraft! MUCF, 2017 (" in body
    levels = get(reader, "guides:levels")
    assert "Källa" not in levels
    assert "Agenda setting" in levels and "Consultation" in levels  # translated already in locale/en
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    body = get(reader, "guides:forms")
    assert "Källa: Samla kraft! MUCF, 2017 (" in body and "Källa: Källa" not in body


def test_the_code_names_are_marked_for_translation():
    from django.utils import translation

    from guides.models import CODE_NAMES, DecisionPhase, Level

    names = set(Level.objects.values_list("name", flat=True)) | set(
        DecisionPhase.objects.values_list("name", flat=True)
    )
    assert names <= set(CODE_NAMES)  # each a msgid, so the lead's translation reaches it
    with translation.override("en"):
        assert DecisionPhase.objects.get(slug="genomforande").label == "Implementation"
