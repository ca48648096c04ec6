"""The legal screening: the warnings (table-driven), the saves and their events, the snapshot kept
with each version of the agreement, the pages without JavaScript and with HTMX, and who may write."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from guides.models import CollaborationForm
from projects.agreements import services as agreements
from projects.agreements.models import AgreementSection
from projects.core.models import Collaboration, Event, Role, Sector
from projects.screening import services as screening
from projects.screening.models import ScreeningAnswer, ScreeningRegistration
from tests.factories import add_member, add_party, join_organisation, make_user

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
IOP = {"slug": "iop", "name": "IOP"}
UPPDRAG = {"slug": "uppdrag-upphandling", "name": "Uppdrag/upphandling"}
RESERVED = {"slug": "reserverad-upphandling", "name": "Reserverad upphandling"}
GRANT = {"slug": "verksamhetsstod", "name": "Verksamhetsstöd"}


def url(name, collaboration, *args):
    return reverse(f"projects:{name}", args=[collaboration.pk, *args])


def a(answer, **more):
    return {"answer": answer, **more}


# The warnings: a pure function of the form, the answers and the registrations ------------------------

WARNING_TABLE = [
    # (form, answers, registrations, expected warning keys)
    (None, {}, [], []),
    (IOP, {}, [], []),
    (IOP, {"market": a("nej"), "procurement": a("nej")}, [], []),
    (IOP, {"market": a("ja")}, [], ["iop_market"]),
    (IOP, {"market": a("vet_inte")}, [], []),
    (IOP, {"procurement": a("ja")}, [], ["iop_procurement"]),
    (IOP, {"market": a("ja"), "procurement": a("ja")}, [], ["iop_market", "iop_procurement"]),
    (None, {"market": a("ja"), "procurement": a("ja")}, [], []),  # no form chosen: nothing to contradict
    (UPPDRAG, {"market": a("nej")}, [], ["procurement_no_market"]),
    (UPPDRAG, {"market": a("ja")}, [], []),
    (RESERVED, {"market": a("nej")}, [], ["procurement_no_market"]),
    (GRANT, {"procurement": a("ja")}, [], ["grant_procurement"]),
    (GRANT, {"market": a("ja")}, [], []),
    # Reserved procurement considered (answered yes, or the form chosen) and the party's registration.
    (IOP, {"reserved": a("ja")}, [{"name": "F", "status": "inte_registrerad"}], ["reserved_not_registered"]),
    (IOP, {"reserved": a("ja")}, [{"name": "F", "status": "inte_kontrollerad"}], ["reserved_not_checked"]),
    (IOP, {"reserved": a("ja")}, [{"name": "F", "status": "registrerad"}], []),
    (RESERVED, {}, [{"name": "F", "status": "inte_registrerad"}], ["reserved_not_registered"]),
    (IOP, {"reserved": a("nej")}, [{"name": "F", "status": "inte_registrerad"}], []),
    (
        IOP,
        {"reserved": a("ja")},
        [{"name": "F", "status": "registrerad"}, {"name": "G", "status": "inte_registrerad"}],
        ["reserved_not_registered"],
    ),
    # State aid: a ground is needed for "ja".
    (None, {"aid": a("ja")}, [], ["aid_no_ground"]),
    (None, {"aid": a("ja", ground="de_minimis")}, [], []),
    (None, {"aid": a("nej")}, [], []),
    (None, {"aid": a("vet_inte")}, [], []),
    # Competence.
    (None, {"competence": a("nej")}, [], ["no_competence"]),
    (None, {"competence": a("ja")}, [], []),
]


@pytest.mark.parametrize(("form", "answers", "registrations", "expected"), WARNING_TABLE)
def test_warnings(form, answers, registrations, expected):
    assert [w.key for w in screening.warnings(form, answers, registrations)] == expected


def test_a_warning_about_the_form_links_to_the_form_choice_and_names_the_party():
    found = screening.warnings(RESERVED, {"market": a("nej")}, [{"name": "Föreningen F", "status": "inte_registrerad"}])
    assert [w.about_form for w in found] == [True, False]
    assert "Föreningen F" in found[1].text
    assert "Reserverad upphandling" in found[0].text


def test_the_warnings_survive_odd_input():
    assert screening.warnings({}, None, None) == []
    assert screening.warnings(IOP, {"market": None}, [{"name": "F"}]) == []


# Saving -----------------------------------------------------------------------------------------


def test_save_answer_records_who_and_an_event_and_nothing_when_unchanged(people):
    collaboration, users = people
    anna = users["coordinator"]
    answer, changed = screening.save_answer(
        collaboration, "market", user=anna, answer="nej", reason="Ingen säljer det."
    )
    assert changed and answer.version == 1 and answer.updated_by == anna
    event = Event.objects.filter(collaboration=collaboration, kind="screening.answered").get()
    assert "Marknad: Nej" in event.detail
    _same, changed = screening.save_answer(
        collaboration, "market", user=anna, answer="nej", reason=" Ingen säljer det. ", base_version=1
    )
    assert not changed
    assert Event.objects.filter(kind="screening.answered").count() == 1
    answer, changed = screening.save_answer(
        collaboration, "market", user=anna, answer="ja", reason="Två företag.", base_version=1
    )
    assert changed and answer.version == 2


def test_a_save_on_an_old_version_is_a_conflict(people):
    collaboration, users = people
    screening.save_answer(collaboration, "market", user=users["coordinator"], answer="nej", reason="A")
    with pytest.raises(ValidationError) as raised:
        screening.save_answer(
            collaboration, "market", user=users["coordinator"], answer="ja", reason="B", base_version=0
        )
    assert raised.value.code == "conflict"
    assert ScreeningAnswer.objects.get().answer == "nej"


def test_a_ground_is_kept_only_for_aid_yes(people):
    collaboration, users = people
    anna = users["coordinator"]
    answer, _ = screening.save_answer(collaboration, "aid", user=anna, answer="nej", reason="R", ground="de_minimis")
    assert answer.ground == ""
    answer, _ = screening.save_answer(
        collaboration, "aid", user=anna, answer="ja", reason="R", ground="de_minimis", ground_other="x", base_version=1
    )
    assert (answer.ground, answer.ground_other) == ("de_minimis", "")
    answer, _ = screening.save_answer(
        collaboration,
        "aid",
        user=anna,
        answer="ja",
        reason="R",
        ground="other",
        ground_other="2012/21/EU",
        base_version=2,
    )
    assert (answer.ground, answer.ground_other) == ("other", "2012/21/EU")


def test_registration_only_for_a_civil_society_party_and_without_a_date_when_not_checked(people):
    collaboration, users = people
    anna = users["coordinator"]
    kommun = anna.memberships.get().party
    with pytest.raises(ValidationError):
        screening.save_registration(collaboration, kommun, user=anna, status="registrerad")
    forening = users["editor"].memberships.get().party
    registration, changed = screening.save_registration(
        collaboration, forening, user=anna, status="inte_kontrollerad", checked_on=timezone.localdate()
    )
    assert changed and registration.checked_on is None
    assert Event.objects.filter(kind="screening.registration").count() == 1


# The snapshot kept with each version -------------------------------------------------------------


def _complete(agreement):
    AgreementSection.objects.filter(agreement=agreement, required=True, text="", omitted_reason="").update(
        omitted_reason="Inte aktuellt."
    )


def _iop(collaboration):
    form = CollaborationForm.objects.current().get(slug="iop")
    Collaboration.objects.filter(pk=collaboration.pk).update(form=form)
    collaboration.refresh_from_db()
    return form


def test_snapshot_has_every_question_the_registrations_and_the_warnings(people):
    collaboration, users = people
    _iop(collaboration)
    screening.save_answer(
        collaboration, "market", user=users["coordinator"], answer="ja", reason="Två företag säljer det."
    )
    content = screening.screening_snapshot(collaboration)
    assert [q["key"] for q in content["questions"]] == ["competence", "market", "procurement", "reserved", "aid"]
    market = content["questions"][1]
    assert market["answer"] == "ja" and market["reason"] == "Två företag säljer det."
    assert market["changed_by"] == "Anna Andersson" and market["changed_at"]
    assert content["registrations"][0]["name"] == "Föreningen Gemenskap"
    assert content["registrations"][0]["status"] == "inte_kontrollerad"
    assert [w["key"] for w in content["warnings"]] == ["iop_market"]


def test_a_locked_version_keeps_its_screening_when_the_live_one_changes(people, client):
    collaboration, users = people
    _iop(collaboration)
    anna = users["coordinator"]
    screening.save_answer(collaboration, "market", user=anna, answer="nej", reason="Ingen säljer det.")
    agreement = agreements.create_agreement(collaboration, user=anna)
    _complete(agreement)
    version = agreements.freeze(agreement, user=anna)
    kept = version.content["screening"]
    assert kept["questions"][1]["answer"] == "nej"
    assert agreements.content_hash(version.content) == version.content_hash

    screening.save_answer(
        collaboration, "market", user=anna, answer="ja", reason="Nu säljer ett företag det.", base_version=1
    )
    version.refresh_from_db()
    assert version.content["screening"] == kept
    client.force_login(users["reader"])
    page = client.get(url("screening_version", collaboration, version.pk)).content.decode()
    assert "Ingen säljer det." in page and "Nu säljer ett företag det." not in page
    live = client.get(url("screening", collaboration)).content.decode()
    assert "Nu säljer ett företag det." in live
    assert "Version 1 av överenskommelsen är för beslut och bär svaren" in live
    assert reverse("projects:screening_version", args=[collaboration.pk, version.pk]) in live


def test_a_version_locked_before_the_screening_says_so(people, client):
    collaboration, users = people
    agreement = agreements.create_agreement(collaboration, user=users["coordinator"])
    _complete(agreement)
    version = agreements.freeze(agreement, user=users["coordinator"])
    content = dict(version.content)
    del content["screening"]
    type(version).objects.filter(pk=version.pk).update(content=content)
    client.force_login(users["reader"])
    response = client.get(url("screening_version", collaboration, version.pk))
    assert "låstes innan den rättsliga genomgången fanns" in response.content.decode()


def test_describe_shows_an_unknown_warning_as_stored():
    shown = screening.describe(
        {
            "questions": [{"key": "gone", "question": "En gammal fråga", "answer": "ja"}],
            "warnings": [{"key": "x", "text": "T"}],
        }
    )
    assert shown["questions"][0]["question"] == "En gammal fråga"
    assert shown["warnings"][0]["text"] == "T"
    assert screening.describe("nonsense") is None


def test_another_collaborations_version_is_not_found(people, client):
    collaboration, users = people
    other = make_user("Olle Annan")
    from tests.factories import make_collaboration

    elsewhere = make_collaboration(coordinator=other)
    agreement = agreements.create_agreement(elsewhere, user=other)
    _complete(agreement)
    version = agreements.freeze(agreement, user=other)
    client.force_login(users["coordinator"])
    assert client.get(url("screening_version", collaboration, version.pk)).status_code == 404


# The pages ----------------------------------------------------------------------------------------


def test_the_page_says_it_is_no_legal_advice_and_shows_the_questions(people, client):
    collaboration, users = people
    client.force_login(users["reader"])
    page = client.get(url("screening", collaboration)).content.decode()
    assert "ingen juridisk rådgivning" in page
    assert "kommunallagen (2017:725) 2 kap. 1 §" in page
    assert "19 kap. 25 a § LOU" in page
    assert "lagen (2022:900)" in page
    assert "Spara svaret" not in page  # a reader reads


def _answer(question="market", **fields):
    return {
        f"{question}-{k}": v for k, v in ({"answer": "ja", "reason": "Två företag.", "version": "0"} | fields).items()
    }


def test_no_js_save_redirects_with_a_message(people, client):
    collaboration, users = people
    client.force_login(users["coordinator"])
    response = client.post(url("screening_answer", collaboration, "market"), _answer(), follow=True)
    assert response.redirect_chain[-1][0].endswith("#q-market")
    assert "Svaret är sparat." in response.content.decode()
    assert ScreeningAnswer.objects.get().reason == "Två företag."


def test_no_js_invalid_keeps_the_input_and_says_what_to_do(people, client):
    collaboration, users = people
    client.force_login(users["coordinator"])
    response = client.post(url("screening_answer", collaboration, "aid"), _answer("aid", reason="", ground="other"))
    assert response.status_code == 422
    body = response.content.decode()
    assert "error-summary" in body
    assert "Skriv en motivering" in body and "Skriv vilken grund" in body
    assert not ScreeningAnswer.objects.exists()


def test_htmx_save_answers_the_card_and_the_warnings(people, client):
    collaboration, users = people
    _iop(collaboration)
    client.force_login(users["coordinator"])
    response = client.post(url("screening_answer", collaboration, "market"), _answer(), **HX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="q-market"' in body and "Svaret är sparat." in body
    assert 'id="screening-warnings" hx-swap-oob="true"' in body
    assert "Ett IOP förutsätter att ingen annan säljer" in body
    assert "<html" not in body


def test_htmx_invalid_is_422_with_the_card(people, client):
    collaboration, users = people
    client.force_login(users["coordinator"])
    response = client.post(
        url("screening_answer", collaboration, "market"), _answer(answer="kanske", reason="Mitt svar"), **HX
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="q-market"' in body and "Mitt svar" in body and "<html" not in body


def test_a_conflict_keeps_the_text_and_lets_the_second_save_through(people, client):
    collaboration, users = people
    screening.save_answer(collaboration, "market", user=users["coordinator"], answer="nej", reason="Först")
    client.force_login(users["coordinator"])
    response = client.post(url("screening_answer", collaboration, "market"), _answer(reason="Mitt"), **HX)
    assert response.status_code == 422
    body = response.content.decode()
    assert "ändrade det här medan du skrev" in body and "Mitt" in body
    assert 'name="market-version" value="1"' in body
    response = client.post(url("screening_answer", collaboration, "market"), _answer(reason="Mitt", version="1"), **HX)
    assert response.status_code == 200
    assert ScreeningAnswer.objects.get().reason == "Mitt"


def test_an_unknown_question_is_not_found(people, client):
    collaboration, users = people
    client.force_login(users["coordinator"])
    assert client.post(url("screening_answer", collaboration, "nonsense"), {}).status_code == 404


def test_registration_dates_are_checked(people, client):
    collaboration, users = people
    forening = users["editor"].memberships.get().party
    client.force_login(users["editor"])
    prefix = f"party-{forening.pk}"
    target = url("screening_registration", collaboration, forening.pk)
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    for checked_on, message in [
        ("", "Skriv vilken dag"),
        (tomorrow, "senare än i dag"),
        ("2022-05-01", "sedan 1 januari 2023"),
        ("3/12", "år-månad-dag"),
    ]:
        response = client.post(target, {f"{prefix}-status": "registrerad", f"{prefix}-checked_on": checked_on}, **HX)
        assert response.status_code == 422, checked_on
        assert message in response.content.decode(), checked_on
    response = client.post(
        target,
        {f"{prefix}-status": "registrerad", f"{prefix}-checked_on": "2025-01-15", f"{prefix}-version": "0"},
        follow=True,
    )
    assert "Registreringen för Föreningen Gemenskap är sparad." in response.content.decode()
    assert ScreeningRegistration.objects.get().checked_on.isoformat() == "2025-01-15"


# Who may write -------------------------------------------------------------------------------------


def test_a_public_partys_editor_answers_a_civil_society_editor_does_not(people, client):
    collaboration, users = people
    kommun = users["coordinator"].memberships.get().party
    kommun_editor = add_member(collaboration, role=Role.EDITOR, party=kommun, name="Kim Kommun").user
    client.force_login(kommun_editor)
    assert client.post(url("screening_answer", collaboration, "market"), _answer()).status_code == 302
    client.force_login(users["editor"])
    assert client.post(url("screening_answer", collaboration, "market"), _answer(version="1")).status_code == 403
    page = client.get(url("screening", collaboration)).content.decode()
    assert "Spara svaret" not in page and "Spara registreringen" in page


def test_a_civil_society_editor_records_only_their_own_partys_registration(people, client):
    collaboration, users = people
    other = add_party(collaboration, name="Stiftelsen Annan", sector=Sector.STIFTELSE)
    client.force_login(users["editor"])
    prefix = f"party-{other.pk}"
    data = {f"{prefix}-status": "registrerad", f"{prefix}-checked_on": "2025-01-15"}
    assert client.post(url("screening_registration", collaboration, other.pk), data).status_code == 403
    assert not ScreeningRegistration.objects.exists()
    kommun = users["coordinator"].memberships.get().party
    client.force_login(users["coordinator"])
    assert client.post(url("screening_registration", collaboration, kommun.pk), {}).status_code == 404


def test_a_reader_writes_nothing(people, client):
    collaboration, users = people
    forening = users["editor"].memberships.get().party
    client.force_login(users["reader"])
    assert client.post(url("screening_answer", collaboration, "market"), _answer()).status_code == 403
    assert client.post(url("screening_registration", collaboration, forening.pk), {}).status_code == 403


# The agreement page -------------------------------------------------------------------------------


def test_the_agreement_draft_shows_the_summary_and_a_locked_one_links_its_screening(people, client):
    collaboration, users = people
    _iop(collaboration)
    anna = users["coordinator"]
    screening.save_answer(collaboration, "market", user=anna, answer="ja", reason="Två företag.")
    agreement = agreements.create_agreement(collaboration, user=anna)
    client.force_login(users["reader"])
    page = client.get(url("agreement", collaboration)).content.decode()
    assert "1 av 5 frågor besvarade." in page
    assert "Ett IOP förutsätter att ingen annan säljer" in page
    assert url("screening", collaboration) in page
    _complete(agreement)
    version = agreements.freeze(agreement, user=anna)
    page = client.get(url("agreement", collaboration)).content.decode()
    assert "frågor besvarade" not in page
    assert url("screening_version", collaboration, version.pk) in page


def test_the_form_choice_page_links_the_screening(people, client):
    collaboration, users = people
    client.force_login(users["reader"])
    assert url("screening", collaboration) in client.get(url("form_choice", collaboration)).content.decode()


def test_two_first_saves_at_once_give_a_conflict_not_an_error(people, monkeypatch):
    """The second of two first saves finds no row under the lock but meets the unique constraint."""
    collaboration, users = people
    screening.save_answer(collaboration, "market", user=users["coordinator"], answer="nej", reason="A")
    real = ScreeningAnswer.objects.select_for_update

    class Nothing:
        def select_related(self, *args):
            return self

        def filter(self, **kwargs):
            return self

        def first(self):
            return None

    monkeypatch.setattr(ScreeningAnswer.objects, "select_for_update", lambda **kwargs: Nothing())
    with pytest.raises(ValidationError) as raised:
        screening.save_answer(collaboration, "market", user=users["coordinator"], answer="ja", reason="B")
    assert raised.value.code == "conflict"
    monkeypatch.setattr(ScreeningAnswer.objects, "select_for_update", real)
    assert ScreeningAnswer.objects.get().answer == "nej"


def test_the_collaboration_file_carries_the_screening(people):
    import json

    from projects.transfer import services as transfer

    collaboration, users = people
    anna = users["coordinator"]
    forening = users["editor"].memberships.get().party
    screening.save_answer(collaboration, "aid", user=anna, answer="ja", reason="R", ground="other", ground_other="GBER")
    screening.save_registration(
        collaboration, forening, user=users["editor"], status="registrerad", checked_on=timezone.localdate(), note="N"
    )
    kommun = anna.memberships.get().party.organisation
    kommun.org_number = "212000-1355"
    kommun.save()
    join_organisation(anna, kommun)
    document = transfer.export_collaboration(collaboration)
    assert [(a["question"], a["ground_other"]) for a in document["screening_answers"]] == [("aid", "GBER")]
    assert document["screening_registrations"][0]["status"] == "registrerad"
    result = transfer.import_collaboration(json.dumps(document).encode(), user=anna)
    again = transfer.export_collaboration(result.collaboration)
    assert again["screening_answers"] == document["screening_answers"]
    assert [r["status"] for r in again["screening_registrations"]] == ["registrerad"]
    imported = ScreeningRegistration.objects.get(collaboration=result.collaboration)
    assert imported.party.collaboration_id == result.collaboration.pk
