"""The six principles: the collaboration's formulations (autosave, no-op, conflicts, limits), concerns
(a problem flagged: raise, resolve, history), the principles lens on the agreement (tags, gaps, frozen),
the agreement's content and PDF, the overview card and the stepper's links. Every HTMX view is tested
both as a fragment and without JavaScript."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from guides.models import Principle
from projects.agreements import services as agreements
from projects.agreements.models import Agreement
from projects.checklists import services as checklists
from projects.checklists.models import ChecklistSection
from projects.common import pdf
from projects.core.models import Event, Role
from projects.principles import services as rules
from projects.principles.models import PrincipleCommitment, PrincipleConcern
from tests.core.reader import events_page
from tests.factories import add_member, make_collaboration, make_organisation, make_user

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def setup(people):
    collaboration, users = people
    return collaboration, users


def url(name, collaboration, *args):
    return reverse(f"projects:{name}", args=[collaboration.pk, *args])


def save(client, collaboration, slug, text, version, **extra):
    return client.post(
        url("principle_save", collaboration, slug), {f"{slug}-text": text, f"{slug}-version": version}, **extra
    )


def commitment(collaboration, slug="dialog"):
    return PrincipleCommitment.objects.filter(collaboration=collaboration, principle__slug=slug).first()


def events(collaboration, kind):
    return list(Event.objects.filter(collaboration=collaboration, kind=kind))


def principle(slug):
    return Principle.objects.get(slug=slug)


def hidden_version(html, slug):
    return int(re.search(rf'name="{slug}-version" value="(\d+)"', html)[1])


# The page ---------------------------------------------------------------------------------------


def test_page_shows_six_principles_in_order_with_the_guides_text_and_source(client, setup):
    collaboration, users = setup
    client.force_login(users["reader"])
    page = client.get(url("principles", collaboration)).content.decode()
    names = [p.name for p in Principle.objects.current()]
    assert len(names) == 6
    positions = [page.index(f'id="ph-{p.slug}"') for p in Principle.objects.current()]
    assert positions == sorted(positions)
    assert "Så här upprätthåller vi principen" in page and "Vad guiderna säger" in page
    assert "Källa: MUCF, Identifiera och involvera – Ta stöd i principerna" in page
    assert 'aria-current="page"' in page and url("principles", collaboration) in page


def test_reader_sees_formulations_read_only(client, setup):
    collaboration, users = setup
    rules.save_commitment(
        collaboration=collaboration, principle=principle("dialog"), user=users["editor"], text="Vi ses.", base_version=0
    )
    client.force_login(users["reader"])
    page = client.get(url("principles", collaboration)).content.decode()
    assert "<textarea" in page  # only the concern forms: readers may raise a concern
    assert 'name="dialog-text"' not in page and "Vi ses." in page
    assert "Inte formulerad än." in page
    assert "Flagga problemet" in page and "Markera som löst" not in page


# The formulation --------------------------------------------------------------------------------


def test_editor_saves_a_new_formulation_with_htmx(client, setup):
    collaboration, users = setup
    client.force_login(users["editor"])
    response = save(client, collaboration, "dialog", "Vi träffas varje månad.", 0, **HX)
    assert response.status_code == 200 and response["X-Answer-State"] == "saved"
    html = response.content.decode()
    assert re.search(r"Sparat \d\d:\d\d", html) and hidden_version(html, "dialog") == 1
    assert "<html" not in html  # the fragment only
    saved = commitment(collaboration)
    assert (saved.text, saved.version, saved.updated_by) == ("Vi träffas varje månad.", 1, users["editor"])
    [event] = events(collaboration, Event.Kind.PRINCIPLE_CHANGED)
    assert event.subject == "Dialog" and event.detail == "Vi träffas varje månad."


def test_update_based_on_the_current_version(client, setup):
    collaboration, users = setup
    client.force_login(users["editor"])
    save(client, collaboration, "dialog", "Första.", 0, **HX)
    response = save(client, collaboration, "dialog", "Första.\r\nAndra.", 1, **HX)
    assert response["X-Answer-State"] == "saved"
    assert (commitment(collaboration).text, commitment(collaboration).version) == ("Första.\nAndra.", 2)
    assert len(events(collaboration, Event.Kind.PRINCIPLE_CHANGED)) == 2


def test_saving_the_same_text_is_a_no_op(client, setup):
    collaboration, users = setup
    client.force_login(users["editor"])
    save(client, collaboration, "dialog", "Samma.", 0, **HX)
    response = save(client, collaboration, "dialog", "Samma.", 1, **HX)
    assert response["X-Answer-State"] == "unchanged"
    # Also when based on an older version: the same text is nothing to save, not a conflict.
    assert save(client, collaboration, "dialog", "Samma.", 0, **HX)["X-Answer-State"] == "unchanged"
    assert commitment(collaboration).version == 1
    assert len(events(collaboration, Event.Kind.PRINCIPLE_CHANGED)) == 1
    # An empty principle posted empty creates nothing.
    assert save(client, collaboration, "kvalitet", "", 0, **HX)["X-Answer-State"] == "unchanged"
    assert commitment(collaboration, "kvalitet") is None


def test_conflict_with_htmx_keeps_both_texts_and_saves_nothing(client, setup):
    collaboration, users = setup
    client.force_login(users["coordinator"])
    save(client, collaboration, "dialog", "Annas text.", 0, **HX)
    client.force_login(users["editor"])
    response = save(client, collaboration, "dialog", "Bos text.", 0, **HX)
    assert response.status_code == 200 and response["X-Answer-State"] == "conflict"
    html = response.content.decode()
    assert "Anna Andersson sparade en annan text medan du skrev" in html
    assert "Annas text." in html and "Behåll min text" in html and "Ta deras text" in html
    assert hidden_version(html, "dialog") == 0  # further typing is still based on what Bo had
    assert '"dialog-version": "1"' in html  # "keep mine" saves on top of Anna's version, explicitly
    assert commitment(collaboration).text == "Annas text."
    # Keeping mine: the same text based on Anna's version.
    response = save(client, collaboration, "dialog", "Bos text.", 1, **HX)
    assert response["X-Answer-State"] == "saved" and commitment(collaboration).text == "Bos text."


def test_conflict_without_javascript_shows_both_and_keeps_mine_in_the_field(client, setup):
    collaboration, users = setup
    client.force_login(users["coordinator"])
    save(client, collaboration, "dialog", "Annas <b>text</b>.", 0)
    client.force_login(users["editor"])
    response = save(client, collaboration, "dialog", "Bos text.", 0)
    assert response.status_code == 409
    html = response.content.decode()
    field = re.search(r'<textarea[^>]*name="dialog-text"[^>]*>([^<]*)</textarea>', html)[1]
    assert field == "Bos text."
    assert "Annas &lt;b&gt;text&lt;/b&gt;." in html and "spara igen för att behålla den" in html
    assert hidden_version(html, "dialog") == 1
    assert commitment(collaboration).text == "Annas <b>text</b>."
    response = save(client, collaboration, "dialog", "Bos text.", 1)
    assert response.status_code == 302 and commitment(collaboration).text == "Bos text."


def test_too_long_text_gets_a_swedish_message_and_is_kept(client, setup):
    collaboration, users = setup
    client.force_login(users["editor"])
    long_text = "å" * (PrincipleCommitment.MAX_LENGTH + 1)
    response = save(client, collaboration, "dialog", long_text, 0, **HX)
    assert response.status_code == 200 and response["X-Answer-State"] == "invalid"
    assert "högst 5000 tecken (den är nu 5001)" in response.content.decode()
    response = save(client, collaboration, "dialog", long_text, 0)
    assert response.status_code == 400
    html = response.content.decode()
    assert "högst 5000 tecken" in html and long_text in html and "Texten finns kvar i fältet." in html
    assert commitment(collaboration) is None and not events(collaboration, Event.Kind.PRINCIPLE_CHANGED)


def test_save_without_javascript_redirects_with_a_message(client, setup):
    collaboration, users = setup
    client.force_login(users["coordinator"])
    response = save(client, collaboration, "mangfald", "Vi bjuder in fler föreningar.", 0)
    assert response.status_code == 302 and response.url.endswith("#princip-mangfald")
    page = client.get(response.url).content.decode()
    assert "Mångfald: er text är sparad." in page and "Vi bjuder in fler föreningar." in page
    response = save(client, collaboration, "mangfald", "Vi bjuder in fler föreningar.", 1, follow=True)
    assert "Mångfald: inget var ändrat." in response.content.decode()


@pytest.mark.parametrize("version", ["", "abc", "-1", "9" * 30, "\x00"])
def test_a_broken_version_is_a_message_not_a_save(client, setup, version):
    collaboration, users = setup
    client.force_login(users["editor"])
    response = save(client, collaboration, "dialog", "Text som finns kvar.", version, **HX)
    assert response.status_code == 200 and response["X-Answer-State"] == "invalid"
    assert "Ladda om sidan" in response.content.decode()
    response = save(client, collaboration, "dialog", "Text som finns kvar.", version)
    assert response.status_code == 400 and "Text som finns kvar." in response.content.decode()
    assert commitment(collaboration) is None


def test_reader_may_not_save_and_unknown_principle_is_404(client, setup):
    collaboration, users = setup
    client.force_login(users["reader"])
    assert save(client, collaboration, "dialog", "Läsarens text.", 0).status_code == 403
    assert commitment(collaboration) is None
    client.force_login(users["editor"])
    assert save(client, collaboration, "finns-inte", "Text.", 0).status_code == 404


def test_archived_collaboration_is_read_only(client, setup):
    collaboration, users = setup
    collaboration.archived = True
    collaboration.save()
    client.force_login(users["coordinator"])
    assert save(client, collaboration, "dialog", "Text.", 0).status_code == 403
    assert client.post(url("concern_raise", collaboration, "dialog"), {"text": "Gnissel."}).status_code == 403
    page = client.get(url("principles", collaboration)).content.decode()
    assert "Flagga problemet" not in page and 'name="dialog-text"' not in page


# Concerns ---------------------------------------------------------------------------------------


def raise_(client, collaboration, slug="dialog", text="Vi hörs för sällan.", **extra):
    return client.post(url("concern_raise", collaboration, slug), {"text": text}, **extra)


def test_reader_raises_a_concern_without_javascript(client, setup):
    collaboration, users = setup
    client.force_login(users["reader"])
    response = raise_(client, collaboration)
    assert response.status_code == 302 and response.url.endswith("#princip-dialog")
    concern = PrincipleConcern.objects.get()
    assert concern.raised_by == users["reader"] and concern.party == users["reader"].memberships.get().party
    assert concern.principle.slug == "dialog" and concern.is_open
    [event] = events(collaboration, Event.Kind.CONCERN_RAISED)
    assert event.subject == "Dialog" and event.detail == "Vi hörs för sällan."
    page = client.get(response.url).content.decode()
    assert "Problemet med Dialog är flaggat." in page
    assert f'id="problem-{concern.pk}"' in page and "1 öppet problem" in page


def test_raise_with_htmx_returns_the_concerns_and_announces_it(client, setup):
    collaboration, users = setup
    client.force_login(users["editor"])
    response = raise_(client, collaboration, text="<script>alert(1)</script>", **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert 'id="concern-status-dialog" hx-swap-oob="innerHTML"' in html and "är flaggat" in html
    assert 'id="open-concerns"' in html and "1 öppet problem" in html
    assert "Markera som löst" not in html  # an editor does not resolve


def test_empty_concern_is_refused_in_swedish(client, setup):
    collaboration, users = setup
    client.force_login(users["reader"])
    response = raise_(client, collaboration, text="   ")
    assert response.status_code == 400 and "Skriv vad problemet är." in response.content.decode()
    response = raise_(client, collaboration, text="", **HX)
    assert response.status_code == 200 and "Skriv vad problemet är." in response.content.decode()
    assert not PrincipleConcern.objects.exists()


def test_too_long_concern_keeps_the_text(client, setup):
    collaboration, users = setup
    client.force_login(users["reader"])
    text = "x" * 5001
    response = raise_(client, collaboration, text=text)
    assert response.status_code == 400
    html = response.content.decode()
    assert "högst 5000 tecken" in html and text in html
    response = raise_(client, collaboration, text=text, **HX)
    assert text in response.content.decode() and "open" in response.content.decode()
    assert not PrincipleConcern.objects.exists()


def test_concern_page_for_the_stepper_link(client, setup):
    collaboration, users = setup
    client.force_login(users["reader"])
    response = client.get(url("concern_raise", collaboration, "kvalitet"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Flagga ett problem med principen Kvalitet" in html and 'name="text"' in html
    assert client.get(url("concern_raise", collaboration, "finns-inte")).status_code == 404


def open_concern(collaboration, users, slug="dialog", text="Vi hörs för sällan."):
    membership = users["reader"].memberships.get()
    return rules.raise_concern(collaboration=collaboration, principle=principle(slug), membership=membership, text=text)


def resolve(client, collaboration, concern_pk, note="Vi har bokat möten varje månad.", **extra):
    return client.post(url("concern_resolve", collaboration, concern_pk), {"resolution": note}, **extra)


def test_coordinator_resolves_with_a_note_and_it_stays_as_history(client, setup):
    collaboration, users = setup
    concern = open_concern(collaboration, users)
    client.force_login(users["coordinator"])
    response = resolve(client, collaboration, concern.pk)
    assert response.status_code == 302
    concern.refresh_from_db()
    assert not concern.is_open and concern.resolved_by == users["coordinator"]
    assert concern.resolution == "Vi har bokat möten varje månad."
    [event] = events(collaboration, Event.Kind.CONCERN_RESOLVED)
    assert event.subject == "Dialog"
    page = client.get(response.url).content.decode()
    assert "Problemet med Dialog är markerat som löst." in page
    assert "1 löst problem" in page and "Löst av Anna Andersson" in page and "Vi har bokat möten" in page
    assert "0 öppna problem" in page


def test_resolve_with_htmx_returns_the_fragment(client, setup):
    collaboration, users = setup
    concern = open_concern(collaboration, users)
    client.force_login(users["coordinator"])
    response = resolve(client, collaboration, concern.pk, **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "markerat som löst" in html and "1 löst problem" in html and "0 öppna problem" in html


@pytest.mark.parametrize("role", ["editor", "reader"])
def test_only_a_coordinator_resolves(client, setup, role):
    collaboration, users = setup
    concern = open_concern(collaboration, users)
    client.force_login(users[role])
    assert resolve(client, collaboration, concern.pk).status_code == 403
    concern.refresh_from_db()
    assert concern.is_open


def test_resolution_note_is_required(client, setup):
    collaboration, users = setup
    concern = open_concern(collaboration, users)
    client.force_login(users["coordinator"])
    response = resolve(client, collaboration, concern.pk, note="  ")
    assert response.status_code == 400 and "Skriv hur problemet är löst." in response.content.decode()
    response = resolve(client, collaboration, concern.pk, note="", **HX)
    assert "Skriv hur problemet är löst." in response.content.decode()
    long_note = "n" * 5001
    response = resolve(client, collaboration, concern.pk, note=long_note)
    assert response.status_code == 400 and long_note in response.content.decode()
    concern.refresh_from_db()
    assert concern.is_open and not events(collaboration, Event.Kind.CONCERN_RESOLVED)


def test_resolving_twice_says_so(client, setup):
    collaboration, users = setup
    concern = open_concern(collaboration, users)
    client.force_login(users["coordinator"])
    resolve(client, collaboration, concern.pk)
    response = resolve(client, collaboration, concern.pk, note="Igen.", follow=True)
    assert "Problemet är redan löst (av Anna Andersson" in response.content.decode()
    response = resolve(client, collaboration, concern.pk, note="Igen.", **HX)
    assert "Problemet är redan löst" in response.content.decode()
    concern.refresh_from_db()
    assert concern.resolution == "Vi har bokat möten varje månad."
    assert len(events(collaboration, Event.Kind.CONCERN_RESOLVED)) == 1


def test_unknown_or_foreign_concern_is_404(client, setup):
    collaboration, users = setup
    other = make_collaboration(coordinator=make_user("Olle Annan"), organisation=make_organisation("Annan kommun"))
    foreign = rules.raise_concern(
        collaboration=other,
        principle=principle("dialog"),
        membership=other.memberships.get(),
        text="Deras gnissel.",
    )
    client.force_login(users["coordinator"])
    assert resolve(client, collaboration, foreign.pk).status_code == 404
    assert resolve(client, collaboration, 987654321).status_code == 404
    assert client.post(f"{url('principles', collaboration)}problem/{'9' * 30}/los/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_open


# The lens on the agreement ----------------------------------------------------------------------


@pytest.fixture
def agreement(setup):
    collaboration, users = setup
    return agreements.create_agreement(collaboration, user=users["coordinator"])


def tag(client, collaboration, section, slugs, **extra):
    return client.post(url("principle_section_tags", collaboration, section.pk), {"principles": slugs}, **extra)


def slugs_of(section):
    return sorted(section.principles.values_list("slug", flat=True))


def test_tag_and_untag_a_section(client, setup, agreement):
    collaboration, users = setup
    section = agreement.sections.first()
    client.force_login(users["editor"])
    response = tag(client, collaboration, section, ["dialog", "kvalitet"])
    assert response.status_code == 302 and response.url.endswith(f"#sec-{section.pk}")
    assert slugs_of(section) == ["dialog", "kvalitet"]
    [event] = events(collaboration, Event.Kind.AGREEMENT_PRINCIPLES)
    assert event.subject == section.title and event.detail == "Dialog, Kvalitet"
    assert tag(client, collaboration, section, ["kvalitet", "dialog"]).status_code == 302  # unchanged: no event
    assert len(events(collaboration, Event.Kind.AGREEMENT_PRINCIPLES)) == 1
    tag(client, collaboration, section, [])
    assert slugs_of(section) == []
    assert events(collaboration, Event.Kind.AGREEMENT_PRINCIPLES)[0].detail == "inga principer"


def test_tags_with_htmx_return_badges_status_and_gaps(client, setup, agreement):
    collaboration, users = setup
    section = agreement.sections.first()
    client.force_login(users["coordinator"])
    response = tag(client, collaboration, section, ["dialog"], **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert '<span class="badge text-bg-light border fw-normal">Dialog</span>' in html
    assert f'id="tags-status-{section.pk}" hx-swap-oob="innerHTML"' in html and "är sparade" in html
    assert 'id="principle-gaps" hx-swap-oob="true"' in html
    gaps = re.search(r"Ingen del av överenskommelsen tar upp:</strong> ([^.]*)\.", html)[1]
    assert gaps == "Självständighet och oberoende, Kvalitet, Långsiktighet, Öppenhet och insyn, Mångfald"


def test_unknown_principle_in_tags_is_a_message(client, setup, agreement):
    collaboration, users = setup
    section = agreement.sections.first()
    client.force_login(users["editor"])
    for bad in (["finns-inte"], ["\x00"], ["9" * 30], ["<script>"]):
        response = tag(client, collaboration, section, bad, follow=True)
        assert "Välj bland de sex principerna." in response.content.decode()
    assert slugs_of(section) == []


def test_foreign_or_unknown_section_is_404(client, setup, agreement):
    collaboration, users = setup
    other = make_collaboration(coordinator=make_user("Olle Annan"), organisation=make_organisation("Annan kommun"))
    foreign = agreements.create_agreement(other, user=other.memberships.get().user).sections.first()
    client.force_login(users["coordinator"])
    assert tag(client, collaboration, foreign, ["dialog"]).status_code == 404
    assert (
        client.post(url("principle_section_tags", collaboration, 987654321), {"principles": ["dialog"]}).status_code
        == 404
    )
    assert slugs_of(foreign) == []


def test_reader_and_editor_outside_the_writing_group_may_not_tag(client, setup, agreement):
    collaboration, users = setup
    section = agreement.sections.first()
    client.force_login(users["reader"])
    assert tag(client, collaboration, section, ["dialog"]).status_code == 403
    other_editor = add_member(collaboration, role=Role.EDITOR, name="Dora Dahl")
    agreement.writers.set([other_editor])
    client.force_login(users["editor"])
    assert tag(client, collaboration, section, ["dialog"]).status_code == 403
    assert slugs_of(section) == []
    page = client.get(url("agreement", collaboration)).content.decode()
    assert "Koppla till principer" not in page and "Principer" in page


def test_frozen_agreement_locks_the_tags(client, setup, agreement):
    collaboration, users = setup
    section = agreement.sections.first()
    section.principles.set([principle("dialog")])
    agreement.sections.update(text="Text.")
    agreements.freeze(agreement, user=users["coordinator"])
    client.force_login(users["coordinator"])
    response = tag(client, collaboration, section, ["kvalitet"], follow=True)
    assert "Överenskommelsen är inte ett utkast" in response.content.decode()
    response = tag(client, collaboration, section, ["kvalitet"], **HX)
    assert "Överenskommelsen är inte ett utkast" in response.content.decode()
    assert slugs_of(section) == ["dialog"]
    page = client.get(url("agreement", collaboration)).content.decode()
    assert "Koppla till principer" not in page
    assert '<span class="badge text-bg-light border fw-normal">Dialog</span>' in page
    # The frozen version carries the tags as they were.
    version = agreements.current_version(Agreement.objects.get(pk=agreement.pk))
    assert version.content["principles"] == []  # nothing formulated yet: no principles section


def gaps_in(html):
    match = re.search(r"Ingen del av överenskommelsen tar upp:</strong> ([^.]*)\.", html)
    return match[1].split(", ") if match else []


def test_gaps_are_shown_on_the_agreement_principles_page_and_overview(client, setup, agreement):
    collaboration, users = setup
    first, second = list(agreement.sections.all()[:2])
    first.principles.set([principle("dialog"), principle("kvalitet")])
    second.principles.set([principle("kvalitet"), principle("langsiktighet")])
    expected = ["Självständighet och oberoende", "Öppenhet och insyn", "Mångfald"]
    client.force_login(users["reader"])
    for name in ("agreement", "principles", "overview"):
        assert gaps_in(client.get(url(name, collaboration)).content.decode()) == expected, name
    for p in Principle.objects.current():
        second.principles.add(p)
    page = client.get(url("agreement", collaboration)).content.decode()
    assert gaps_in(page) == [] and "Varje princip tas upp i minst ett avsnitt" in page


def test_gaps_warn_only_while_the_agreement_can_still_be_changed(client, setup, agreement):
    """A draft's gaps are a warning with the way to fix them; once the agreement is locked for
    decision or decided, they are a plain note (no warning left nagging after the whole loop)."""
    collaboration, users = setup
    agreement.sections.first().principles.set([principle("dialog")])
    client.force_login(users["reader"])
    page = client.get(url("principles", collaboration)).content.decode()
    assert "alert-warning" in page.split('id="principle-gaps"')[1].split("</div>")[0]
    Agreement.objects.filter(pk=agreement.pk).update(state=Agreement.State.FOR_DECISION)
    for name in ("principles", "agreement", "overview"):
        page = client.get(url(name, collaboration)).content.decode()
        gaps = page.split('id="principle-gaps"')[1].split("</div>")[0]
        assert "alert-warning" not in gaps and gaps_in(page) == [], name
        assert "Överenskommelsen som är låst för beslut tar inte upp: Självständighet och oberoende" in gaps, name
    Agreement.objects.filter(pk=agreement.pk).update(state=Agreement.State.DECIDED)
    page = client.get(url("principles", collaboration)).content.decode()
    gaps = page.split('id="principle-gaps"')[1].split("</div>")[0]
    assert "alert-warning" not in gaps and "Den beslutade överenskommelsen tar inte upp:" in gaps


def test_one_save_model_the_button_only_without_javascript(client, setup):
    collaboration, users = setup
    client.force_login(users["editor"])
    page = client.get(url("principles", collaboration)).content.decode()
    assert page.count('class="btn btn-sm btn-outline-primary mt-2 nojs-only">Spara<') == 6
    assert '<span class="js-only">Texten sparas medan du skriver.</span>' in page
    assert '<span class="nojs-only">Spara texten med knappen under fältet.</span>' in page
    assert "gnissl" not in page  # plain words, not a metaphor


def test_no_gaps_are_claimed_before_there_is_an_agreement(client, setup):
    collaboration, users = setup
    client.force_login(users["reader"])
    for name in ("principles", "overview"):
        page = client.get(url(name, collaboration)).content.decode()
        assert "Ingen del av överenskommelsen" not in page and "Varje princip tas upp" not in page


def test_agreement_page_offers_the_checkboxes_to_writers(client, setup, agreement):
    collaboration, users = setup
    section = agreement.sections.first()
    section.principles.set([principle("mangfald")])
    client.force_login(users["editor"])
    page = client.get(url("agreement", collaboration)).content.decode()
    assert page.count('name="principles"') == 6 * agreement.sections.count()
    assert re.search(rf'id="tag-{section.pk}-mangfald" checked', page)
    assert not re.search(rf'id="tag-{section.pk}-dialog" checked', page)


# The overview -----------------------------------------------------------------------------------


def test_overview_card_counts_formulations_and_lists_open_concerns(client, setup):
    collaboration, users = setup
    rules.save_commitment(
        collaboration=collaboration, principle=principle("dialog"), user=users["editor"], text="Vi ses.", base_version=0
    )
    concern = open_concern(collaboration, users, "kvalitet", "Ingen följer upp.")
    resolved = open_concern(collaboration, users, "mangfald", "Löst sedan länge.")
    rules.resolve_concern(resolved, user=users["coordinator"], resolution="Klart.")
    client.force_login(users["reader"])
    page = client.get(url("overview", collaboration)).content.decode()
    card = page[page.index('id="principles-heading"') :]
    card = card[: card.index("</section>")]
    assert "1 av 6 principer formulerade." in card
    assert "1 flaggat problem med en princip" in card
    assert f"{url('principles', collaboration)}#problem-{concern.pk}" in card and "Ingen följer upp." in card
    assert "Löst sedan länge." not in card


# The agreement's content and PDF ----------------------------------------------------------------

HOSTILE = (
    '<img src="file:///etc/passwd"> <link rel="stylesheet" href="http://127.0.0.1:9/x.css"> '
    "<style>body{background:url(http://127.0.0.1:9/bg.png)}</style> <script>alert(1)</script>"
)


def test_snapshot_lists_formulated_principles_in_order_with_their_sections(setup, agreement):
    collaboration, users = setup
    for slug, text in [("mangfald", "Vi bjuder in brett."), ("dialog", "Vi möts varje månad."), ("kvalitet", "")]:
        rules.save_commitment(
            collaboration=collaboration, principle=principle(slug), user=users["editor"], text=text, base_version=0
        )
    first, second = list(agreement.sections.all()[:2])
    first.principles.set([principle("dialog")])
    second.principles.set([principle("dialog"), principle("kvalitet")])
    snapshot = agreements.snapshot(agreement)["principles"]
    assert snapshot == [
        {
            "slug": "dialog",
            "name": "Dialog",
            "text": "Vi möts varje månad.",
            "sections": [f"1. {first.title}", f"2. {second.title}"],
        },
        {"slug": "mangfald", "name": "Mångfald", "text": "Vi bjuder in brett.", "sections": []},
    ]


def read_pdf(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_has_the_principles_and_escapes_their_text(setup, agreement):
    collaboration, users = setup
    rules.save_commitment(
        collaboration=collaboration,
        principle=principle("oppenhet-och-insyn"),
        user=users["editor"],
        text="Protokollen är öppna för alla parter.\nÅrsmötet är öppet.",
        base_version=0,
    )
    rules.save_commitment(
        collaboration=collaboration, principle=principle("dialog"), user=users["editor"], text=HOSTILE, base_version=0
    )
    agreement.sections.first().principles.set([principle("oppenhet-och-insyn")])
    content = agreements.snapshot(agreement)
    html = pdf.render_html(content, draft=True)
    assert "<img src=" not in html and "&lt;img src=" in html and "<script>alert" not in html
    fetcher = pdf.StaticOnlyFetcher()
    text = read_pdf(pdf.html_to_pdf(html, fetcher))
    assert fetcher.refused == []  # escaped text never reaches the fetcher
    assert "Så upprätthåller vi principerna" in text
    assert "Öppenhet och insyn" in text and "Protokollen är öppna för alla parter." in text
    assert "Årsmötet är öppet." in text and "file:///etc/passwd" in text  # shown as text
    assert f"Tas upp i: 1. {agreement.sections.first().title}" in text


def test_pdf_without_formulations_has_no_principles_section(setup, agreement):
    html = pdf.render_html(agreements.snapshot(agreement), draft=True)
    assert 'id="principles"' not in html


# The stepper ------------------------------------------------------------------------------------


def test_stepper_links_each_principle_to_our_formulation_and_a_concern(client, setup):
    collaboration, users = setup
    checklists.ensure_default_sections(collaboration)
    cs = ChecklistSection.objects.get(collaboration=collaboration, section__slug="mucf-problem")
    long_text = "Föreningen bestämmer själv sin verksamhet. " * 10
    rules.save_commitment(
        collaboration=collaboration,
        principle=principle("sjalvstandighet-och-oberoende"),
        user=users["editor"],
        text=long_text,
        base_version=0,
    )
    client.force_login(users["reader"])
    page = client.get(url("checklist_section", collaboration, cs.pk)).content.decode()
    aside = page[page.index("Ta stöd i principerna") :]
    aside = aside[: aside.index("</section>")]
    principles_url = url("principles", collaboration)
    assert f"{principles_url}#princip-sjalvstandighet-och-oberoende" in aside
    assert "Föreningen bestämmer själv sin verksamhet." in aside and long_text.strip() not in aside
    assert "Hela vår formulering" in aside and "Till principsidan" in aside  # formulated, and not
    assert url("concern_raise", collaboration, "sjalvstandighet-och-oberoende") in aside
    assert aside.count("Flagga ett problem med principen<") == 4  # the phase's four principles


def test_stepper_with_principles_stays_within_the_query_budget(client, setup, django_assert_max_num_queries):
    collaboration, users = setup
    checklists.ensure_default_sections(collaboration)
    cs = ChecklistSection.objects.get(collaboration=collaboration, section__slug="mucf-problem")
    for p in Principle.objects.current():
        rules.save_commitment(
            collaboration=collaboration, principle=p, user=users["editor"], text="Ja.", base_version=0
        )
    client.force_login(users["editor"])
    with django_assert_max_num_queries(16):  # the stepper's budget (tests/checklists/test_checklists.py)
        response = client.get(url("checklist_section", collaboration, cs.pk))
    assert response.status_code == 200 and response.content.decode().count("Hela vår formulering") == 4


# Hostile input in the fields these views read (beside the permission matrix's sweep) ------------

VALUES = ["", "abc", "-1", "9" * 30, "<script>alert(1)</script>", "x" * 30_000, "\u202eä\x00ö", "None"]


@pytest.mark.parametrize("name", ["principle_save", "concern_raise", "concern_resolve", "principle_section_tags"])
def test_no_hostile_value_gives_a_server_error(client, setup, agreement, name):
    collaboration, users = setup
    concern = open_concern(collaboration, users)
    args = {
        "principle_save": ["dialog"],
        "concern_raise": ["dialog"],
        "concern_resolve": [concern.pk],
        "principle_section_tags": [agreement.sections.first().pk],
    }[name]
    client.force_login(users["coordinator"])
    for value in VALUES:
        data = {"dialog-text": value, "dialog-version": value, "text": value, "resolution": value, "principles": value}
        for extra in ({}, HX):
            response = client.post(url(name, collaboration, *args), data, **extra)
            assert response.status_code < 500, (name, value[:20])
            assert b"<script>alert(1)</script>" not in response.content


@pytest.mark.parametrize("many", [False, True])
def test_page_queries_do_not_grow(client, setup, agreement, django_assert_max_num_queries, many):
    collaboration, users = setup
    for p in Principle.objects.current() if many else []:
        rules.save_commitment(
            collaboration=collaboration, principle=p, user=users["editor"], text="Ja.", base_version=0
        )
        for n in range(3):
            concern = open_concern(collaboration, users, p.slug, f"Gnissel {n}")
        rules.resolve_concern(concern, user=users["coordinator"], resolution="Klart.")
        agreement.sections.first().principles.add(p)
    client.force_login(users["coordinator"])
    with django_assert_max_num_queries(13):
        assert client.get(url("principles", collaboration)).status_code == 200


# The events in the reader's language --------------------------------------------------------------


def test_a_removed_formulation_is_shown_in_the_readers_language(client, setup):
    from django.utils import translation

    collaboration, users = setup
    dialog = principle("dialog")
    rules.save_commitment(
        collaboration=collaboration, principle=dialog, user=users["editor"], text="Vi ses.", base_version=0
    )
    with translation.override("en"):  # recorded by an English reader: kept as the Swedish msgid
        rules.save_commitment(
            collaboration=collaboration, principle=dialog, user=users["editor"], text="", base_version=1
        )
    removed = Event.objects.filter(collaboration=collaboration, kind=Event.Kind.PRINCIPLE_CHANGED).latest("pk")
    assert (removed.detail, removed.texts) == ("texten togs bort", {"detail": {"msgid": "texten togs bort"}})
    client.force_login(users["coordinator"])
    page = events_page(client, collaboration, "en")
    assert "(the text was removed)" in page and "(Vi ses.)" in page and "texten togs bort" not in page
    assert "(texten togs bort)" in events_page(client, collaboration, "sv")
