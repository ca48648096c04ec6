"""The save path, measured: the statements of one checklist autosave and of the agreement page are
pinned (a regression fails here), and the reads that were folded together to get there give what
the separate reads gave. Runs on whichever database DATABASE_URL names (SQLite by default); the
statement counts are the same on both. In a test the view's transaction is a savepoint inside the
test's own, so SAVEPOINT and RELEASE stand where BEGIN and COMMIT stand in production: the same
count.

The autosave's nine (bench/README.md, "Autosave throughput"): the session, the user, the membership
with its collaboration (projects.core.permissions), the checklist section with its question and the
parties (checklists.save_target), then BEGIN, the answer's row locked, the row updated on condition
that nobody has confirmed it, the revision inserted, COMMIT."""

import threading
import time
from urllib.parse import unquote

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from guides.models import CollaborationForm, Item
from projects.agreements import services as agreements
from projects.agreements.models import Agreement, AgreementSection
from projects.checklists import services as checklists
from projects.checklists.models import Answer, ChecklistSection, Confirmation
from projects.core.models import Role, Sector
from tests.factories import add_member, add_party, collaboration_with_people, make_collaboration, make_user

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
AUTOSAVE_STATEMENTS = 9
# 22 before it stopped building a whole snapshot for the contacts; +2 for the legal screening's summary,
# +3 for the budget's table in the finances section (the agreement's parties, its lines, the version's state)
AGREEMENT_PAGE_QUERIES = 19


@pytest.fixture
def setup(people):
    collaboration, users = people
    checklists.ensure_default_sections(collaboration)
    joint = ChecklistSection.objects.get(collaboration=collaboration, section__slug="halland-agandeskap")
    per_party = ChecklistSection.objects.get(collaboration=collaboration, section__slug="halland-resurser")
    return collaboration, users, joint, per_party


def first_question(cs):
    return Item.objects.filter(section=cs.section, kind="question").order_by("order").first()


def save(client, collaboration, cs, item, text, version=0, status="discussed", party=None):
    key = f"{item.pk}-{party.pk if party else 'j'}"
    data = {f"{key}-text": text, f"{key}-version": version, f"{key}-status": status}
    if party:
        data["part"] = party.pk
    url = reverse("projects:answer_save", args=[collaboration.pk, cs.pk, item.pk])
    return client.post(url, data, headers=HX)


# The autosave ------------------------------------------------------------------------------------


def test_one_autosave_is_nine_statements(client, setup, django_assert_num_queries):
    """A typical autosave: an editor changes the text of an existing joint answer, from its current
    version."""
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    client.force_login(users["editor"])
    assert save(client, collaboration, joint, item, "Första").status_code == 200  # creates the answer
    with django_assert_num_queries(AUTOSAVE_STATEMENTS):
        response = save(client, collaboration, joint, item, "Andra", version=1)
    body = response.content.decode()
    assert response.status_code == 200 and response["X-Answer-State"] == "saved"
    assert f'name="{item.pk}-j-version" value="2"' in body
    assert "Inte bekräftat av: Exempelkommun, Föreningen Gemenskap." in body
    answer = Answer.objects.get(collaboration=collaboration, item=item, party=None)
    assert (answer.text, answer.version, answer.updated_by) == ("Andra", 2, users["editor"])
    assert list(answer.revisions.order_by("version").values_list("version", "text")) == [(1, "Första"), (2, "Andra")]


def test_a_per_party_autosave_is_nine_statements_too(client, setup, django_assert_num_queries):
    collaboration, users, _, per_party = setup
    item = first_question(per_party)
    forening = users["editor"].memberships.get().party
    client.force_login(users["editor"])
    assert save(client, collaboration, per_party, item, "Första", party=forening).status_code == 200
    with django_assert_num_queries(AUTOSAVE_STATEMENTS):
        response = save(client, collaboration, per_party, item, "Andra", version=1, party=forening)
    assert response.status_code == 200 and response["X-Answer-State"] == "saved"
    assert Answer.objects.get(item=item, party=forening).text == "Andra"


def _poll_meta(client, collaboration, cs, since, key):
    """The answer's meta as the poll renders it: confirming_parties and the confirmations read
    apart, as the autosave read them before."""
    url = reverse("projects:checklist_changes", args=[collaboration.pk, cs.pk])
    body = client.get(url, {"since": since}).content.decode()
    remote = body.split(f'id="remote-{key}"')[1]
    return remote.split('<template class="js-meta">')[1].split("</template>")[0]


def _since(client, collaboration, cs):
    page = client.get(reverse("projects:checklist_section", args=[collaboration.pk, cs.pk])).content.decode()
    return unquote(page.split("andringar/?since=")[1].split('"')[0])


