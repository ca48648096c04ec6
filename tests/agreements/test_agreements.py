"""The agreement's core: templates, prefill, completeness, the decision round's state machine, and
the PDF read back (sections, Swedish characters, metadata, tags, language, UTKAST, no fetching)."""

import datetime
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from guides.models import CollaborationForm, Item
from projects.agreements import services as agreements
from projects.agreements.models import Agreement, AgreementVersion
from projects.agreements.services import AgreementError
from projects.checklists import services as checklists
from projects.common import pdf
from projects.core.models import Event

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def setup(people):
    collaboration, users = people
    checklists.ensure_default_sections(collaboration)
    return collaboration, users


def iop(collaboration, users):
    return agreements.create_agreement(
        collaboration, user=users["coordinator"], form=CollaborationForm.objects.get(slug="iop")
    )


def fill(agreement, text="Text för avsnittet."):
    agreement.sections.filter(text="").update(text=text)


def decide(version, party, user, approved=True):
    return agreements.record_decision(
        version,
        party=party,
        user=user,
        approved=approved,
        body="Styrelsen",
        decided_on=TODAY,
        reference=f"Protokoll 2026-11-20 § {party.pk}",
        comment="" if approved else "Ekonomin är oklar.",
    )


def test_template_follows_the_form(setup):
    collaboration, users = setup
    agreement = iop(collaboration, users)
    assert agreement.sections.count() == 15
    assert agreement.sections.filter(required=True).count() == 11
    other = agreements.create_agreement(
        collaboration, user=users["coordinator"], form=CollaborationForm.objects.get(slug="samrad"), period=2
    )
    assert list(other.sections.values_list("key", flat=True)) == ["kort-syfte", "kort-deltagare", "kort-motesformer"]
    third = agreements.create_agreement(
        collaboration, user=users["coordinator"], form=CollaborationForm.objects.get(slug="projektmedel"), period=3
    )
    titles = list(third.sections.values_list("title", flat=True))
    assert titles[0] == "Problembild" and "Organisation: Rollfördelning" in titles and len(titles) == 12


def test_prefill_from_answers_never_overwrites(setup):
    collaboration, users = setup
    item = Item.objects.filter(section__slug="mucf-problem", kind="question").first()
    checklists.save_answer(
        collaboration=collaboration,
        item=item,
        party=None,
        user=users["editor"],
        text="Unga saknar mötesplatser.",
        status="discussed",
        base_version=0,
    )
    agreement = iop(collaboration, users)
    background = agreement.sections.get(key="iop-rubrik-bakgrund")
    assert background.prefilled and "Unga saknar mötesplatser." in background.text and item.text in background.text
    background.text = "Egen text"
    background.save()
    agreements.prefill(agreement)
    background.refresh_from_db()
    assert background.text == "Egen text"


def test_freezing_refused_until_required_sections_have_text_or_a_reason(setup):
    collaboration, users = setup
    agreement = iop(collaboration, users)
    with pytest.raises(AgreementError, match="Bakgrund"):
        agreements.freeze(agreement, user=users["coordinator"])
    fill(agreement)
    agreement.sections.filter(key="iop-rubrik-ekonomi").update(text="", omitted_reason="Inga pengar byter ägare.")
    version = agreements.freeze(agreement, user=users["coordinator"])
    agreement.refresh_from_db()
    assert agreement.state == Agreement.State.FOR_DECISION and version.number == 1
    assert len(version.content_hash) == 64 and version.content["sections"][0]["title"] == "Bakgrund"


def test_every_party_approves_the_same_version_then_it_is_locked(setup):
    collaboration, users = setup
    agreement = iop(collaboration, users)
    fill(agreement)
    version = agreements.freeze(agreement, user=users["coordinator"])
    kommun, forening = (users[r].memberships.get().party for r in ("coordinator", "editor"))
    decide(version, kommun, users["coordinator"])
    agreement.refresh_from_db()
    assert agreement.state == Agreement.State.FOR_DECISION
    with pytest.raises(AgreementError, match="redan registrerat"):
        decide(version, kommun, users["coordinator"])
    decide(version, forening, users["editor"])
    agreement.refresh_from_db()
    version.refresh_from_db()
    assert agreement.state == Agreement.State.DECIDED and version.status == AgreementVersion.Status.DECIDED
    assert collaboration.events.filter(kind=Event.Kind.AGREEMENT_DECIDED).exists()
    with pytest.raises(AgreementError):
        agreements.freeze(agreement, user=users["coordinator"])


