"""The public page of a decided agreement (projects/publication/): each party's consent, publishing
only a decided version once every party consented, withdrawing, the page's content taken from the
version (not the live draft), no personal data, hostile text escaped, and two tenants kept apart."""

from datetime import date

import pytest
from django.urls import reverse

from guides.models import CollaborationForm
from projects.agreements import services as agreements
from projects.agreements.models import AgreementSection
from projects.checklists import services as checklists
from projects.core.models import Event, Role
from projects.publication import services
from projects.publication.models import Publication, PublicationConsent, PublicationEvent
from projects.publication.services import PublicationError
from tests.factories import add_member, make_collaboration, make_organisation, make_user

pytestmark = pytest.mark.django_db

HOSTILE = "Łódź – ✓ 中文 😀 <script>alert(1)</script>&"


def _iop(collaboration, users, *, text="Text för avsnittet.", title=None, signatory=""):
    """The IOP written (every empty section gets ``text``), locked and approved by every party
    (each of ``users`` records their own party's decision)."""
    checklists.ensure_default_sections(collaboration)
    agreement = agreements.create_agreement(
        collaboration, user=users[0], form=CollaborationForm.objects.get(slug="iop")
    )
    if title:
        agreement.title = title
        agreement.save(update_fields=["title"])
    agreement.sections.filter(text="").update(text=text)
    if signatory:
        for party in collaboration.parties.all():
            agreements.set_party_record(agreement, party=party, record_number="KS 2026/1", signatory=signatory)
    version = agreements.freeze(agreement, user=users[0])
    for user in users:
        party = user.memberships.get(collaboration=collaboration).party
        agreements.record_decision(
            version,
            party=party,
            user=user,
            approved=True,
            body="Kommunstyrelsen" if party.organisation.is_public else "Styrelsen",
            decided_on=date(2026, 11, 20),
            reference=f"KS § {party.pk}",
        )
    version.refresh_from_db()
    return version


@pytest.fixture
def world():
    """Exempelkommun (Anna coordinates) and Föreningen Gemenskap (Bo, an editor: its recorder, as it
    has no coordinator; Cecilia reads), with a decided IOP."""
    anna = make_user("Anna Andersson", email="anna.andersson@exempelkommun.se")
    collaboration = make_collaboration(coordinator=anna)
    bo = add_member(collaboration, user=make_user("Bo Berg", email="bo.berg@gemenskap.se"), role=Role.EDITOR).user
    cecilia = add_member(collaboration, role=Role.READER, name="Cecilia Carlsson").user
    version = _iop(collaboration, [anna, bo])
    return {"collaboration": collaboration, "anna": anna, "bo": bo, "cecilia": cecilia, "version": version}


def _post(client, user, name, collaboration, data=None):
    client.force_login(user)
    return client.post(reverse(f"projects:{name}", args=[collaboration.pk]), data or {})


def _publish_all(world):
    version = world["version"]
    for party in world["collaboration"].parties.all():
        services.consent(version, party=party, user=world["anna"])
    return services.publish(version, user=world["anna"])


def _public(client, publication):
    client.logout()
    return client.get(reverse("projects:public_agreement", args=[publication.slug]))


def test_consent_flow_then_publish(client, world):
    collaboration, anna, bo = world["collaboration"], world["anna"], world["bo"]
    kommun, civil = (m.party for m in (anna.memberships.get(), bo.memberships.get()))

    assert _post(client, anna, "publication_consent", collaboration, {"samtycke": "ja"}).status_code == 302
    assert set(PublicationConsent.objects.values_list("party", "given_by")) == {(kommun.pk, anna.pk)}

    # Not yet: Föreningen Gemenskap has not consented.
    response = _post(client, anna, "publication_publish", collaboration)
    assert response.status_code == 302
    assert not Publication.objects.filter(published_at__isnull=False).exists()
    page = client.get(reverse("projects:publication", args=[collaboration.pk]))
    assert "Alla parter måste samtycka" in page.content.decode()

    # Bo consents for his party, takes it back, consents again; he may not publish (not a coordinator).
    _post(client, bo, "publication_consent", collaboration, {"samtycke": "ja"})
    _post(client, bo, "publication_consent", collaboration, {"samtycke": "nej"})
    assert set(PublicationConsent.objects.values_list("party", flat=True)) == {kommun.pk}
    _post(client, bo, "publication_consent", collaboration, {"samtycke": "ja"})
    assert _post(client, bo, "publication_publish", collaboration).status_code == 403
    # A reader never consents.
    assert _post(client, world["cecilia"], "publication_consent", collaboration, {"samtycke": "ja"}).status_code == 403

    _post(client, anna, "publication_publish", collaboration)
    publication = Publication.objects.get()
    assert publication.is_public and publication.published_by == anna
    assert _public(client, publication).status_code == 200

    # Published: a consent can no longer be taken back (the page is withdrawn instead).
    with pytest.raises(PublicationError):
        services.withdraw_consent(world["version"], party=civil, user=bo)
    kinds = list(
        Event.objects.filter(collaboration=collaboration, kind__startswith="publication.").values_list(
            "kind", flat=True
        )
    )
    assert kinds.count(PublicationEvent.CONSENTED) == 3
    assert kinds.count(PublicationEvent.CONSENT_WITHDRAWN) == 1
    assert kinds.count(PublicationEvent.PUBLISHED) == 1


