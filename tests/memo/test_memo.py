"""The official's decision memo (projects/memo/): its content from each source (the form's reasons and
the guides' words, the screening's answers and warnings, the budget's totals, the de minimis totals),
the Word file read back with python-docx and the PDF with pypdf, the form (bad input kept, Swedish
messages, a save made on an older version refused), the menu and who may use it."""

import io
import unicodedata
import zipfile

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from projects.core.models import Event, Role
from projects.memo import services as memos
from projects.memo.models import DecisionMemo, MemoEvent
from tests.factories import add_member, add_party, make_user
from tests.memo.world import CONTROL, NASTY, REASON, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(people):
    collaboration, users = people
    agreement, kommun, gemenskap = build(collaboration, users)
    return collaboration, users, kommun, gemenskap


def url(name, collaboration):
    return reverse(f"projects:{name}", args=[collaboration.pk])


def as_user(client, user):
    client.force_login(user)
    return client


def posted(**changes):
    data = {
        "committee": "Socialnämnden",
        "record_number": "SN 2026/17",
        "official_name": "Anna Andersson",
        "official_title": "Utvecklingsstrateg",
        "proposal": "Socialnämnden beslutar att ingå idéburet offentligt partnerskap med Föreningen Gemenskap.",
        "version": "0",
    }
    return data | changes


# The content, per source -----------------------------------------------------------------------


def test_the_content_comes_from_each_source(world):
    collaboration, users, kommun, gemenskap = world
    c = memos.content(collaboration, memos.memo_of(collaboration, kommun))
    assert c["matter"] == "Idéburet offentligt partnerskap med Föreningen Gemenskap"
    assert (
        c["proposal"]
        == "[Nämnden] beslutar att ingå idéburet offentligt partnerskap med Föreningen Gemenskap enligt bilaga 1."
    )
    assert c["challenge"].startswith("Unga saknar mötesplatser.") and c["target_group"] == "Unga 13–19 år"
    assert [p["name"] for p in c["parties"]] == ["Exempelkommun", "Föreningen Gemenskap"]
    # The form: the parties' note and the guides' words for the chosen form.
    assert c["form"]["name"] == "Idéburet Offentligt Partnerskap"
    assert NASTY in c["form"]["note"]
    assert c["form"]["reasons_for"] and all(r["text"] and r["source"] for r in c["form"]["reasons_for"])
    assert c["form"]["fit"] == "Passar bra"
    # The screening: the answer with its reason.
    market = next(q for q in c["screening"]["questions"] if q["key"] == "market")
    assert (market["answer"], market["reason"]) == ("Nej", REASON)
    assert next(q for q in c["screening"]["questions"] if q["key"] == "aid")["answer"] == "Inte besvarad"
    # The budget per party and year.
    assert c["budget"]["years"] == [2026, 2027]
    assert [(p["name"], p["years"], p["total"]) for p in c["budget"]["parties"]] == [
        ("Exempelkommun", ["250000.00", "260000.00"], "510000.00"),
        ("Föreningen Gemenskap", ["50000.00", "0.00"], "50000.00"),
    ]
    # The de minimis totals of the civil-society party: totals only, against both ceilings.
    (aid,) = c["state_aid"]
    assert (aid["name"], aid["org_number"]) == ("Föreningen Gemenskap", "802000-0009")
    assert [(line["total"], line["ceiling"], line["percent"]) for line in aid["lines"]] == [
        ("120000.00", "300000", 40),
        ("120000.00", "750000", 16),
    ]
    assert "grants" not in aid
    assert c["attachments"] == [f"Bilaga 1: Överenskommelse: {collaboration.title} (utkast)"]


def test_the_proposal_follows_the_form_and_the_committee(world):
    collaboration, users, kommun, gemenskap = world
    assert memos.default_proposal(collaboration, "Kultur- och fritidsnämnden").startswith(
        "Kultur- och fritidsnämnden beslutar att ingå idéburet offentligt partnerskap med Föreningen Gemenskap"
    )
    from guides.models import CollaborationForm

    other = CollaborationForm.objects.get(slug="verksamhetsstod")
    proposal = memos.default_proposal(collaboration, form=other, agreement=False)
    assert f"i formen {other.name.lower()} med Föreningen Gemenskap" in proposal


def test_screening_warnings_and_a_party_without_organisation_number(world):
    collaboration, users, kommun, gemenskap = world
    from projects.screening import services as screening

    screening.save_answer(collaboration, "market", user=users["coordinator"], answer="ja", reason="", base_version=1)
    add_party(collaboration, name="Stiftelsen Utan Nummer")
    c = memos.content(collaboration, memos.memo_of(collaboration, kommun))
    assert any("marknad" in warning.lower() for warning in c["screening"]["warnings"])
    without = next(row for row in c["state_aid"] if row["name"] == "Stiftelsen Utan Nummer")
    assert without["lines"] == [] and without["org_number"] == ""


# The Word file and the PDF ----------------------------------------------------------------------