def test_rejection_returns_to_drafting_with_the_reason(setup):
    collaboration, users = setup
    agreement = iop(collaboration, users)
    fill(agreement)
    version = agreements.freeze(agreement, user=users["coordinator"])
    forening = users["editor"].memberships.get().party
    decide(version, forening, users["editor"], approved=False)
    agreement.refresh_from_db()
    version.refresh_from_db()
    assert agreement.state == Agreement.State.DRAFT and version.status == AgreementVersion.Status.REJECTED
    assert version.decisions.get().comment == "Ekonomin är oklar."
    assert collaboration.events.filter(kind=Event.Kind.AGREEMENT_REJECTED).exists()


def test_new_draft_withdraws_the_decisions_on_the_frozen_version(setup):
    collaboration, users = setup
    agreement = iop(collaboration, users)
    fill(agreement)
    version = agreements.freeze(agreement, user=users["coordinator"])
    kommun = users["coordinator"].memberships.get().party
    decide(version, kommun, users["coordinator"])
    withdrawn = agreements.new_draft(agreement, user=users["coordinator"])
    version.refresh_from_db()
    assert withdrawn == ["Exempelkommun"] and version.status == AgreementVersion.Status.WITHDRAWN
    with pytest.raises(AgreementError, match="inte längre för beslut"):
        decide(version, users["editor"].memberships.get().party, users["editor"])
    second = agreements.freeze(agreement, user=users["coordinator"])
    assert second.number == 2 and not second.decisions.exists()


def test_amendment_after_decision_keeps_the_decided_version(setup):
    collaboration, users = setup
    agreement = iop(collaboration, users)
    fill(agreement)
    version = agreements.freeze(agreement, user=users["coordinator"])
    for role in ("coordinator", "editor"):
        decide(version, users[role].memberships.get().party, users[role])
    agreements.new_draft(agreement, user=users["coordinator"])
    version.refresh_from_db()
    agreement.refresh_from_db()
    assert agreement.state == Agreement.State.DRAFT and version.status == AgreementVersion.Status.DECIDED
    assert version.decisions.count() == 2


def test_decision_from_a_party_of_another_collaboration_is_refused(setup):
    from tests.factories import make_collaboration

    collaboration, users = setup
    agreement = iop(collaboration, users)
    fill(agreement)
    version = agreements.freeze(agreement, user=users["coordinator"])
    stranger = make_collaboration(title="Annan").parties.get()
    with pytest.raises(AgreementError):
        decide(version, stranger, users["coordinator"])


# The PDF -------------------------------------------------------------------------------------


def read(data):
    return PdfReader(io.BytesIO(data))


