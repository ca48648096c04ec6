"""The agreement pages as the parties use them: start, write (autosave, conflicts, history),
manage sections, freeze, decide, new draft, compare, and the PDF download."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from guides.models import CollaborationForm
from projects.agreements import services as agreements
from projects.agreements.models import Agreement, AgreementSection, AgreementVersion
from projects.checklists import services as checklists
from projects.common import pdf
from projects.core.models import Event

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def setup(people, client):
    collaboration, users = people
    checklists.ensure_default_sections(collaboration)
    client.force_login(users["coordinator"])
    iop = CollaborationForm.objects.get(slug="iop")
    client.post(reverse("projects:agreement_start", args=[collaboration.pk]), {"form": iop.pk})
    return collaboration, users, Agreement.objects.get(collaboration=collaboration)


def url(name, collaboration, *args):
    return reverse(f"projects:{name}", args=[collaboration.pk, *args])


def save(client, collaboration, section, text, version):
    return client.post(
        url("agreement_section_save", collaboration, section.pk),
        {f"s{section.pk}-text": text, f"s{section.pk}-version": version},
        headers=HX,
    )


def fill_all(agreement):
    agreement.sections.filter(text="").update(text="Text.")


def test_empty_state_and_start(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    body = client.get(url("agreement", collaboration)).content.decode()
    assert "En samordnare påbörjar" in body


def test_start_builds_the_iop_template(setup):
    _collaboration, _users, agreement = setup
    assert agreement.form.slug == "iop" and agreement.sections.count() == 15


def test_writing_autosaves_with_conflicts_and_history(client, setup):
    collaboration, users, agreement = setup
    section = agreement.sections.get(key="iop-rubrik-bakgrund")
    response = save(client, collaboration, section, "Bakgrunden.", 0)
    assert response["X-Answer-State"] == "saved" and "Sparat" in response.content.decode()
    client.force_login(users["editor"])
    response = save(client, collaboration, section, "Bos bakgrund.", 0)
    body = response.content.decode()
    assert response["X-Answer-State"] == "conflict" and "Bakgrunden." in body and "Behåll min text" in body
    section.refresh_from_db()
    assert section.text == "Bakgrunden."
    save(client, collaboration, section, "Bos bakgrund.", 1)
    history = client.get(url("agreement_section_history", collaboration, section.pk)).content.decode()
    assert "Bakgrunden." in history and "Bos bakgrund." in history
    first = section.revisions.get(version=1)
    client.post(url("agreement_section_restore", collaboration, section.pk, first.pk))
    section.refresh_from_db()
    assert section.text == "Bakgrunden." and section.version == 3


def test_over_long_text_is_refused_and_kept(client, setup):
    collaboration, _users, agreement = setup
    section = agreement.sections.first()
    response = save(client, collaboration, section, "x" * 20_001, 0)
    assert response["X-Answer-State"] == "invalid" and "högst 20000 tecken" in response.content.decode()


def test_reader_cannot_write_and_writing_group_limits_editors(client, setup):
    collaboration, users, agreement = setup
    section = agreement.sections.first()
    client.force_login(users["reader"])
    assert save(client, collaboration, section, "x", 0).status_code == 403
    client.force_login(users["coordinator"])
    coordinator = users["coordinator"].memberships.get()
    client.post(url("agreement_writers", collaboration), {"writers": [coordinator.pk]})
    client.force_login(users["editor"])
    assert save(client, collaboration, section, "x", 0).status_code == 403


def test_sections_are_added_renamed_moved_and_removed(client, setup):
    collaboration, _users, agreement = setup
    post = lambda **data: client.post(url("agreement_sections", collaboration), data)  # noqa: E731
    post(action="add", title="Lokaler")
    new = agreement.sections.get(title="Lokaler")
    post(action="rename", section=new.pk, title="Lokaler och tider")
    post(action="up", section=new.pk)
    titles = list(agreement.sections.order_by("order").values_list("title", flat=True))
    assert titles[-2] == "Lokaler och tider"
    post(action="remove", section=new.pk)
    assert not agreement.sections.filter(pk=new.pk).exists()
    required = agreement.sections.filter(required=True).first()
    response = client.post(
        url("agreement_sections", collaboration), {"action": "remove", "section": required.pk}, follow=True
    )
    assert "krävs för samverkansformen" in response.content.decode()
    assert collaboration.events.filter(kind=Event.Kind.AGREEMENT_SECTIONS).exists()


def test_freeze_is_refused_with_the_missing_sections_listed(client, setup):
    collaboration, _users, agreement = setup
    page = client.get(url("agreement", collaboration)).content.decode()
    assert "Innan överenskommelsen kan låsas för beslut" in page and "#sec-" in page
    # Not the main action yet: the lock button is the page's primary button when the sections are written.
    lock = re.compile(r'<button type="submit" class="btn ([\w-]+)">Lås versionen för beslut</button>')
    assert lock.search(page).group(1) == "btn-outline-secondary"
    response = client.post(url("agreement_freeze", collaboration), {"agreement": agreement.pk}, follow=True)
    assert "saknar text" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.state == Agreement.State.DRAFT
    fill_all(agreement)
    page = client.get(url("agreement", collaboration)).content.decode()
    assert lock.search(page).group(1) == "btn-primary"


def _decide(client, collaboration, approved="yes", comment=""):
    return client.post(
        url("agreement_decide", collaboration),
        {
            "approved": approved,
            "body": "Styrelsen",
            "decided_on": "2026-11-18",
            "reference": "Protokoll § 7",
            "comment": comment,
        },
        follow=True,
    )


def test_the_whole_round_every_party_decides_and_the_pdf_is_kept(client, setup, django_capture_on_commit_callbacks):
    collaboration, users, agreement = setup
    fill_all(agreement)
    client.post(url("agreement_freeze", collaboration), {"agreement": agreement.pk})
    agreement.refresh_from_db()
    assert agreement.state == Agreement.State.FOR_DECISION
    section = agreement.sections.first()
    assert save(client, collaboration, section, "Ändring", section.version)["X-Answer-State"] == "invalid"
    _decide(client, collaboration)
    client.force_login(users["editor"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # the last decision starts the PDF
        page = _decide(client, collaboration).content.decode()
    assert callbacks
    agreement.refresh_from_db()
    assert agreement.state == Agreement.State.DECIDED and "beslutad av alla parter och låst" in page
    version = agreement.versions.get()
    kept = bytes(version.pdf)
    assert kept.startswith(b"%PDF")  # made when decided, kept
    response = client.get(url("agreement_pdf", collaboration), {"version": version.number})
    assert response["Content-Type"] == "application/pdf" and version.short_hash in response["Content-Disposition"]
    assert response.content == kept
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "UTKAST" not in text and "Protokoll § 7" in text
    again = client.get(url("agreement_pdf", collaboration), {"version": version.number})
    assert again.content == response.content


def test_rejection_returns_to_drafting_with_the_reason(client, setup):
    collaboration, users, agreement = setup
    fill_all(agreement)
    client.post(url("agreement_freeze", collaboration), {"agreement": agreement.pk})
    client.force_login(users["editor"])
    assert "Skriv skälet" in _decide(client, collaboration, approved="no").content.decode()
    page = _decide(client, collaboration, approved="no", comment="Ekonomin saknas.").content.decode()
    agreement.refresh_from_db()
    assert agreement.state == Agreement.State.DRAFT and "Ekonomin saknas." in page


def test_new_draft_says_what_it_withdraws_first(client, setup):
    collaboration, users, agreement = setup
    fill_all(agreement)
    client.post(url("agreement_freeze", collaboration), {"agreement": agreement.pk})
    _decide(client, collaboration)
    page = client.get(url("agreement_redraft", collaboration)).content.decode()
    assert "De här besluten återkallas" in page and "Exempelkommun" in page
    client.post(url("agreement_redraft", collaboration))
    agreement.refresh_from_db()
    assert agreement.state == Agreement.State.DRAFT
    assert agreement.versions.get().status == AgreementVersion.Status.WITHDRAWN


def test_compare_shows_what_changed(client, setup):
    collaboration, _users, agreement = setup
    fill_all(agreement)
    agreements.freeze(agreement, user=None)
    agreements.new_draft(agreement, user=None)
    AgreementSection.objects.filter(agreement=agreement, key="iop-rubrik-bakgrund").update(text="Text. Och mer.")
    body = client.get(url("agreement_compare", collaboration), {"fran": "1", "till": "utkast"}).content.decode()
    assert "<ins>" in body and "mer." in body and "ändrat" in body
    assert client.get(url("agreement_compare", collaboration), {"fran": "x", "till": "99"}).status_code == 200


def test_comments_per_section(client, setup):
    collaboration, users, agreement = setup
    section = agreement.sections.first()
    client.force_login(users["reader"])
    assert client.post(url("agreement_section_comments", collaboration, section.pk), {"text": "Hej"}).status_code == 403
    client.force_login(users["editor"])
    client.post(url("agreement_section_comments", collaboration, section.pk), {"text": "Bra början."})
    assert "Bra början." in client.get(url("agreement_section_comments", collaboration, section.pk)).content.decode()


def test_draft_pdf_and_print_view(client, setup):
    collaboration, _users, agreement = setup
    response = client.get(url("agreement_pdf", collaboration))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "UTKAST" in text
    html = client.get(url("agreement_print", collaboration)).content.decode()
    assert "/static/css/agreement-pdf.css" in html and "Bakgrund" in html
    # A page to read on a phone too, with the way back to the agreement, and the draft said in words.
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert f'<a href="{url("agreement", collaboration)}">Tillbaka till överenskommelsen</a>' in html
    assert '<p class="draft-banner">Utkast, inte beslutat</p>' in html
    # The PDF itself has neither.
    assert "Tillbaka till" not in pdf.render_html(agreements.snapshot(agreement), draft=True)


def test_downloading_a_decided_version_before_its_pdf_is_kept_writes_nothing(client, setup):
    """The kept PDF is made by the task the last decision starts (on commit, not run here): a download
    in between renders it but stores nothing, since a GET never changes the database."""
    collaboration, users, agreement = setup
    fill_all(agreement)
    client.post(url("agreement_freeze", collaboration), {"agreement": agreement.pk})
    _decide(client, collaboration)
    client.force_login(users["editor"])
    _decide(client, collaboration)
    version = agreement.versions.get()
    assert version.status == AgreementVersion.Status.DECIDED and version.pdf is None
    response = client.get(url("agreement_pdf", collaboration), {"version": version.number})
    assert response.content.startswith(b"%PDF")
    version.refresh_from_db()
    assert version.pdf is None


def test_bad_version_numbers_do_not_fail(client, setup):
    collaboration, _users, _agreement = setup
    assert client.get(url("agreement_pdf", collaboration), {"version": "abc"}).status_code == 302
    assert client.get(url("agreement_pdf", collaboration), {"version": "99"}).status_code == 302
    response = client.post(url("agreement_section_save", collaboration, 999999), {})
    assert response.status_code == 404


def test_a_large_agreement_renders_in_the_background(client, setup, settings):
    collaboration, _users, agreement = setup
    settings.PDF_BACKGROUND_CHARS = 100
    agreement.sections.update(text="Ett långt avsnitt. " * 10)
    from projects.agreements.models import PdfExport

    page = client.get(url("agreement_pdf", collaboration))  # a GET changes nothing: it offers a button
    assert page.status_code == 200 and not PdfExport.objects.exists()
    assert 'method="post"' in page.content.decode()
    response = client.post(url("agreement_pdf", collaboration))
    assert response.status_code == 302 and "/export/" in response.url
    from projects.agreements.tasks import render_export

    export = PdfExport.objects.get()
    page = client.get(response.url, headers=HX).content.decode()
    assert 'hx-trigger="every 2s"' in page  # waiting: the test transaction has not committed
    render_export.call(export.pk)  # what the worker does
    page = client.get(response.url).content.decode()
    assert "Ladda ner PDF:en" in page
    download = client.get(response.url, {"ladda-ner": "1"})
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF")


def test_parties_contacts_and_period_come_from_the_data(client, setup):
    collaboration, _users, agreement = setup
    agreement.sections.exclude(key__in=AgreementSection.FROM_DATA).update(text="Text.")
    assert agreements.missing_sections(agreement) == []
    page = client.get(url("agreement", collaboration)).content.decode()
    assert "Fylls i från uppgifterna i samverkan" in page
    version = agreements.freeze(agreement, user=None)
    data = pdf.render_pdf(version.content, version=version, draft=False)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Exempelkommun" in text and "Anna Andersson" in text


@pytest.mark.parametrize("value", ["abc", "", "-1", "1.5", "9999999999999999999999"])
def test_hostile_ids_are_404_not_500(client, setup, value):
    collaboration, _users, _agreement = setup
    assert client.post(url("agreement_freeze", collaboration), {"agreement": value}).status_code == 404
    response = client.post(
        url("agreement_sections", collaboration), {"action": "rename", "section": value, "title": "x"}
    )
    assert response.status_code == 404


def test_the_start_form_offers_the_form_the_parties_chose(client, people):
    collaboration, users = people
    collaboration.form = CollaborationForm.objects.get(slug="iop")
    collaboration.save()
    client.force_login(users["coordinator"])
    page = client.get(reverse("projects:agreement", args=[collaboration.pk])).content.decode()
    assert f'<option value="{collaboration.form_id}" selected>' in page


def test_without_javascript_a_conflict_keeps_my_text_in_the_field(client, setup):
    collaboration, users, agreement = setup
    section = agreement.sections.get(key="iop-rubrik-syfte")
    client.force_login(users["editor"])
    assert save(client, collaboration, section, "Deras text.", section.version).status_code == 200
    client.force_login(users["coordinator"])
    response = client.post(
        url("agreement_section_save", collaboration, section.pk),
        {f"s{section.pk}-text": "Min text.", f"s{section.pk}-version": section.version},
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert ">Min text.</textarea>" in body  # kept in the field, not lost
    assert "Deras text." in body and "spara igen för att behålla den" in body
    section.refresh_from_db()
    assert section.text == "Deras text."
    # Saving again from that page keeps the person's text.
    response = client.post(
        url("agreement_section_save", collaboration, section.pk),
        {f"s{section.pk}-text": "Min text.", f"s{section.pk}-version": section.version},
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.text == "Min text."