def test_the_autosave_fragment_is_what_the_separate_reads_render(client, setup):
    """The fragment of a save that folded the reads together is the one the poll renders from
    checklists.confirming_parties and the confirmations read apart: with no confirmation, and
    with one kept by a status change (the save then reads the confirmations)."""
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    # A third party without anybody who may write: it cannot confirm, so it is not listed.
    add_member(collaboration, role=Role.READER, party=add_party(collaboration, "Ängelholms förening"), name="Dag")
    client.force_login(users["coordinator"])
    since = _since(client, collaboration, joint)
    save(client, collaboration, joint, item, "Första")
    fragment = save(client, collaboration, joint, item, "Andra", version=1).content.decode()
    assert "Inte bekräftat av: Exempelkommun, Föreningen Gemenskap." in fragment
    assert fragment == _poll_meta(client, collaboration, joint, since, f"{item.pk}-j")

    client.post(reverse("projects:answer_confirm", args=[collaboration.pk, joint.pk, item.pk]), {"version": 2})
    fragment = save(client, collaboration, joint, item, "Andra", version=2, status="not_relevant").content.decode()
    # The question is now done: the section's progress follows the answer, out of band.
    fragment, progress = fragment.split('\n<div id="section-progress"')
    assert 'hx-swap-oob="innerHTML"' in progress and "1 av 4 frågor är klar" in progress
    assert "Bekräftat av: Exempelkommun." in fragment and "Inte bekräftat av: Föreningen Gemenskap." in fragment
    assert fragment == _poll_meta(client, collaboration, joint, since, f"{item.pk}-j")


