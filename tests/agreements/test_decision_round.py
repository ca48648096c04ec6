"""The decision round: who records a party's decision (the rule of agreements.record_decision and the
query decision_recorders, which agree), the decision form after the agreement's text and only for
those who may record, and the round's last day ("Beslut senast")."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.agreements import services as agreements
from projects.agreements.forms import DecideByForm
from projects.agreements.models import DECIDE_BY_CHANGED, Agreement, Decision
from projects.agreements.permissions import RECORD_DECISION
from projects.agreements.queries import decision_recorders
from projects.agreements.services import AgreementError
from projects.checklists import services as checklists
from projects.core.models import Event, Membership, Role
from projects.core.permissions import policy
from tests.core.reader import events_page
from tests.factories import add_member, add_party

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(people):
    """Exempelkommun: Anna (coordinator), Erik (editor). Föreningen Gemenskap: Bo (editor), Cecilia
    (reader). Stiftelsen Tre: Tove (editor), Tor (reader)."""
    collaboration, users = people
    kommun = users["coordinator"].memberships.get().party
    erik = add_member(collaboration, role=Role.EDITOR, party=kommun, name="Erik Ek").user
    tre = add_party(collaboration, name="Stiftelsen Tre")
    tove = add_member(collaboration, role=Role.EDITOR, party=tre, name="Tove Tall").user
    tor = add_member(collaboration, role=Role.READER, party=tre, name="Tor Tå").user
    users = users | {"erik": erik, "tove": tove, "tor": tor}
    return collaboration, users


def party_of(user):
    return user.memberships.get().party


def mark(user, value=True):
    Membership.objects.filter(user=user).update(records_decisions=value)


def may_record(users, collaboration, party):
    return sorted(
        name for name, user in users.items() if policy.user_has_permission(user, RECORD_DECISION, collaboration, party)
    )


# -- the rule ------------------------------------------------------------------------------------------


def test_while_nobody_is_marked_the_partys_coordinators_record(world):
    collaboration, users = world
    kommun = party_of(users["coordinator"])
    assert may_record(users, collaboration, kommun) == ["coordinator"]  # not Erik, an editor of the party


def test_a_marked_member_records_and_an_unmarked_coordinator_no_longer_does(world):
    collaboration, users = world
    kommun = party_of(users["coordinator"])
    mark(users["erik"])
    assert may_record(users, collaboration, kommun) == ["erik"]
    mark(users["erik"], False)
    assert may_record(users, collaboration, kommun) == ["coordinator"]  # the default again


def test_where_the_party_has_no_coordinator_its_editors_record(world):
    collaboration, users = world
    gemenskap = party_of(users["editor"])
    assert may_record(users, collaboration, gemenskap) == ["editor"]  # Bo; never Cecilia, a reader
    bo = users["editor"].memberships.get()
    bo.role = Role.COORDINATOR
    bo.save()
    add_member(collaboration, role=Role.EDITOR, party=gemenskap, name="Ulla Ung")
    assert may_record(users, collaboration, gemenskap) == ["editor"]  # now as its coordinator


def test_another_party_never_records_even_marked(world):
    collaboration, users = world
    gemenskap = party_of(users["editor"])
    mark(users["coordinator"])
    mark(users["erik"])
    assert "coordinator" not in may_record(users, collaboration, gemenskap)
    assert "erik" not in may_record(users, collaboration, gemenskap)


def test_a_marked_reader_does_not_record_and_does_not_shut_out_the_default(world):
    collaboration, users = world
    tre = party_of(users["tove"])
    mark(users["tor"])  # e.g. marked, then made a reader
    assert may_record(users, collaboration, tre) == ["tove"]


# -- the query agrees with the rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "marked",
    [(), ("erik",), ("coordinator", "erik"), ("tor",), ("tove", "editor"), ("reader",)],
)
def test_the_query_names_exactly_those_the_permission_allows(world, marked):
    collaboration, users = world
    for name in marked:
        mark(users[name])
    recorders = decision_recorders(collaboration)
    assert set(recorders) == set(collaboration.parties.values_list("pk", flat=True))
    for party in collaboration.parties.all():
        named = sorted(name for name, user in users.items() if user.pk in {m.user_id for m in recorders[party.pk]})
        assert named == may_record(users, collaboration, party), party


def test_the_query_is_two_queries_however_many_people(world, django_assert_num_queries):
    collaboration, users = world
    for n in range(10):
        add_member(collaboration, role=Role.EDITOR, party=add_party(collaboration, name=f"Förening {n}"), name=f"P {n}")
    with django_assert_num_queries(2):
        recorders = decision_recorders(collaboration)
        names = [m.user.get_full_name() for people in recorders.values() for m in people]  # users selected
    assert "Anna Andersson" in names and len(recorders) == 13


# -- the decision form after the text, only for those who may record ---------------------------------------


def written_draft(collaboration, users):
    """An agreement started by Anna, every section written: ready to be locked for decision."""
    checklists.ensure_default_sections(collaboration)
    agreement = agreements.create_agreement(collaboration, user=users["coordinator"])
    agreement.sections.update(text="Texten i avsnittet.")
    return agreement


@pytest.fixture
def frozen(world):
    collaboration, users = world
    agreement = written_draft(collaboration, users)
    version = agreements.freeze(agreement, user=users["coordinator"])
    return collaboration, users, agreement, version


def url(name, collaboration):
    return reverse(f"projects:{name}", args=[collaboration.pk])


DECISION = {"approved": "yes", "body": "Styrelsen", "decided_on": "2026-11-18", "reference": "Protokoll § 7"}


def test_the_decision_form_comes_after_the_agreements_text(client, frozen):
    collaboration, users, agreement, _version = frozen
    client.force_login(users["coordinator"])
    page = client.get(url("agreement", collaboration)).content.decode()
    form = page.index('id="decide-heading"')
    last_section = page.rindex('id="sec-')
    assert last_section < form
    assert page.index(url("agreement_decide", collaboration)) > last_section
    assert "Registrera beslutet för Exempelkommun om version 1" in page


def test_others_see_no_form_but_whose_decision_is_awaited_and_who_records_it(client, frozen):
    collaboration, users, _agreement, _version = frozen
    client.force_login(users["erik"])  # an editor of Exempelkommun, whose coordinator records
    page = client.get(url("agreement", collaboration)).content.decode()
    assert 'id="decide-heading"' not in page and url("agreement_decide", collaboration) not in page
    assert "Beslutet för Exempelkommun registreras av Anna Andersson." in page
    assert "Registreras av Bo Berg." in page  # Föreningen Gemenskap's, awaited
    client.force_login(users["reader"])
    page = client.get(url("agreement", collaboration)).content.decode()
    assert 'id="decide-heading"' not in page and "Registreras av Bo Berg." in page


def test_one_who_may_not_record_is_refused(client, frozen):
    collaboration, users, _agreement, _version = frozen
    client.force_login(users["erik"])
    assert client.post(url("agreement_decide", collaboration), DECISION).status_code == 403
    mark(users["erik"])
    client.post(url("agreement_decide", collaboration), DECISION)
    decision = Decision.objects.get()
    assert (decision.party, decision.recorded_by) == (party_of(users["erik"]), users["erik"])
    client.force_login(users["coordinator"])  # marked someone else: Anna no longer records
    page = client.get(url("agreement", collaboration)).content.decode()
    assert 'id="decide-heading"' not in page


# -- the decision round's last day -----------------------------------------------------------------------


def test_the_last_day_is_given_when_freezing_and_shown(client, world):
    collaboration, users = world
    agreement = written_draft(collaboration, users)
    client.force_login(users["coordinator"])
    day = timezone.localdate() + timedelta(days=14)
    client.post(url("agreement_freeze", collaboration), {"agreement": agreement.pk, "decide_by": day.isoformat()})
    version = agreement.versions.get()
    assert version.decide_by == day
    page = client.get(url("agreement", collaboration)).content.decode()
    shown = f"Beslut senast {day.day} {['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'][day.month - 1]} {day.year}"  # noqa: E501
    assert page.count(shown) >= 2  # the notice and the decision round
    assert f"beslut senast {shown.removeprefix('Beslut senast ')}" in page  # the versions and decisions list


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-02-30", "Skriv ett datum som finns"),
        ("i morgon", "Skriv ett datum som finns"),
        ((timezone.localdate() - timedelta(days=1)).isoformat(), "har redan varit"),
        ("2190-01-01", "för långt fram"),
    ],
)
def test_a_wrong_last_day_is_refused_with_the_text_kept(client, world, typed, message):
    collaboration, users = world
    agreement = written_draft(collaboration, users)
    client.force_login(users["coordinator"])
    response = client.post(url("agreement_freeze", collaboration), {"agreement": agreement.pk, "decide_by": typed})
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    assert f'value="{typed}"' in page  # what was typed, in its field
    assert 'id="error-summary"' in page
    agreement.refresh_from_db()
    assert agreement.state == Agreement.State.DRAFT and not agreement.versions.exists()


def test_the_last_day_is_changed_while_for_decision(client, frozen):
    collaboration, users, _agreement, version = frozen
    client.force_login(users["coordinator"])
    day = timezone.localdate() + timedelta(days=30)
    client.post(url("agreement_decide_by", collaboration), {"decide_by": day.isoformat()})
    version.refresh_from_db()
    assert version.decide_by == day
    assert Event.objects.filter(kind=DECIDE_BY_CHANGED, detail=f"v1: {day.isoformat()}").exists()
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    response = client.post(url("agreement_decide_by", collaboration), {"decide_by": past})
    assert response.status_code == 400 and "har redan varit" in response.content.decode()
    assert f'value="{past}"' in response.content.decode()
    version.refresh_from_db()
    assert version.decide_by == day
    client.post(url("agreement_decide_by", collaboration), {"decide_by": ""})  # removed
    version.refresh_from_db()
    assert version.decide_by is None


def test_only_coordinators_change_the_last_day_and_only_while_for_decision(client, frozen):
    collaboration, users, agreement, version = frozen
    client.force_login(users["editor"])
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    assert client.post(url("agreement_decide_by", collaboration), {"decide_by": day}).status_code == 403
    agreements.new_draft(agreement, user=users["coordinator"])
    with pytest.raises(AgreementError):
        agreements.set_decide_by(version, user=users["coordinator"], decide_by=timezone.localdate())
    client.force_login(users["coordinator"])
    client.post(url("agreement_decide_by", collaboration), {"decide_by": day})
    version.refresh_from_db()
    assert version.decide_by is None


def test_a_day_already_set_may_stay_after_it_has_passed():
    passed = timezone.localdate() - timedelta(days=2)
    assert DecideByForm({"decide_by": passed.isoformat()}, current=passed).is_valid()
    assert not DecideByForm({"decide_by": passed.isoformat()}).is_valid()
    assert DecideByForm({"decide_by": timezone.localdate().isoformat()}).is_valid()  # today is fine


# -- the decision form's errors: a summary at the top, what to write beside each field, nothing lost ----------


def test_an_empty_decision_says_what_to_write_in_each_field_and_keeps_what_was_typed(client, frozen):
    collaboration, users, _agreement, _version = frozen
    client.force_login(users["coordinator"])
    response = client.post(url("agreement_decide", collaboration), {"body": "Kommunstyrelsen", "comment": "Klart."})
    page = response.content.decode()
    assert response.status_code == 400 and not Decision.objects.exists()
    assert "Detta fält måste fyllas i" not in page
    messages = {
        "id_approved_0": "Välj om parten godkände eller avslog överenskommelsen.",
        "id_decided_on": "Skriv datumet för beslutet, till exempel 2026-11-20.",
        "id_reference": "Skriv var beslutet finns, till exempel paragrafen i protokollet: ”KS 2026/123 § 45”.",
    }
    summary = page.index('id="error-summary"')
    form = page.index('id="decide-heading"')
    assert summary < page.index('id="sec-') < form  # the summary at the top, the form after the text
    for field, message in messages.items():
        assert page.count(message) == 2, message  # in the summary and beside the field
        link = page.index(f'href="#{field}"')
        assert summary < link < form  # the summary links to the field
        assert f'id="{field}"' in page[form:] and message in page[form:]  # and beside the field, in the form
    # What was typed stays in its field.
    assert 'value="Kommunstyrelsen"' in page[form:] and ">\nKlart.</textarea>" in page[form:]
    # The refused post lands on the summary.
    assert f'action="{url("agreement_decide", collaboration)}#error-summary"' in page


def test_a_rejection_without_a_reason_asks_for_it_beside_the_comment(client, frozen):
    collaboration, users, _agreement, _version = frozen
    client.force_login(users["coordinator"])
    data = DECISION | {"approved": "no"}
    page = client.post(url("agreement_decide", collaboration), data).content.decode()
    message = "Skriv skälet till avslaget, så att skrivgruppen vet vad som ska ändras."
    assert page.count(message) == 2 and 'href="#id_comment"' in page
    assert 'value="Protokoll § 7"' in page and 'value="2026-11-18"' in page


# -- actions that match the state, and plain words ---------------------------------------------------------


def _without_technical_details(page):
    """The page without its "Tekniska uppgifter" disclosures, and those disclosures."""
    pattern = re.compile(r"<details[^>]*>\s*<summary>Tekniska uppgifter</summary>.*?</details>", re.S)
    return pattern.sub("", page), pattern.findall(page)


@pytest.mark.parametrize("decided", [False, True])
def test_a_locked_agreement_offers_the_locked_pdf_and_no_writing_group_form(client, frozen, decided):
    collaboration, users, agreement, version = frozen
    writers = url("agreement_writers", collaboration)
    client.force_login(users["coordinator"])
    if decided:
        for user in (users["coordinator"], users["editor"], users["tove"]):
            agreements.record_decision(
                version, party=party_of(user), user=user, approved=True, body="Styrelsen",
                decided_on=timezone.localdate(), reference="§ 1",
            )  # fmt: skip
        agreement.refresh_from_db()
        assert agreement.state == Agreement.State.DECIDED
    page = client.get(url("agreement", collaboration)).content.decode()
    assert "Ladda ner utkastet som PDF" not in page
    assert f'href="{url("agreement_pdf", collaboration)}?version=1">Ladda ner som PDF' in page
    assert writers not in page and 'name="writers"' not in page  # the writing group, read only
    assert 'id="writers-heading"' in page and "Texten är låst." in page
    assert "Lås versionen för beslut" not in page


def test_while_drafting_the_coordinator_has_the_writing_group_form_and_the_draft_pdf(client, world):
    collaboration, users = world
    written_draft(collaboration, users)
    client.force_login(users["coordinator"])
    page = client.get(url("agreement", collaboration)).content.decode()
    assert url("agreement_writers", collaboration) in page and "Ladda ner utkastet som PDF" in page
    assert "Lås versionen för beslut" in page
    client.force_login(users["editor"])  # others see who writes, without a form
    page = client.get(url("agreement", collaboration)).content.decode()
    assert 'id="writers-heading"' in page and url("agreement_writers", collaboration) not in page
    assert "alla redaktörer och samordnare skriver" in page


def test_the_page_says_locked_not_frozen_and_keeps_the_hash_under_technical_details(client, frozen):
    collaboration, users, _agreement, version = frozen
    client.force_login(users["coordinator"])
    for name in ("agreement", "agreement_print"):
        page = client.get(url(name, collaboration)).content.decode()
        rest, details = _without_technical_details(page)
        assert "fryst" not in page.lower() and "frys " not in page.lower(), name
        assert version.short_hash not in rest and "kontrollsumma" not in rest.lower(), name
        assert len(details) == 1 and version.content_hash in details[0], name
        assert "låst för beslut" in page.lower(), name
    page = client.get(url("agreement_redraft", collaboration)).content.decode()
    assert "fryst" not in page.lower() and "låst för beslut" in page


# -- the events in the reader's language ----------------------------------------------------------


def test_the_decision_round_events_are_shown_to_an_english_reader_in_english(client, frozen):
    """Recorded in Swedish (its Swedish text kept for the searches), stored as msgids and parameters,
    and shown in English to an English reader of the activity list."""
    from django.utils import translation

    collaboration, users, _agreement, version = frozen
    with translation.override("en"):  # recorded by an English reader: stored in Swedish all the same
        agreements.set_decide_by(version, user=users["coordinator"], decide_by=timezone.localdate())
        agreements.set_decide_by(version, user=users["coordinator"], decide_by=None)
        agreements.record_decision(
            version,
            party=party_of(users["coordinator"]),
            user=users["coordinator"],
            approved=True,
            body="Kommunstyrelsen",
            decided_on=timezone.localdate(),
            reference="KS 2026/12",
        )
    decision = Event.objects.get(kind=Event.Kind.AGREEMENT_DECISION)
    assert decision.detail == "v1: godkänd (KS 2026/12)"
    assert decision.texts["detail"] == {
        "msgid": "v%(n)s: %(decision)s (%(reference)s)",
        "params": {"n": 1, "decision": {"msgid": "godkänd"}, "reference": "KS 2026/12"},
    }
    assert Event.objects.filter(kind=DECIDE_BY_CHANGED).latest("pk").detail == "v1: ingen sista dag"
    client.force_login(users["coordinator"])
    page = events_page(client, collaboration, "en")
    assert "v1: approved (KS 2026/12)" in page and "v1: no deadline" in page
    assert "godkänd" not in page and "ingen sista dag" not in page
    page = events_page(client, collaboration, "sv")
    assert "v1: godkänd (KS 2026/12)" in page and "v1: ingen sista dag" in page
