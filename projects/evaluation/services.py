"""The evaluation view and its PDF appendix ("Bilaga: Utvärdering").

It gathers, read-only, what the parties need when they evaluate together: MUCF's questions for the
phase "Utvärdera och omformulera" with the collaboration's answers from the checklists, the
indicators' results against baseline and target, the open risks, the open principle concerns, and
the decisions (the agreement's, and the decision log's). A whole collaboration as JSON out and back
in is in projects.transfer.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Prefetch
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from guides.models import Item, Section
from projects.agreements.models import Agreement, AgreementVersion, Decision
from projects.checklists.models import Answer, AnswerStatus, ChecklistSection
from projects.common import pdf
from projects.goals.models import Indicator, Measurement
from projects.meetings.models import LoggedDecision
from projects.principles.models import PrincipleConcern
from projects.reports import queries as report_queries
from projects.stakeholders.models import Risk

# MUCF's phase "Utvärdera och omformulera": its "Frågor att diskutera" are the evaluation questions.
EVALUATION_SECTION = "mucf-utvardera"


# The questions ---------------------------------------------------------------------------------


@dataclass
class QuestionRow:
    item: Item
    answers: list = field(default_factory=list)  # [Answer] with text or a status, joint answer first


@dataclass
class Questions:
    section: Section | None
    checklist_section: ChecklistSection | None  # None: the section is not among the checklists
    rows: list

    @property
    def active(self):
        return self.checklist_section is not None and self.checklist_section.active

    @property
    def answered(self):
        return sum(1 for row in self.rows if row.answers)


def evaluation_questions(collaboration):
    section = Section.objects.filter(slug=EVALUATION_SECTION).select_related("guide").first()
    if section is None:
        return Questions(section=None, checklist_section=None, rows=[])
    items = list(section.items.current().filter(kind=Item.Kind.QUESTION).order_by("order", "pk"))
    checklist_section = ChecklistSection.objects.filter(collaboration=collaboration, section=section).first()
    by_item = {}
    answers = (
        Answer.objects.filter(collaboration=collaboration, item__in=items)
        .select_related("party__organisation")
        .order_by(F("party").asc(nulls_first=True), "party__organisation__name")
    )
    for answer in answers:
        if answer.text.strip() or answer.status != AnswerStatus.NOT_STARTED:
            by_item.setdefault(answer.item_id, []).append(answer)
    rows = [QuestionRow(item=item, answers=by_item.get(item.pk, [])) for item in items]
    return Questions(section=section, checklist_section=checklist_section, rows=rows)


# The indicators ---------------------------------------------------------------------------------


@dataclass
class IndicatorResult:
    indicator: Indicator
    latest: Measurement | None
    count: int  # measurements

    @property
    def change(self):
        """The latest value minus the baseline (None without measurements)."""
        return None if self.latest is None else self.latest.value - self.indicator.baseline

    @property
    def flat_target(self):
        """The target is the baseline: there is no way to go, so no share of it."""
        return self.indicator.target == self.indicator.baseline

    @property
    def progress(self):
        """How far of the way from baseline to target the latest value is, in whole per cent
        (negative when it went the other way, above 100 beyond the target); None without
        measurements or when the target is the baseline."""
        if self.latest is None or self.flat_target:
            return None
        span = self.indicator.target - self.indicator.baseline
        share = (self.latest.value - self.indicator.baseline) / span * 100
        return int(share.quantize(Decimal("1")))

    @property
    def reached(self):
        if self.latest is None:
            return False
        baseline, target, value = self.indicator.baseline, self.indicator.target, self.latest.value
        return value >= target if target >= baseline else value <= target


def indicator_results(collaboration):
    measurements = Prefetch(
        "measurements", queryset=Measurement.objects.order_by("measured_on", "pk"), to_attr="ordered_measurements"
    )
    indicators = (
        Indicator.objects.filter(goal__collaboration=collaboration)
        .select_related("goal")
        .prefetch_related(measurements)
        .order_by("goal__order", "goal__pk", "order", "pk")
    )
    results = []
    for indicator in indicators:
        values = indicator.ordered_measurements
        results.append(IndicatorResult(indicator=indicator, latest=values[-1] if values else None, count=len(values)))
    return results


# Risks, concerns, decisions ----------------------------------------------------------------------


def open_risks(collaboration):
    """Risks that are not closed, the highest score (probability × consequence) first."""
    return list(
        Risk.objects.filter(collaboration=collaboration)
        .exclude(status=Risk.Status.CLOSED)
        .select_related("owner__organisation")
        .annotate(risk_score=F("probability") * F("consequence"))
        .order_by("-risk_score", "-probability", "title", "pk")
    )


def open_concerns(collaboration):
    return list(
        PrincipleConcern.objects.filter(collaboration=collaboration, resolved_at__isnull=True)
        .select_related("principle", "party__organisation", "raised_by")
        .order_by("created_at", "pk")
    )


def agreement_decisions(collaboration):
    """Every party's decision on every frozen version of the agreement(s), newest first."""
    return list(
        Decision.objects.filter(version__agreement__collaboration=collaboration)
        .select_related("version__agreement", "party__organisation")
        .order_by("-decided_on", "-recorded_at", "-pk")
    )


def logged_decisions(collaboration):
    return list(
        LoggedDecision.objects.filter(collaboration=collaboration)
        .select_related("meeting")
        .order_by("-decided_on", "-pk")
    )


def decided_version(collaboration):
    """The agreement's current decided version (of the latest period's agreement), or None."""
    agreement = Agreement.objects.filter(collaboration=collaboration).order_by("-period").first()
    if agreement is None:
        return None
    return (
        AgreementVersion.objects.filter(agreement=agreement, status=AgreementVersion.Status.DECIDED)
        .select_related("agreement")
        .defer("pdf")
        .order_by("-number")
        .first()
    )


def new_period_url(collaboration):
    """Where a coordinator starts the next period (the phases page's step, projects.phases)."""
    for name in ("projects:period_new", "projects:period_start"):
        try:
            return reverse(name, args=[collaboration.pk])
        except NoReverseMatch:
            continue
    return reverse("projects:phases", args=[collaboration.pk])


def evaluation_context(collaboration):
    return {
        "questions": evaluation_questions(collaboration),
        "indicators": indicator_results(collaboration),
        "risks": open_risks(collaboration),
        "concerns": open_concerns(collaboration),
        "agreement_decisions": agreement_decisions(collaboration),
        "logged_decisions": logged_decisions(collaboration),
        "year_reports": report_queries.year_summaries(collaboration),
    }


# The appendix ----------------------------------------------------------------------------------


def appendix_html(collaboration, *, static_base=pdf.STATIC_BASE):
    return render_to_string(
        "projects/evaluation/evaluation_pdf.html",
        evaluation_context(collaboration)
        | {
            "collaboration": collaboration,
            "version": decided_version(collaboration),
            "static_base": static_base,
            "generated_at": timezone.now(),
        },
    )


def appendix_pdf(collaboration):
    return pdf.html_to_pdf(appendix_html(collaboration))


def overview_context(collaboration):
    """What the collaboration overview shows of this part."""
    return {}