def test_an_unchanged_save_and_a_conflict_render_as_before(client, setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    client.force_login(users["editor"])
    save(client, collaboration, joint, item, "Text")
    response = save(client, collaboration, joint, item, "Text", version=1)
    assert response["X-Answer-State"] == "unchanged" and "Inte bekräftat av" in response.content.decode()
    response = save(client, collaboration, joint, item, "Annan text", version=0)
    assert response["X-Answer-State"] == "conflict" and "Deras text" in response.content.decode()
    assert Answer.objects.get(item=item).version == 1


def test_a_text_change_withdraws_the_confirmations_and_names_them(client, setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    client.force_login(users["coordinator"])
    save(client, collaboration, joint, item, "Text")
    client.post(reverse("projects:answer_confirm", args=[collaboration.pk, joint.pk, item.pk]), {"version": 1})
    body = save(client, collaboration, joint, item, "Ny text", version=1).content.decode()
    assert "bekräftelser är återkallade: Exempelkommun" in body
    assert "Inte bekräftat av: Exempelkommun, Föreningen Gemenskap." in body
    answer = Answer.objects.get(item=item)
    assert answer.version == 2 and not answer.confirmations.exists()


# The read a save starts with ---------------------------------------------------------------------


def test_save_target_gives_what_the_separate_queries_give(setup):
    collaboration, users, joint, per_party = setup
    # Names whose order differs by collation (Å, Ä, Ö) and a party that cannot confirm.
    for name in ("Örebro föreningsråd", "Åmåls förening", "Alingsås IF"):
        add_member(collaboration, party=add_party(collaboration, name), name=f"Person i {name}")
    add_party(collaboration, "Ängelholms förening")
    for cs in (joint, per_party):
        item = first_question(cs)
        found_cs, found_item, parties = checklists.save_target(collaboration, cs.pk, item.pk)
        assert (found_cs.pk, found_cs.section_id, found_cs.answer_mode, found_cs.per_party) == (
            cs.pk,
            cs.section_id,
            cs.answer_mode,
            cs.per_party,
        )
        assert found_cs.section.audience == cs.section.audience and found_cs.section.title == cs.section.title
        assert (found_item.pk, found_item.text, found_item.kind) == (item.pk, item.text, item.kind)
        expected = list(collaboration.parties.select_related("organisation"))
        assert [(p.pk, str(p), p.organisation.is_public) for p in parties] == [
            (p.pk, str(p), p.organisation.is_public) for p in expected
        ]
        assert [p for p in parties if p.may_confirm] == checklists.confirming_parties(collaboration)
        assert checklists.answering_parties(found_cs, parties) == checklists.answering_parties(cs, expected)


def test_save_target_finds_only_a_current_question_of_an_active_section_of_the_collaboration(setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    other = Item.objects.filter(kind="question").exclude(section=joint.section).first()
    tip = Item.objects.filter(section=joint.section).exclude(kind="question").first()
    assert checklists.save_target(collaboration, joint.pk, other.pk) is None
    if tip:
        assert checklists.save_target(collaboration, joint.pk, tip.pk) is None
    foreign = make_collaboration(coordinator=make_user("Eva"), title="Annan")
    assert checklists.save_target(foreign, joint.pk, item.pk) is None
    Item.objects.filter(pk=item.pk).update(retired=True)
    assert checklists.save_target(collaboration, joint.pk, item.pk) is None
    Item.objects.filter(pk=item.pk).update(retired=False)
    ChecklistSection.objects.filter(pk=joint.pk).update(active=False)
    assert checklists.save_target(collaboration, joint.pk, item.pk) is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL")
def test_a_confirmation_made_while_the_save_waits_for_the_lock_is_withdrawn():
    """The save finds out whether anybody confirmed in a statement after the lock (not in the
    locking one, which reads from before it waited): a confirmation committed while the save waited
    is withdrawn and named."""
    from tests.guide_content import load_guides

    load_guides()
    collaboration, users = collaboration_with_people()
    checklists.ensure_default_sections(collaboration)
    cs = ChecklistSection.objects.get(collaboration=collaboration, section__slug="halland-agandeskap")
    item = Item.objects.filter(section=cs.section, kind="question").first()
    kommun = users["coordinator"].memberships.get().party
    checklists.save_answer(
        collaboration=collaboration,
        item=item,
        party=None,
        user=users["coordinator"],
        text="Start",
        status=None,
        base_version=0,
    )
    answer = Answer.objects.get(item=item, party=None)
    locked, result = threading.Event(), {}

    def confirm():  # what checklists.confirm_answer does, held open until the save waits
        try:
            with transaction.atomic():
                Answer.objects.select_for_update().get(pk=answer.pk)
                locked.set()
                with connection.cursor() as cursor:
                    for _ in range(100):
                        cursor.execute(
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND wait_event_type = 'Lock'"
                        )
                        if cursor.fetchone()[0]:
                            break
                        time.sleep(0.05)
                Confirmation.objects.create(answer=answer, party=kommun, version=1, confirmed_by=users["coordinator"])
        finally:
            connections.close_all()

    def change():
        try:
            locked.wait(10)
            result["save"] = checklists.save_answer(
                collaboration=collaboration,
                item=item,
                party=None,
                user=users["editor"],
                text="Ändrad",
                status=None,
                base_version=1,
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm), threading.Thread(target=change)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert result["save"].saved and result["save"].withdrawn == [kommun]
    answer.refresh_from_db()
    assert answer.version == 2 and not answer.confirmations.exists()


# The agreement page ------------------------------------------------------------------------------


@pytest.fixture
def agreement_setup(people, client):
    collaboration, users = people
    checklists.ensure_default_sections(collaboration)
    client.force_login(users["coordinator"])
    iop = CollaborationForm.objects.get(slug="iop")
    client.post(reverse("projects:agreement_start", args=[collaboration.pk]), {"form": iop.pk})
    return collaboration, users, Agreement.objects.get(collaboration=collaboration)


def test_the_agreement_page_reads_only_the_contacts_it_shows(client, agreement_setup, django_assert_num_queries):
    collaboration, users, agreement = agreement_setup
    url = reverse("projects:agreement", args=[collaboration.pk])
    with django_assert_num_queries(AGREEMENT_PAGE_QUERIES):
        page = client.get(url).content.decode()
    # The coordinator for the kommun; the förening has no coordinator, so its editor (not its reader).
    assert "<li>Exempelkommun: Anna Andersson</li>" in page and "<li>Föreningen Gemenskap: Bo Berg</li>" in page
    # Without a section that shows the contacts, they are not read at all.
    AgreementSection.objects.filter(agreement=agreement, key="iop-rubrik-kontaktpersoner").delete()
    with django_assert_num_queries(AGREEMENT_PAGE_QUERIES - 1):
        assert client.get(url).status_code == 200


def test_the_pages_contacts_are_the_snapshots(agreement_setup):
    collaboration, users, agreement = agreement_setup
    forening = users["editor"].memberships.get().party
    add_member(collaboration, party=forening, name="Adam Ek")  # two editors, in name order
    add_member(collaboration, role=Role.EDITOR, name="Berit Bok", party=users["coordinator"].memberships.get().party)
    empty = add_party(collaboration, "Studieförbundet", Sector.IDEELL_FORENING)  # nobody: no names
    parties = list(collaboration.parties.select_related("organisation"))
    expected = [{"party": p["name"], "names": p["contacts"]} for p in agreements.snapshot(agreement)["parties"]]
    assert agreements.contact_persons(parties) == expected
    assert {"party": "Exempelkommun", "names": ["Anna Andersson"]} in expected
    assert {"party": "Föreningen Gemenskap", "names": ["Adam Ek", "Bo Berg"]} in expected
    assert {"party": str(empty), "names": []} in expected