def test_only_a_decided_version_is_published():
    anna = make_user("Anna Andersson")
    collaboration = make_collaboration(coordinator=anna)
    bo = add_member(collaboration, role=Role.EDITOR).user
    checklists.ensure_default_sections(collaboration)
    agreement = agreements.create_agreement(collaboration, user=anna, form=CollaborationForm.objects.get(slug="iop"))
    agreement.sections.filter(text="").update(text="Text.")
    version = agreements.freeze(agreement, user=anna)
    kommun = anna.memberships.get().party
    with pytest.raises(PublicationError):
        services.consent(version, party=kommun, user=anna)
    # One party approved, the other not yet: still not decided.
    agreements.record_decision(
        version, party=kommun, user=anna, approved=True, body="KS", decided_on=date(2026, 11, 20), reference="§ 1"
    )
    with pytest.raises(PublicationError):
        services.consent(version, party=kommun, user=anna)
    with pytest.raises(PublicationError):
        services.publish(version, user=anna)
    assert not Publication.objects.exists()
    assert bo  # the other party's recorder, who has not decided


def test_the_page_without_a_decided_version(client):
    anna = make_user("Anna Andersson")
    collaboration = make_collaboration(coordinator=anna)
    client.force_login(anna)
    page = client.get(reverse("projects:publication", args=[collaboration.pk]))
    assert page.status_code == 200
    assert "inte beslutad än" in page.content.decode()
    assert _post(client, anna, "publication_consent", collaboration, {"samtycke": "ja"}).status_code == 404
    assert _post(client, anna, "publication_publish", collaboration).status_code == 404


def test_withdraw_then_publish_again_at_a_new_address(client, world):
    collaboration, bo = world["collaboration"], world["bo"]
    publication = _publish_all(world)
    title = world["version"].content["title"]

    # Bo records his party's decisions: he may take the page down.
    assert _post(client, bo, "publication_withdraw", collaboration).status_code == 302
    publication.refresh_from_db()
    assert publication.withdrawn_at and publication.withdrawn_by == bo
    gone = _public(client, publication)
    assert gone.status_code == 410
    assert "inte längre publicerad" in gone.content.decode()
    assert title not in gone.content.decode()
    pdf = client.get(reverse("projects:public_agreement_pdf", args=[publication.slug]))
    assert pdf.status_code == 410 and pdf["Content-Type"].startswith("text/html")
    assert title not in client.get(reverse("projects:public_agreements")).content.decode()

    client.force_login(bo)
    inside = client.get(reverse("projects:publication", args=[collaboration.pk])).content.decode()
    assert "återkallad" in inside and "Inte publicerad" in inside
    # Again: every party consents anew, and the page gets a new address.
    again = _publish_all(world)
    assert again.slug != publication.slug
    assert _public(client, again).status_code == 200
    assert _public(client, publication).status_code == 410
    assert Event.objects.filter(kind=PublicationEvent.WITHDRAWN).count() == 1


def test_unknown_and_unpublished_addresses_say_nothing(client, world):
    services.consent(world["version"], party=world["anna"].memberships.get().party, user=world["anna"])
    gathering = Publication.objects.get()
    for slug in (gathering.slug, "finns-inte", "x" * 40):
        response = client.get(reverse("projects:public_agreement", args=[slug]))
        assert response.status_code == 404
        assert world["version"].content["title"] not in response.content.decode()
        assert client.get(reverse("projects:public_agreement_pdf", args=[slug])).status_code == 404
    # No organisation list for an organisation with nothing published (nor for one that does not exist).
    kommun = world["anna"].memberships.get().party.organisation
    assert client.get(reverse("projects:public_agreements_of", args=[kommun.pk])).status_code == 404
    assert client.get(reverse("projects:public_agreements_of", args=[999999])).status_code == 404
    assert world["version"].content["title"] not in client.get(reverse("projects:public_agreements")).content.decode()


def test_the_page_shows_the_decided_version_not_the_live_agreement(client, world):
    publication = _publish_all(world)
    agreement = world["version"].agreement
    # After the decision: an amendment is drafted, the title and a section change, an organisation is renamed.
    agreements.new_draft(agreement, user=world["anna"])
    AgreementSection.objects.filter(agreement=agreement).update(text="Ändrad text i utkastet.")
    agreement.title = "Ny titel i utkastet"
    agreement.save(update_fields=["title"])
    civil = world["bo"].memberships.get().party.organisation
    civil.name = "Nytt föreningsnamn"
    civil.save(update_fields=["name"])

    page = _public(client, publication).content.decode()
    assert "Text för avsnittet." in page
    assert "Ändrad text i utkastet." not in page
    assert "Ny titel i utkastet" not in page
    assert "Nytt föreningsnamn" not in page
    assert "Föreningen Gemenskap" in page
    assert "Kommunstyrelsen" in page and "2026-11-20" in page
    assert f'<link rel="canonical" href="http://testserver/insyn/{publication.slug}/">' in page
    assert "noindex" not in page
    assert "/kontrollera/" in page
    assert reverse("projects:public_agreement_pdf", args=[publication.slug]) in page