def text_of(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_has_every_section_swedish_text_metadata_and_tags(setup):
    collaboration, users = setup
    agreement = iop(collaboration, users)
    fill(agreement, "Åtagande: föreningen öppnar lokalen på måndagar. Ärenden, öar och ängar.")
    version = agreements.freeze(agreement, user=users["coordinator"])
    data = pdf.render_pdf(version.content, version=version, draft=False)
    reader = read(data)
    text = text_of(reader)
    for section in version.content["sections"]:
        assert section["title"] in text
    assert "Ärenden, öar och ängar" in text and "UTKAST" not in text
    assert len(reader.pages) >= 4
    assert reader.metadata.title == agreement.title
    assert "Exempelkommun" in (reader.metadata.author or "")
    root = reader.trailer["/Root"]
    assert root.get("/Lang") == "sv" and "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert "/Outlines" in root  # bookmarks from the headings
    assert f"Sida 2 av {len(reader.pages)}" in text
    assert version.short_hash in text


def test_draft_pdf_says_utkast(setup):
    collaboration, users = setup
    agreement = iop(collaboration, users)
    text = text_of(read(pdf.render_pdf(agreements.snapshot(agreement), draft=True)))
    assert "UTKAST" in text


HOSTILE = (
    '<img src="file:///etc/passwd"> <link rel="stylesheet" href="http://127.0.0.1:9/x.css"> '
    "<style>body{background:url(http://127.0.0.1:9/bg.png)}</style> "
    '<img src="data:image/png;base64,iVBORw0KGgo="> url(file:///etc/shadow) <script>alert(1)</script>'
)


def test_user_text_is_escaped_and_nothing_is_fetched(setup):
    collaboration, users = setup
    collaboration.title = HOSTILE[:200]
    collaboration.save()
    party = users["editor"].memberships.get().party
    party.organisation.name = HOSTILE[:200]
    party.organisation.save()
    party.contribution = HOSTILE
    party.save()
    users["editor"].full_name = HOSTILE[:150]
    users["editor"].save()
    agreement = iop(collaboration, users)
    agreement.title = HOSTILE[:200]
    agreement.save()
    fill(agreement, HOSTILE)
    agreements.set_party_record(
        agreement, party=party, record_number=HOSTILE[:100], signatory=HOSTILE[:200], wet_ink=True
    )
    fill(agreement, HOSTILE)
    version = agreements.freeze(agreement, user=users["coordinator"])
    decision = agreements.record_decision(
        version,
        party=party,
        user=users["editor"],
        approved=False,
        body=HOSTILE[:200],
        decided_on=TODAY,
        reference=HOSTILE[:200],
        comment=HOSTILE,
    )
    html = pdf.render_html(version.content, version=version, decisions=[decision], draft=True)
    assert "<img src=" not in html and "&lt;img src=" in html and "<script>alert" not in html
    fetcher = pdf.StaticOnlyFetcher()
    data = pdf.html_to_pdf(html, fetcher)
    assert fetcher.refused == []  # escaped text never even reaches the fetcher
    assert fetcher.served == [pdf.STATIC_BASE + "css/agreement-pdf.css"]
    assert "file:///etc/passwd" in text_of(read(data))  # shown as text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.org/x.png",
        "data:image/png;base64,AAAA",
        pdf.STATIC_BASE + "../../settings.py",
        pdf.STATIC_BASE + "finns-inte.css",
    ],
)
def test_fetcher_refuses_everything_but_static_files(url):
    fetcher = pdf.StaticOnlyFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    assert fetcher.refused


def test_a_page_that_asks_for_everything_still_renders(setup):
    fetcher = pdf.StaticOnlyFetcher()
    data = pdf.html_to_pdf(
        f"<html lang='sv'><head><title>t</title></head><body>{HOSTILE}<p>Kvar</p></body></html>", fetcher
    )
    assert "Kvar" in text_of(read(data))
    assert any("etc/passwd" in url for url in fetcher.refused)
    assert any("127.0.0.1:9" in url for url in fetcher.refused)


# Parties: consent before deciding, and what a decided version keeps ---------------------------