def _save(client, collaboration, **changes):
    return client.post(url("memo", collaboration), posted(**changes))


def test_the_word_file_has_headings_tables_and_swedish(client, world):
    collaboration, users, kommun, gemenskap = world
    client = as_user(client, users["coordinator"])
    proposal = f"Socialnämnden beslutar att ingå IOP. {NASTY}\n\nAndra att-satsen {CONTROL}"
    _save(client, collaboration, proposal=proposal, official_name=NASTY, committee=f"Nämnd {NASTY}")
    response = client.get(url("memo_docx", collaboration))
    assert response.status_code == 200
    assert 'filename="tjansteskrivelse-sn-202617.docx"' in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == ("Title", "Tjänsteskrivelse")
    for title in ("Förslag till beslut", "Bakgrund", "Samverkansform", "Rättslig genomgång", "Ekonomi", "Bilagor"):
        assert ("Heading 1", title) in headings
    assert ("Heading 2", "Skäl för formen") in headings and ("Heading 2", "Stöd av mindre betydelse") in headings
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"Socialnämnden beslutar att ingå IOP. {NASTY}" in text
    assert "Andra att-satsen föreefter" in text
    assert f"Nämnd {NASTY}" in text and NASTY in document.core_properties.author
    tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in document.tables]
    screening = next(t for t in tables if t[0] == ["Fråga", "Svar", "Motivering"])
    assert any(row[1] == "Nej" and row[2] == REASON for row in screening)
    budget = next(t for t in tables if t[0][-1] == "Andel")
    assert budget[-1] == ["Alla parter", "300\u00a0000", "260\u00a0000", "560\u00a0000", "100 %"]
    aid = next(t for t in tables if t[0][0] == "Stöd")
    assert aid[1] == ["Allmänt de minimis-stöd", "120\u00a0000 euro", "300\u00a0000 euro", "40 %"]
    assert aid[2] == ["Allmänt och SGEI tillsammans", "120\u00a0000 euro", "750\u00a0000 euro", "16 %"]
    assert document.styles["Heading 1"].element.rPr.find(qn("w:lang")).get(qn("w:val")) == "sv-SE"
    xml = zipfile.ZipFile(io.BytesIO(response.content)).read("word/document.xml").decode()
    assert "&lt;script&gt;&amp;" in xml and "<script>" not in xml


def test_the_pdf_is_tagged_and_holds_the_memo(client, world):
    collaboration, users, kommun, gemenskap = world
    client = as_user(client, users["coordinator"])
    _save(client, collaboration, proposal=f"Socialnämnden beslutar att ingå IOP. {NASTY} {CONTROL}")
    response = client.get(url("memo_pdf", collaboration))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and root["/Lang"] == "sv"
    # pypdf's extraction garbles the ligatures and some characters outside Latin-1 of the subset fonts,
    # and gives some runs as UTF-16 (a NUL before each character): compared without the NULs, in NFC,
    # with the ASCII part of NASTY.
    text = " ".join(page.extract_text() for page in reader.pages).replace("\x00", "")
    text = " ".join(unicodedata.normalize("NFC", text).split())
    for expected in ("Tjänsteskrivelse", "Förslag till beslut", "Socialnämnden beslutar att ingå IOP", "<script>&",
                     "Rättslig genomgång", "Föreningen arbetar", "Allmänt de minimis-stöd", "Bilaga 1"):  # fmt: skip
        assert expected in text, expected


# The form ---------------------------------------------------------------------------------------


def test_saving_keeps_the_wording_records_an_event_and_the_next_download_uses_it(client, world):
    collaboration, users, kommun, gemenskap = world
    client = as_user(client, users["coordinator"])
    response = _save(client, collaboration)
    assert response.status_code == 302
    memo = DecisionMemo.objects.get(collaboration=collaboration, party=kommun)
    assert (memo.version, memo.updated_by, memo.committee) == (1, users["coordinator"], "Socialnämnden")
    assert Event.objects.filter(collaboration=collaboration, kind=MemoEvent.SAVED).count() == 1
    page = client.get(url("memo", collaboration)).content.decode()
    assert "Tjänsteskrivelsen är sparad." in page and "SN 2026/17" in page and "Senast ändrad av Anna Andersson" in page
    # The same again: nothing changed, no new event.
    _save(client, collaboration, version="1")
    assert Event.objects.filter(kind=MemoEvent.SAVED).count() == 1
    # The download buttons save first, then send the file.
    response = _save(client, collaboration, version="1", committee="Kulturnämnden", download="docx")
    assert response.status_code == 302 and response["Location"] == url("memo_docx", collaboration)
    assert DecisionMemo.objects.get(pk=memo.pk).committee == "Kulturnämnden"
    document = Document(io.BytesIO(client.get(response["Location"]).content))
    assert "Kulturnämnden" in "\n".join(p.text for p in document.paragraphs)