def test_no_personal_data_on_the_page(client):
    anna = make_user("Anna Andersson", email="anna.andersson@exempelkommun.se")
    collaboration = make_collaboration(coordinator=anna)
    bo = add_member(collaboration, user=make_user("Bo Berg", email="bo.berg@gemenskap.se"), role=Role.EDITOR).user
    add_member(collaboration, role=Role.READER, name="Cecilia Carlsson")
    version = _iop(
        collaboration,
        [anna, bo],
        text="Verksamhetsledaren Zelda Textsson leder arbetet.",
        signatory="Signe Signatärsson",
    )
    # The snapshot holds the contact persons and signatories (people): the page must not show them.
    assert any("Anna Andersson" in p["contacts"] for p in version.content["parties"])
    for party in collaboration.parties.all():
        services.consent(version, party=party, user=anna)
    publication = services.publish(version, user=anna)

    page = _public(client, publication).content.decode()
    article = page[page.index("<article") : page.index("</article>")]  # the footer names the service's owner
    assert "@" not in article
    assert "Verksamhetsledaren Zelda Textsson leder arbetet." in page  # the text as written
    for personal in (
        "Anna Andersson", "Bo Berg", "Cecilia Carlsson", "anna.andersson@exempelkommun.se",
        "bo.berg@gemenskap.se", "Signe Signatärsson",
    ):  # fmt: skip
        assert personal not in page, personal
    org = bo.memberships.get().party.organisation
    listing = client.get(reverse("projects:public_agreements_of", args=[org.pk])).content.decode()
    assert publication.slug in listing
    for personal in ("Anna Andersson", "Bo Berg", "Zelda"):
        assert personal not in listing


def test_hostile_text_is_escaped_on_the_page_and_in_the_pdf(client):
    anna = make_user(HOSTILE, email="anna@exempelkommun.se")
    collaboration = make_collaboration(coordinator=anna, title=HOSTILE)
    bo = add_member(collaboration, role=Role.EDITOR).user
    version = _iop(collaboration, [anna, bo], text=HOSTILE, title=HOSTILE)
    for party in collaboration.parties.all():
        services.consent(version, party=party, user=anna)
    publication = services.publish(version, user=anna)

    page = _public(client, publication).content.decode()
    assert "<script>alert(1)" not in page
    assert "Łódź – ✓ 中文 😀 &lt;script&gt;alert(1)&lt;/script&gt;&amp;" in page
    listing = client.get(reverse("projects:public_agreements")).content.decode()
    assert "<script>alert(1)" not in listing and "Łódź – ✓ 中文 😀 &lt;script&gt;" in listing
    pdf = client.get(reverse("projects:public_agreement_pdf", args=[publication.slug]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(b"%PDF")
    # The collaboration's page too.
    client.force_login(anna)
    inside = client.get(reverse("projects:publication", args=[collaboration.pk])).content.decode()
    assert "<script>alert(1)" not in inside


def test_two_tenants(client, world):
    """Another collaboration's coordinator reaches nothing of the first's, and an id of the first's
    publication posted to their own collaboration finds nothing."""
    publication = _publish_all(world)
    other_coordinator = make_user("Olle Annan")
    other = make_collaboration(coordinator=other_coordinator, organisation=make_organisation("Annan kommun"))
    for name in ("publication_consent", "publication_publish", "publication_withdraw"):
        assert _post(client, other_coordinator, name, world["collaboration"]).status_code == 404
    response = _post(client, other_coordinator, "publication_withdraw", other, {"publicering": publication.pk})
    assert response.status_code == 404
    assert client.get(reverse("projects:publication", args=[world["collaboration"].pk])).status_code == 404
    publication.refresh_from_db()
    assert publication.is_public
    assert not PublicationConsent.objects.filter(publication__version__agreement__collaboration=other).exists()


def test_organisation_pages_link_to_the_public_list(client, world):
    org = world["bo"].memberships.get().party.organisation
    client.force_login(world["bo"])
    url = reverse("projects:public_agreements_of", args=[org.pk])
    assert url not in client.get(reverse("projects:organisation_detail", args=[org.pk])).content.decode()
    _publish_all(world)
    assert url in client.get(reverse("projects:organisation_detail", args=[org.pk])).content.decode()
    assert url in client.get(reverse("projects:org_register", args=[org.pk])).content.decode()
    client.logout()
    assert client.get(url).status_code == 200
