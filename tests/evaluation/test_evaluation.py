"""The evaluation page and its PDF appendix: MUCF's evaluation questions with the answers, the
indicators against baseline and target, open risks and concerns, the decisions; empty states;
who sees which controls; escaped user text; query counts."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from guides.models import Item, Principle
from projects.agreements import services as agreements
from projects.checklists import services as checklists
from projects.checklists.models import ChecklistSection
from projects.common import pdf
from projects.core.models import Collaboration, Phase
from projects.evaluation import services as evaluation
from projects.goals.models import Goal
from tests.factories import (
    IndicatorFactory,
    LoggedDecisionFactory,
    MeasurementFactory,
    MeetingFactory,
    PrincipleConcernFactory,
    RiskFactory,
    decided_version,
)

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<img src="file:///etc/passwd"> <link rel="stylesheet" href="http://127.0.0.1:9/x.css"> '
    "<style>body{background:url(http://127.0.0.1:9/bg.png)}</style> <script>alert(1)</script>"
)


@pytest.fixture
def setup(people):
    collaboration, users = people
    checklists.ensure_default_sections(collaboration, users["coordinator"])
    return collaboration, users


def url(collaboration, name="projects:evaluation"):
    return reverse(name, args=[collaboration.pk])


def page(client, user, collaboration):
    client.force_login(user)
    response = client.get(url(collaboration))
    assert response.status_code == 200
    return response.content.decode()


def questions():
    return list(Item.objects.filter(section__slug="mucf-utvardera", kind="question").order_by("order"))


def indicator(collaboration, *, baseline="10", target="20", values=(), name="Besökare", unit="personer"):
    goal = Goal.objects.get_or_create(collaboration=collaboration, title="Fler unga")[0]
    ind = IndicatorFactory(
        goal=goal,
        name=name,
        unit=unit,
        baseline=Decimal(baseline),
        baseline_date=date(2026, 1, 1),
        target=Decimal(target),
        target_date=date(2027, 1, 1),
    )
    for index, value in enumerate(values):
        MeasurementFactory(indicator=ind, value=Decimal(value), measured_on=date(2026, 2, 1 + index))
    return ind


def result_for(collaboration, ind):
    return next(r for r in evaluation.indicator_results(collaboration) if r.indicator == ind)


# The questions -----------------------------------------------------------------------------------


def test_questions_show_the_answers_and_link_to_the_checklist(client, setup):
    collaboration, users = setup
    items = questions()
    assert len(items) == 6
    checklists.save_answer(
        collaboration=collaboration,
        item=items[0],
        party=None,
        user=users["editor"],
        text="Vi följer upp varje kvartal",
        status="agreed",
        base_version=0,
    )
    cs = ChecklistSection.objects.get(collaboration=collaboration, section__slug="mucf-utvardera")
    html = page(client, users["reader"], collaboration)
    for item in items:
        assert item.text in html
    assert "Vi följer upp varje kvartal" in html and "Överens" in html
    assert f"{reverse('projects:checklist_section', args=[collaboration.pk, cs.pk])}#q-{items[0].pk}" in html
    assert "1 av 6 frågor har svar." in html
    assert "Källa: MUCF, Utvärdera och omformulera." in html


def test_a_removed_section_can_be_added_back_by_a_coordinator(client, setup):
    collaboration, users = setup
    cs = ChecklistSection.objects.get(collaboration=collaboration, section__slug="mucf-utvardera")
    cs.active = False
    cs.save()
    html = page(client, users["coordinator"], collaboration)
    assert "Avsnittet är inte med bland era checklistor" in html
    assert f'action="{reverse("projects:checklist_add", args=[collaboration.pk])}"' in html
    assert f'name="section" value="{cs.section.pk}"' in html
    assert "Svara i checklistan" not in html
    # The form works: the existing view adds it back.
    client.post(reverse("projects:checklist_add", args=[collaboration.pk]), {"section": cs.section.pk})
    cs.refresh_from_db()
    assert cs.active
    html = page(client, users["editor"], collaboration)
    assert "Svara i checklistan" in html


def test_readers_and_editors_get_no_add_form(client, setup):
    collaboration, users = setup
    ChecklistSection.objects.filter(collaboration=collaboration, section__slug="mucf-utvardera").delete()
    html = page(client, users["editor"], collaboration)
    assert "En samordnare kan lägga till det." in html
    assert reverse("projects:checklist_add", args=[collaboration.pk]) not in html


# The indicators ----------------------------------------------------------------------------------


def test_progress_is_the_share_of_the_way_from_baseline_to_target(setup):
    collaboration, _users = setup
    ind = indicator(collaboration, values=["12", "15"])
    result = result_for(collaboration, ind)
    assert result.latest.value == Decimal("15") and result.count == 2
    assert result.change == Decimal("5") and result.progress == 50 and not result.reached


def test_progress_works_for_a_target_below_the_baseline(setup):
    collaboration, _users = setup
    ind = indicator(collaboration, baseline="100", target="60", values=["50"])
    result = result_for(collaboration, ind)
    assert result.change == Decimal("-50") and result.progress == 125 and result.reached


def test_a_value_going_the_wrong_way_is_negative(setup):
    collaboration, _users = setup
    result = result_for(collaboration, indicator(collaboration, values=["5"]))
    assert result.progress == -50 and not result.reached


def test_no_measurements_and_a_flat_target(client, setup):
    collaboration, users = setup
    empty = result_for(collaboration, indicator(collaboration, name="Utan mätning"))
    assert empty.latest is None and empty.change is None and empty.progress is None
    flat = result_for(collaboration, indicator(collaboration, baseline="7", target="7", values=["7"], name="Platt"))
    assert flat.flat_target and flat.progress is None and flat.reached
    html = page(client, users["reader"], collaboration)
    assert "Inga mätningar än" in html
    assert "Målvärdet är detsamma som nuläget" in html


def test_indicator_table_uses_swedish_decimals(client, setup):
    collaboration, users = setup
    indicator(collaboration, baseline="10.5", target="20", values=["12.25"])
    html = page(client, users["reader"], collaboration)
    assert "10,50 personer" in html or "10,5 personer" in html
    assert "12,25 personer" in html and "+1,75 personer" in html and "18 %" in html


# Risks, concerns, decisions --------------------------------------------------------------------


def test_open_risks_by_score_without_closed_ones(client, setup):
    collaboration, users = setup
    RiskFactory(collaboration=collaboration, title="Medel", probability=3, consequence=3)
    RiskFactory(collaboration=collaboration, title="Högst", probability=4, consequence=5, status="mitigating")
    RiskFactory(collaboration=collaboration, title="Stängd", probability=5, consequence=5, status="closed")
    assert [r.title for r in evaluation.open_risks(collaboration)] == ["Högst", "Medel"]
    html = page(client, users["reader"], collaboration)
    assert "Stängd" not in html and html.index("Högst") < html.index("Medel")
    assert "20" in html and "sannolikhet 4 × konsekvens 5" in html


def test_only_open_concerns(client, setup):
    collaboration, users = setup
    principle = Principle.objects.first()
    PrincipleConcernFactory(collaboration=collaboration, principle=principle, text="Gnisslar fortfarande")
    PrincipleConcernFactory(
        collaboration=collaboration, principle=principle, text="Redan löst", resolved_at=timezone.now()
    )
    html = page(client, users["reader"], collaboration)
    assert "Gnisslar fortfarande" in html and "Redan löst" not in html


def decided(collaboration, users):
    agreement = agreements.create_agreement(collaboration, user=users["coordinator"])
    return decided_version(agreement, body="Kommunstyrelsen", reference=lambda party: f"§ {party.pk}23")


def test_decisions_of_the_agreement_and_the_log(client, setup):
    collaboration, users = setup
    decided(collaboration, users)
    meeting = MeetingFactory(
        collaboration=collaboration,
        title="Styrgruppsmöte",
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    LoggedDecisionFactory(
        collaboration=collaboration, meeting=meeting, text="Vi anställer", decided_on=date(2026, 5, 1), decided_by="SG"
    )
    LoggedDecisionFactory(
        collaboration=collaboration, text="Snabbt beslut", decided_on=date(2026, 5, 2), decided_by="Anna", mandate="§ 4"
    )
    html = page(client, users["reader"], collaboration)
    assert "Kommunstyrelsen" in html and "2026-11-20" in html and "Godkänd" in html
    assert "Vi anställer" in html and "Styrgruppsmöte" in html
    assert "Snabbt beslut" in html and "Beslut med kort varsel (delegation)" in html and "Mandat: § 4" in html


def test_empty_states(client, setup):
    collaboration, users = setup
    html = page(client, users["reader"], collaboration)
    for text in (
        "Inget svar än.",
        "Inga indikatorer än.",
        "Inga öppna risker.",
        "Inga öppna problem med principerna.",
        "Ingen part har beslutat om överenskommelsen än.",
        "Beslutsloggen är tom.",
        "Överenskommelsen har ingen beslutad version än",
    ):
        assert text in html, text


# Controls per role ----------------------------------------------------------------------------------


def test_coordinators_get_the_new_period_link_when_it_is_time_and_the_export(client, setup):
    collaboration, users = setup
    Collaboration.objects.filter(pk=collaboration.pk).update(phase=Phase.BESLUT, end_date=None)
    html = page(client, users["coordinator"], collaboration)
    assert "Till nästa period" not in html  # not before the collaboration is followed up or ending
    Collaboration.objects.filter(pk=collaboration.pk).update(phase=Phase.UPPFOLJNING)
    html = page(client, users["coordinator"], collaboration)
    assert evaluation.new_period_url(collaboration) in html and "Till nästa period" in html
    assert "Ladda ner allt som fil (för att flytta)" in html and "JSON" not in html
    assert reverse("projects:collaboration_export", args=[collaboration.pk]) in html
    for role in ("editor", "reader"):
        html = page(client, users[role], collaboration)
        assert "Till nästa period" not in html
        assert reverse("projects:collaboration_export", args=[collaboration.pk]) not in html
        assert reverse("projects:evaluation_pdf", args=[collaboration.pk]) in html


def test_new_period_link_goes_to_the_phases_step(setup):
    collaboration, _users = setup
    link = evaluation.new_period_url(collaboration)
    assert link.startswith(reverse("projects:phases", args=[collaboration.pk]))


def test_user_text_is_escaped_on_the_page(client, setup):
    collaboration, users = setup
    checklists.save_answer(
        collaboration=collaboration,
        item=questions()[0],
        party=None,
        user=users["editor"],
        text=HOSTILE,
        status="discussed",
        base_version=0,
    )
    RiskFactory(collaboration=collaboration, title=HOSTILE[:200], probability=1, consequence=1)
    LoggedDecisionFactory(collaboration=collaboration, text=HOSTILE, decided_on=date.today(), decided_by="X")
    indicator(collaboration, name=HOSTILE[:300], unit="<b>st</b>", values=["11"])
    html = page(client, users["reader"], collaboration)
    assert "<script>alert(1)</script>" not in html and "<img src=" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_query_count_does_not_grow(client, setup, django_assert_max_num_queries):
    collaboration, users = setup
    client.force_login(users["reader"])
    for n in (3, 30):
        for i in range(n):
            indicator(collaboration, name=f"I{n}-{i}", values=["11", "12"])
            RiskFactory(collaboration=collaboration, title=f"R{n}-{i}", probability=2, consequence=2)
            PrincipleConcernFactory(collaboration=collaboration, principle=Principle.objects.first(), text="x")
            LoggedDecisionFactory(collaboration=collaboration, text="b", decided_on=date.today(), decided_by="X")
        with django_assert_max_num_queries(15):
            assert client.get(url(collaboration)).status_code == 200


# The appendix ----------------------------------------------------------------------------------


def text_of(data):
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_appendix_refers_to_the_decided_version(client, setup):
    collaboration, users = setup
    version = decided(collaboration, users)
    indicator(collaboration, values=["15"])
    RiskFactory(collaboration=collaboration, title="Ledare slutar", probability=4, consequence=5)
    client.force_login(users["reader"])
    response = client.get(url(collaboration, "projects:evaluation_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="bilaga-utvardering-motesplats-for-unga.pdf"' in response["Content-Disposition"]
    text = " ".join(text_of(response.content).split())
    assert "Bilaga: Utvärdering" in text
    assert f"version {version.number}" in text and version.short_hash in text
    assert "Ledare slutar" in text and "50 %" in text
    assert questions()[0].text in text


def test_appendix_says_when_there_is_no_decided_version(setup):
    collaboration, _users = setup
    agreements.create_agreement(collaboration, user=_users["coordinator"])
    text = text_of(evaluation.appendix_pdf(collaboration))
    assert "Det finns ingen beslutad version av överenskommelsen än." in text
    assert "Inga indikatorer." in text and "Beslutsloggen är tom." in text


def test_appendix_escapes_user_text_and_fetches_nothing(setup):
    collaboration, users = setup
    collaboration.title = HOSTILE[:200]
    collaboration.save()
    checklists.save_answer(
        collaboration=collaboration,
        item=questions()[0],
        party=None,
        user=users["editor"],
        text=HOSTILE,
        status="discussed",
        base_version=0,
    )
    RiskFactory(collaboration=collaboration, title=HOSTILE[:200], mitigation=HOSTILE, probability=1, consequence=1)
    LoggedDecisionFactory(collaboration=collaboration, text=HOSTILE, decided_on=date.today(), decided_by="X")
    html = evaluation.appendix_html(collaboration)
    assert "<img src=" not in html and "&lt;img src=" in html and "<script>alert" not in html
    fetcher = pdf.StaticOnlyFetcher()
    data = pdf.html_to_pdf(html, fetcher)
    assert fetcher.refused == []
    assert fetcher.served == [pdf.STATIC_BASE + "css/agreement-pdf.css", pdf.STATIC_BASE + "css/evaluation-pdf.css"]
    assert "file:///etc/passwd" in text_of(data)
