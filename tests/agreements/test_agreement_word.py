"""The agreement as a Word file (projects/agreements/word.py, projects/common/docx.py), read back
with python-docx: Word's heading styles, the tables' cells, Swedish on the styles, page numbers, and
text outside Latin-1 and with control characters that survives (or is cleaned) without breaking XML."""

import io
import zipfile

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from projects.agreements import services as agreements
from projects.common import docx as word
from tests.factories import decided_version
from tests.memo.world import NASTY, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(people):
    collaboration, users = people
    agreement, kommun, gemenskap = build(collaboration, users)
    return collaboration, users, agreement


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def _read(response):
    assert response.status_code == 200
    assert response["Content-Type"] == word.CONTENT_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="')
    return Document(io.BytesIO(response.content)), response.content


def _texts(document):
    return "\n".join(p.text for p in document.paragraphs)


def _cells(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_draft_as_word_has_headings_tables_and_the_texts(client, world):
    collaboration, users, agreement = world
    url = reverse("projects:agreement_docx", args=[collaboration.pk])
    document, data = _read(_get(client, users["reader"], url))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == ("Title", agreement.title)
    assert ("Heading 1", "Parter") in headings and ("Heading 1", "Beslut") in headings
    first = agreement.sections.order_by("order").first()
    assert ("Heading 1", f"1. {first.title}") in headings
    text = _texts(document)
    # Paragraphs kept: the blank line starts a new paragraph, the single line break stays inside one.
    assert f"Första stycket {NASTY}\nrad två" in text
    assert "Andra stycket föreefter" in text  # the control characters are gone, the rest kept
    assert "Word-filen är en kopia att arbeta i. Det är versionen i Samverkan som gäller." in text
    assert "Utkast, inte beslutat" in text
    assert "1 januari 2026 – 31 december 2027" in text
    parties = next(t for t in document.tables if t.rows[0].cells[-1].text == "Undertecknas av")
    assert _cells(parties)[0] == ["Part", "Sektor", "Organisationsnummer", "Diarienummer", "Undertecknas av"]
    assert ["Föreningen Gemenskap", "Ideell förening", "802000-0009", "–", "–"] in _cells(parties)
    # The budget from the content, in the Swedish format, in the finances section.
    budget = next(t for t in document.tables if t.rows[0].cells[-1].text == "Andel")
    rows = _cells(budget)
    assert rows[0] == ["Part", "2026", "2027", "Totalt", "Andel"]
    assert rows[1] == ["Exempelkommun", "250\u00a0000", "260\u00a0000", "510\u00a0000", "91,1 %"]
    assert rows[-1] == ["Alla parter", "300\u00a0000", "260\u00a0000", "560\u00a0000", "100 %"]
    # The document's XML holds the script tag as text, escaped.
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "&lt;script&gt;&amp;" in xml and "<script>" not in xml


def test_the_styles_are_swedish_with_page_numbers(client, world):
    collaboration, users, _agreement = world
    document, data = _read(_get(client, users["reader"], reverse("projects:agreement_docx", args=[collaboration.pk])))
    for name in ("Normal", "Heading 1", "Heading 2", "Title", "Table Grid"):
        lang = document.styles[name].element.rPr.find(qn("w:lang"))
        assert lang.get(qn("w:val")) == "sv-SE", name
    assert document.core_properties.language == "sv-SE"
    assert document.styles["Normal"].font.name == "Calibri"
    footer = zipfile.ZipFile(io.BytesIO(data)).read("word/footer1.xml").decode()
    assert " PAGE " in footer and " NUMPAGES " in footer and "Sida " in footer
    # The tables' header rows repeat on each page.
    assert all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in document.tables)


def test_a_decided_version_has_its_decisions_and_keeps_its_own_content(client, world):
    collaboration, users, agreement = world
    version = decided_version(agreement, reference=lambda party: f"§ 7 {NASTY}")
    agreements.save_section(
        agreement.sections.order_by("order").first(), user=users["coordinator"], text="Ändrad efteråt", base_version=1
    )
    url = reverse("projects:agreement_docx", args=[collaboration.pk]) + f"?version={version.number}"
    response = _get(client, users["editor"], url)
    document, _data = _read(response)
    assert f"-v1-{version.short_hash}.docx" in response["Content-Disposition"]
    text = _texts(document)
    assert "Beslutad av alla parter" in text and version.content_hash in text
    assert "Ändrad efteråt" not in text and f"Första stycket {NASTY}" in text
    decisions = next(t for t in document.tables if t.rows[0].cells[-1].text == "Beslut")
    assert _cells(decisions)[0] == ["Part", "Organ", "Datum", "Referens", "Beslut"]
    assert ["Föreningen Gemenskap", "Styrelsen", "2026-11-20", f"§ 7 {NASTY}", "Godkänd"] in _cells(decisions)


def test_an_unknown_version_goes_back_to_the_agreement(client, world):
    collaboration, users, _agreement = world
    for number in ("99", "abc", "9" * 40):
        url = reverse("projects:agreement_docx", args=[collaboration.pk]) + f"?version={number}"
        response = _get(client, users["reader"], url)
        assert response.status_code == 302 and response["Location"] == reverse(
            "projects:agreement", args=[collaboration.pk]
        )


def test_the_agreement_page_offers_word_and_says_it_is_a_copy(client, world):
    collaboration, users, agreement = world
    decided_version(agreement)
    body = _get(client, users["reader"], reverse("projects:agreement", args=[collaboration.pk])).content.decode()
    assert "Ladda ner som Word" in body or "Ladda ner utkastet som Word" in body
    assert "Word-filen är en kopia att arbeta i. Det är versionen i Samverkan som gäller." in body
    assert reverse("projects:agreement_docx", args=[collaboration.pk]) + "?version=1" in body


def test_clean_removes_only_what_xml_cannot_hold():
    assert word.clean("a\tb\nc\r\x00\x01\x1f\x7f\ufffe" + NASTY) == "a\tb\nc\r" + NASTY
    assert word.clean(None) == ""
    assert word.clean("\ud800x") == "x"
    document = word.new_document(title="\x00Titel " + NASTY)
    word.heading(document, "\x01Rubrik\x02", 1)
    word.table(document, ["A\x00"], [["\x0b" + NASTY]])
    read = Document(io.BytesIO(word.to_bytes(document)))
    assert read.core_properties.title == "Titel " + NASTY
    assert read.tables[0].rows[1].cells[0].text == NASTY