def test_bad_input_is_kept_with_swedish_messages(client, world):
    collaboration, users, kommun, gemenskap = world
    client = as_user(client, users["coordinator"])
    response = _save(client, collaboration, proposal="", committee="x" * 201, record_number=NASTY)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Skriv förslaget till beslut. Det kan inte vara tomt." in body
    assert "Skriv högst 200 tecken (du har skrivit 201)." in body
    assert "x" * 201 in body and "Łódź – ✓ 中文 😀 &lt;script&gt;&amp;" in body
    assert 'id="error-summary"' in body
    assert not DecisionMemo.objects.exists()
    assert _save(client, collaboration, proposal="", **{"HTTP_HX_REQUEST": "true"}).status_code in (400, 422)
    # Control characters (a NUL, a form feed) are removed, the rest kept.
    assert _save(client, collaboration, proposal=f"a{CONTROL}b", committee="x\x00y").status_code == 302
    assert DecisionMemo.objects.values_list("proposal", "committee").get() == ("aföreefterb", "xy")


def test_a_save_on_an_older_version_is_refused_and_the_text_kept(client, world):
    collaboration, users, kommun, gemenskap = world
    client = as_user(client, users["coordinator"])
    _save(client, collaboration)
    response = _save(client, collaboration, version="0", proposal="Min text som inte får försvinna.")
    assert response.status_code == 409
    body = response.content.decode()
    assert "Anna Andersson har ändrat tjänsteskrivelsen medan du skrev." in body
    assert "Min text som inte får försvinna." in body
    assert DecisionMemo.objects.get().version == 1


def test_the_record_number_comes_from_the_agreement_until_saved(client, world):
    collaboration, users, kommun, gemenskap = world
    from projects.agreements.models import PartyRecord

    PartyRecord.objects.create(agreement=collaboration.agreements.get(), party=kommun, record_number="KS 2026/9")
    page = as_user(client, users["coordinator"]).get(url("memo", collaboration)).content.decode()
    assert 'value="KS 2026/9"' in page and 'value="Anna Andersson"' in page


# Who may -----------------------------------------------------------------------------------------


def test_only_the_public_partys_writers_see_the_page_and_the_menu(client, world):
    collaboration, users, kommun, gemenskap = world
    public_editor = add_member(collaboration, role=Role.EDITOR, party=kommun, name="Erik Eriksson").user
    public_reader = add_member(collaboration, role=Role.READER, party=kommun, name="Rut Rask").user
    civil_coordinator = add_member(collaboration, role=Role.COORDINATOR, party=gemenskap, name="Gun Gran").user
    expected = {
        users["coordinator"]: 200,
        public_editor: 200,
        public_reader: 403,
        users["editor"]: 403,
        users["reader"]: 403,
        civil_coordinator: 403,
    }
    for user, status in expected.items():
        client = as_user(client, user)
        for name in ("memo", "memo_docx", "memo_pdf"):
            assert client.get(url(name, collaboration)).status_code == status, (user, name)
        budget = client.get(url("budget", collaboration)).content.decode()
        assert (url("memo", collaboration) in budget) == (status == 200), user
        memo = DecisionMemo.objects.filter(collaboration=collaboration).first()
        response = client.post(url("memo", collaboration), posted(version=str(memo.version if memo else 0)))
        assert response.status_code == (302 if status == 200 else 403), user
    client.logout()
    assert client.get(url("memo", collaboration)).status_code == 302
    as_user(client, make_user("Olle Utomstående"))
    assert client.get(url("memo_docx", collaboration)).status_code == 404


def test_a_second_tenant_cannot_reach_the_first_ones_memo(client, world):
    collaboration, users, kommun, gemenskap = world
    as_user(client, users["coordinator"])
    _save(client, collaboration, proposal="Hemligt förslag")
    from tests.factories import make_collaboration, make_organisation

    dora = make_user("Dora Dahl", email="dora@annankommun.se")
    other = make_collaboration(coordinator=dora, organisation=make_organisation("Annan kommun"))
    as_user(client, dora)
    assert client.get(url("memo", collaboration)).status_code == 404
    body = client.get(url("memo", other)).content.decode()
    assert "Hemligt förslag" not in body


def test_an_empty_collaboration_gives_a_memo_that_says_what_is_missing(client, people):
    collaboration, users = people
    kommun = users["coordinator"].memberships.get().party
    client = as_user(client, users["coordinator"])
    c = memos.content(collaboration, memos.memo_of(collaboration, kommun))
    assert c["form"] is None and c["budget"]["lines"] == []
    assert c["proposal"].startswith("[Nämnden] beslutar att ingå en överenskommelse om samverkan med Föreningen")
    assert c["attachments"] == ["Bilaga 1: Överenskommelse (inte påbörjad i Samverkan)"]
    document = Document(io.BytesIO(client.get(url("memo_docx", collaboration)).content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Parterna har inte valt samverkansform i Samverkan." in text
    assert "Ingen budget är införd i samverkan." in text
    assert "Föreningen Gemenskap: organisationsnumret saknas, summan kan inte räknas fram." in text
    assert client.get(url("memo_pdf", collaboration)).status_code == 200