def test_freezing_waits_for_every_party_to_accept(client, setup):
    from django.core.exceptions import ValidationError
    from django.urls import reverse

    from projects.core import services as actions
    from projects.core.models import PartyStatus
    from projects.organisations import services as organisations
    from tests.factories import join_organisation, make_organisation, make_user

    collaboration, users = setup
    anna = users["coordinator"]
    agreement = iop(collaboration, users)
    fill(agreement)
    # Two organisations Anna does not act for: named as parties, they wait for their own answer.
    solsken = make_organisation("Stiftelsen Solsken", "stiftelse")
    gnistan = make_organisation("Föreningen Gnistan", "ideell_forening")
    waiting = [actions.add_party(collaboration, user=anna, organisation=org) for org in (solsken, gnistan)]
    assert {party.status for party in waiting} == {PartyStatus.PENDING}
    message = (
        "Stiftelsen Solsken, Föreningen Gnistan har inte tackat ja till att vara part än. "
        "Vänta på svaret eller ta bort parten."
    )
    with pytest.raises(ValidationError) as refused:
        agreements.freeze(agreement, user=anna)
    assert refused.value.messages == [message]
    agreement.refresh_from_db()
    assert agreement.state == Agreement.State.DRAFT and not agreement.versions.exists()
    # The page says so.
    client.force_login(anna)
    response = client.post(
        reverse("projects:agreement_freeze", args=[collaboration.pk]), {"agreement": agreement.pk}, follow=True
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not agreement.versions.exists()
    # One answers yes: still waiting for the other.
    sara = make_user("Sara Sol")
    join_organisation(sara, solsken)
    organisations.answer_party_request(waiting[0], user=sara, accept=True)
    with pytest.raises(ValidationError) as refused:
        agreements.freeze(agreement, user=anna)
    assert refused.value.messages[0].startswith("Föreningen Gnistan har inte tackat ja")
    # The other says no (the party goes): the version can be frozen, and every party decides.
    gustav = make_user("Gustav Gnista")
    join_organisation(gustav, gnistan)
    organisations.answer_party_request(waiting[1], user=gustav, accept=False)
    version = agreements.freeze(agreement, user=anna)
    assert [p["name"] for p in version.content["parties"]] == [
        "Exempelkommun",
        "Föreningen Gemenskap",
        "Stiftelsen Solsken",
    ]


def test_a_decided_version_keeps_the_party_details_it_was_decided_with(setup, django_capture_on_commit_callbacks):
    from projects.organisations import services as organisations

    collaboration, users = setup
    anna = users["coordinator"]
    kommun = anna.memberships.get().party.organisation
    kommun.org_number = "212000-1355"
    kommun.save()
    agreement = iop(collaboration, users)
    fill(agreement)
    version = agreements.freeze(agreement, user=anna)
    with django_capture_on_commit_callbacks(execute=True):  # the decided PDF is kept on the last decision
        for role in ("coordinator", "editor"):
            decide(version, users[role].memberships.get().party, users[role])
    version.refresh_from_db()
    assert version.status == AgreementVersion.Status.DECIDED and version.pdf
    content, digest = version.content, version.content_hash
    kept_pdf = text_of(read(bytes(version.pdf)))
    assert "Exempelkommun" in kept_pdf and "212000-1355" in kept_pdf

    # Its administrator renames the municipality and changes its number (as on its settings page).
    before = {name: getattr(kommun, name) for name in organisations.EDITABLE_FIELDS}
    kommun.name, kommun.org_number = "Nya Exempelkommun", "802479-0001"
    assert organisations.update_organisation(kommun, user=anna, before=before)

    version.refresh_from_db()
    assert version.content == content and version.content_hash == digest == agreements.content_hash(content)
    assert [(p["name"], p["org_number"]) for p in version.content["parties"]][0] == ("Exempelkommun", "212000-1355")
    assert text_of(read(agreements.version_pdf(version))) == kept_pdf
    # Made again from the snapshot (a PDF not yet kept, or lost): still the party as it was decided.
    AgreementVersion.objects.filter(pk=version.pk).update(pdf=None)
    version.refresh_from_db()
    again = " ".join(text_of(read(agreements.version_pdf(version))).split())  # a table cell wraps lines
    assert "Exempelkommun Kommun 212000-1355" in again  # the parties table
    assert "Exempelkommun Godkänd Styrelsen" in again  # the decisions table
    assert "Nya" not in again and "802479-0001" not in again
    # The draft, by contrast, shows the organisation as it is now.
    agreements.new_draft(agreement, user=anna)
    assert agreements.snapshot(agreement)["parties"][0]["name"] == "Nya Exempelkommun"


LONG_NAME = "Kommunstyrelseförvaltningen"


def test_pdf_table_cells_hyphenate_swedish_words_instead_of_breaking_them(setup):
    """A narrow table cell breaks a long Swedish compound where Swedish hyphenation allows, with a
    hyphen ("Organisations-nummer"), not at the last letter that fits ("Organisationsn/ummer"). The
    PDF is written to test-artifacts/agreement-hyphens.pdf for a person to look at."""
    collaboration, users = setup
    kommun = users["coordinator"].memberships.get().party.organisation
    kommun.name = LONG_NAME
    kommun.save()
    agreement = iop(collaboration, users)
    fill(agreement)
    version = agreements.freeze(agreement, user=users["coordinator"])
    data = pdf.render_pdf(version.content, version=version, draft=False)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "agreement-hyphens.pdf").write_bytes(data)
    lines = [" ".join(line.split()) for page in read(data).pages for line in page.extract_text().splitlines()]
    hyphen = "[\u2010-]"
    # The header cell and the party's name, each on two lines, broken at a syllable with a hyphen.
    joined = "\n".join(lines)
    assert re.search(rf"Organisations{hyphen}\n.*nummer", joined), joined[:3000]
    assert re.search(rf"Kommunstyrelse(för)?{hyphen}\n", joined), joined[:3000]
    # No cell breaks these words without a hyphen.
    for word in (LONG_NAME, "Organisationsnummer"):
        for i in range(2, len(word) - 1):
            assert f"{word[:i]}\n{word[i:]}" not in joined, f"{word[:i]}/{word[i:]}"
