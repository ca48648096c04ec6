"""What waits for a person: "Väntar på dig", across all their collaborations or in one, and the
collaboration's next step through the loop (prepare → choose the form → write → decide → follow up).

Everything is derived from the state when it is asked for, so it is never stale: there is nothing to
mark done. Who may do what is the policy's answer (``policy.roles_for`` for a query, the named
permissions' rules for one object). The number of statements does not grow with the number of
collaborations (bench/notices.py measures 1 against 50; tests/todo/ counts them).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guides.models import Section
from projects.agreements import permissions as agreement_perms
from projects.agreements.models import Agreement, AgreementVersion, Decision
from projects.checklists import permissions as checklist_perms
from projects.checklists import queries as checklist_queries
from projects.checklists.models import Answer, AnswerStatus, ChecklistSection, Confirmation
from projects.checklists.services import answering_parties
from projects.core import permissions as core_perms
from projects.core.models import PUBLIC_SECTORS, Collaboration, Invitation, Membership, Party
from projects.core.permissions import policy
from projects.goals import permissions as goal_perms
from projects.goals import queries as goal_queries
from projects.goals.models import Goal, GoalAcceptance
from projects.meetings.models import MeetingParticipant
from projects.organisations.queries import waiting_for as organisations_waiting
from projects.phases import permissions as phase_perms
from projects.principles import permissions as principle_perms
from projects.principles.models import PrincipleConcern
from projects.reports import queries as report_queries
from projects.stakeholders import permissions as risk_perms
from projects.stakeholders.models import Risk

RENEWAL_DAYS = 90  # a period that ends within this many days is to be renegotiated or renewed
SOON_DAYS = 7  # a review or a deadline this close is "due"
PER_COLLABORATION = 5  # the dashboard shows this many per collaboration, and links to the rest
SECTIONS_ONE_BY_ONE = 2  # more sections than this with open questions and no due date: one item, to the list


@dataclass
class Item:
    """One thing that waits: what to do, where (the exact page), by when, and for whom."""

    text: str
    url: str
    collaboration: Collaboration | None = None
    due: date | None = None
    for_party: bool = False  # waits for the person's party (anyone of it may do it), not only for them
    organisation: object = None  # for an organisation's requests: the organisation instead

    @property
    def overdue(self):
        return self.due is not None and self.due < timezone.localdate()

    @property
    def sort_key(self):
        return (self.due or date.max, self.collaboration.title if self.collaboration else "", self.text)


@dataclass
class Waiting:
    items: list = field(default_factory=list)
    organisation_items: list = field(default_factory=list)

    def __len__(self):
        return len(self.items) + len(self.organisation_items)

    def __bool__(self):
        return bool(len(self))

    def by_collaboration(self, shown=PER_COLLABORATION):
        """[(collaboration, [the first ``shown`` items], how many more)] in the order of their earliest
        item (the dashboard: the overview of each collaboration lists them all)."""
        groups = {}
        for item in self.items:
            groups.setdefault(item.collaboration.pk, (item.collaboration, []))[1].append(item)
        ordered = sorted(groups.values(), key=lambda group: group[1][0].sort_key)
        return [(collaboration, items[:shown], len(items) - len(items[:shown])) for collaboration, items in ordered]


def _url(name, collaboration, *args, anchor=""):
    return reverse(f"projects:{name}", args=[collaboration.pk, *args]) + (f"#{anchor}" if anchor else "")


def waiting_for(user, collaboration=None, today=None):
    """Everything that waits for ``user`` (in ``collaboration`` only, when given)."""
    today = today or timezone.localdate()
    memberships = Membership.objects.filter(user=user, collaboration__archived=False).select_related(
        "collaboration", "party__organisation"
    )
    if collaboration is not None:
        memberships = memberships.filter(collaboration=collaboration)
    memberships = {m.collaboration_id: m for m in memberships}
    result = Waiting()
    if memberships:
        for collect in (
            _decisions,
            _minutes,
            _answers_to_confirm,
            _party_questions,
            _sections_due,
            _goals_to_accept,
            _measurements_due,
            _risks_due,
            _reports_to_submit,
            _reports_to_review,
            _concerns,
            _invitations,
            _periods_ending,
        ):
            result.items += collect(user, memberships, today)
        result.items.sort(key=lambda item: item.sort_key)
    if collaboration is None:
        result.organisation_items = _organisation_requests(user)
    return result


# Deciding --------------------------------------------------------------------------------------


def _decisions(user, memberships, today):
    """A version frozen for decision that the person's party has not decided on."""
    versions = (
        AgreementVersion.objects.filter(
            agreement__collaboration_id__in=memberships,
            status=AgreementVersion.Status.FOR_DECISION,
            agreement__state=Agreement.State.FOR_DECISION,
        )
        .annotate(
            decided=Exists(
                Decision.objects.filter(
                    version=OuterRef("pk"),
                    party__memberships__user=user,
                    party__memberships__collaboration=OuterRef("agreement__collaboration"),
                )
            )
        )
        .filter(decided=False)
        .select_related("agreement")
    )
    versions = list(versions)
    if not versions:
        return []
    parties = {memberships[v.agreement.collaboration_id].party_id for v in versions}
    party_members = {}
    people = Membership.objects.filter(party_id__in=parties, role__in=policy.roles_for(agreement_perms.RECORD_DECISION))
    for member in people.select_related("user").order_by("user__full_name", "pk"):
        party_members.setdefault(member.party_id, []).append(member)
    items = []
    for version in versions:
        membership = memberships[version.agreement.collaboration_id]
        collaboration = membership.collaboration
        recorders = agreement_perms.recorders_among(party_members.get(membership.party_id, []))
        if membership.pk in {m.pk for m in recorders}:
            text = _("Registrera din parts beslut om överenskommelsen, version %(n)d") % {"n": version.number}
            for_party = False
        else:
            text = _("Din part ska besluta om överenskommelsen, version %(n)d (registreras av %(names)s)") % {
                "n": version.number,
                "names": ", ".join(m.user.get_full_name() for m in recorders) or "–",
            }
            for_party = True
        items.append(
            Item(text, _url("agreement", collaboration, anchor="decision"), collaboration, version.decide_by, for_party)
        )
    return items


def _minutes(user, memberships, today):
    """Minutes the person took part in that have text, are not locked and not approved by them as they
    read now."""
    rows = (
        MeetingParticipant.objects.filter(
            user=user,
            meeting__collaboration_id__in=memberships,
            meeting__minutes_locked_at__isnull=True,
        )
        .exclude(meeting__minutes="")
        .filter(Q(approved_minutes_at__isnull=True) | ~Q(approved_version=F("meeting__minutes_version")))
        .select_related("meeting")
    )
    return [
        Item(
            _("Justera protokollet från %(meeting)s") % {"meeting": row.meeting.title},
            _url("meeting_detail", memberships[row.meeting.collaboration_id].collaboration, row.meeting_id),
            memberships[row.meeting.collaboration_id].collaboration,
            row.meeting.minutes_due,
        )
        for row in rows
    ]


# The checklists --------------------------------------------------------------------------------


def _writing(memberships, perm):
    """The person's memberships in which they may do ``perm`` (at all: the role level)."""
    return {pk: m for pk, m in memberships.items() if policy.membership_has_permission(m, perm)}


def _answers_to_confirm(user, memberships, today):
    """Joint answers another party wrote or changed that the person's party has not confirmed as they
    read now (and that are not yet agreed), counted per checklist section."""
    confirming = _writing(memberships, checklist_perms.CONFIRM_ANSWER)
    if not confirming:
        return []
    my_party = Membership.objects.filter(collaboration=OuterRef("collaboration"), user=user).values("party")[:1]
    rows = (
        Answer.objects.filter(
            collaboration_id__in=confirming,
            party__isnull=True,
            status__in=[AnswerStatus.DISCUSSED, AnswerStatus.NOT_STARTED],
            item__retired=False,
            updated_by__isnull=False,
        )
        .exclude(text="")
        .annotate(my_party=Subquery(my_party))
        .exclude(
            Exists(
                Membership.objects.filter(
                    collaboration=OuterRef("collaboration"), user=OuterRef("updated_by"), party=OuterRef("my_party")
                )
            )
        )
        .exclude(
            Exists(
                Confirmation.objects.filter(
                    answer=OuterRef("pk"), party=OuterRef("my_party"), version=OuterRef("version")
                )
            )
        )
        .filter(
            Exists(
                ChecklistSection.objects.filter(
                    collaboration=OuterRef("collaboration"), section=OuterRef("item__section"), active=True
                )
            )
        )
        .values("collaboration_id", "item__section_id")
        .annotate(n=Count("pk"))
    )
    rows = list(rows)
    sections = _checklist_sections({(r["collaboration_id"], r["item__section_id"]) for r in rows})
    items = []
    for row in rows:
        cs = sections.get((row["collaboration_id"], row["item__section_id"]))
        if cs is None:
            continue
        collaboration = memberships[row["collaboration_id"]].collaboration
        items.append(
            Item(
                ngettext(
                    "%(n)d gemensamt svar i %(section)s väntar på att din part bekräftar det",
                    "%(n)d gemensamma svar i %(section)s väntar på att din part bekräftar dem",
                    row["n"],
                )
                % {"n": row["n"], "section": cs.section.title},
                _url("checklist_section", collaboration, cs.pk),
                collaboration,
                cs.due_date,
                for_party=True,
            )
        )
    return items


def _checklist_sections(pairs):
    """{(collaboration id, guide section id): checklist section} for these pairs, with the guide
    section's title (the guide sections read once, not once per collaboration)."""
    if not pairs:
        return {}
    rows = ChecklistSection.objects.filter(
        collaboration_id__in={c for c, _s in pairs}, section_id__in={s for _c, s in pairs}, active=True
    ).only("pk", "collaboration_id", "section_id", "due_date", "answer_mode")
    found = {(cs.collaboration_id, cs.section_id): cs for cs in rows if (cs.collaboration_id, cs.section_id) in pairs}
    _attach_guide_sections(found.values())
    return found


def _attach_guide_sections(checklist_sections):
    """Set each checklist section's guide section from one read of the distinct ones (a collaboration's
    sections are the same few guide sections as every other's)."""
    checklist_sections = list(checklist_sections)
    guide = Section.objects.only("pk", "title", "audience").in_bulk({cs.section_id for cs in checklist_sections})
    for cs in checklist_sections:
        cs.section = guide[cs.section_id]
    return checklist_sections


def _party_questions(user, memberships, today):
    """Questions of a section each party answers for itself that the person's party has not answered,
    while the agreement is not decided: the checklists prepare it, and once every party has decided
    on it they no longer wait for anyone."""
    writing = _writing(memberships, checklist_perms.EDIT_ANSWER)
    if writing:
        decided = Agreement.objects.filter(collaboration_id__in=writing, state=Agreement.State.DECIDED)
        for collaboration_id in decided.values_list("collaboration_id", flat=True):
            writing.pop(collaboration_id, None)
    if not writing:
        return []
    # Plain rows, not model instances: a person in many collaborations has some twenty of these in each.
    sections = _attach_guide_sections(
        SimpleNamespace(pk=pk, collaboration_id=collaboration_id, section_id=section_id, due_date=due_date)
        for pk, collaboration_id, section_id, due_date in ChecklistSection.objects.filter(
            collaboration_id__in=writing, active=True, answer_mode="per_party"
        )
        .order_by("pk")
        .values_list("pk", "collaboration_id", "section_id", "due_date")
    )
    if not sections:
        return []
    parties = {}
    for pk, collaboration_id, sector in Party.objects.filter(
        collaboration_id__in={cs.collaboration_id for cs in sections}
    ).values_list("pk", "collaboration_id", "organisation__sector"):
        party = SimpleNamespace(pk=pk, organisation=SimpleNamespace(is_public=sector in PUBLIC_SECTORS))
        parties.setdefault(collaboration_id, []).append(party)
    mine = [
        cs
        for cs in sections
        if writing[cs.collaboration_id].party_id
        in {p.pk for p in answering_parties(cs, parties.get(cs.collaboration_id, []))}
    ]
    if not mine:
        return []
    questions = checklist_queries.question_counts({cs.section_id for cs in mine})
    done = checklist_queries.done_counts(
        {cs.collaboration_id for cs in mine},
        {cs.section_id for cs in mine},
        party_ids={writing[cs.collaboration_id].party_id for cs in mine},
    )
    open_sections = {}  # collaboration → [(section, questions left)]
    for cs in mine:
        membership = writing[cs.collaboration_id]
        left = questions.get(cs.section_id, 0) - done.get((cs.collaboration_id, membership.party_id, cs.section_id), 0)
        if left > 0:
            open_sections.setdefault(cs.collaboration_id, []).append((cs, left))
    items = []
    for collaboration_id, rows in open_sections.items():
        membership = writing[collaboration_id]
        party = membership.party.organisation.name
        undated = [(cs, left) for cs, left in rows if cs.due_date is None]
        # Sections with a date one by one; without one, one item for the lot when there are several.
        one_by_one = [row for row in rows if row[0].due_date is not None]
        if len(undated) > SECTIONS_ONE_BY_ONE:
            left = sum(n for _cs, n in undated)
            text = ngettext(
                "Svara på %(n)d fråga för %(party)s i checklistorna",
                "Svara på %(n)d frågor för %(party)s i %(sections)d avsnitt av checklistorna",
                left,
            ) % {"n": left, "party": party, "sections": len(undated)}
            items.append(
                Item(text, _url("checklists", membership.collaboration), membership.collaboration, for_party=True)
            )
        else:
            one_by_one += undated
        for cs, left in one_by_one:
            text = ngettext(
                "Svara på %(n)d fråga för %(party)s i %(section)s",
                "Svara på %(n)d frågor för %(party)s i %(section)s",
                left,
            ) % {"n": left, "party": party, "section": cs.section.title}
            url = _url("checklist_section", membership.collaboration, cs.pk)
            items.append(Item(text, url, membership.collaboration, cs.due_date, for_party=True))
    return items


def _sections_due(user, memberships, today):
    """A jointly answered section with a due date and questions still open."""
    writing = _writing(memberships, checklist_perms.EDIT_ANSWER)
    if not writing:
        return []
    sections = _attach_guide_sections(
        ChecklistSection.objects.filter(
            collaboration_id__in=writing, active=True, answer_mode="joint", due_date__isnull=False
        ).only("pk", "collaboration_id", "section_id", "due_date", "answer_mode")
    )
    if not sections:
        return []
    questions = checklist_queries.question_counts({cs.section_id for cs in sections})
    done = checklist_queries.done_counts({cs.collaboration_id for cs in sections}, {cs.section_id for cs in sections})
    items = []
    for cs in sections:
        left = questions.get(cs.section_id, 0) - done.get((cs.collaboration_id, None, cs.section_id), 0)
        if left > 0:
            collaboration = writing[cs.collaboration_id].collaboration
            items.append(
                Item(
                    ngettext(
                        "Kom överens om %(n)d fråga i %(section)s",
                        "Kom överens om %(n)d frågor i %(section)s",
                        left,
                    )
                    % {"n": left, "section": cs.section.title},
                    _url("checklist_section", collaboration, cs.pk),
                    collaboration,
                    cs.due_date,
                    for_party=True,
                )
            )
    return items


# Following up ----------------------------------------------------------------------------------


def _goals_to_accept(user, memberships, today):
    accepting = _writing(memberships, goal_perms.ACCEPT)
    if not accepting:
        return []
    my_party = Membership.objects.filter(collaboration=OuterRef("collaboration"), user=user).values("party")[:1]
    goals = (
        Goal.objects.filter(collaboration_id__in=accepting)
        .annotate(my_party=Subquery(my_party))
        .exclude(Exists(GoalAcceptance.objects.filter(goal=OuterRef("pk"), party=OuterRef("my_party"))))
    )
    return _counted(
        goals,
        accepting,
        "goals",
        lambda n, membership: (
            ngettext(
                "%(n)d mål väntar på att %(party)s accepterar det",
                "%(n)d mål väntar på att %(party)s accepterar dem",
                n,
            )
            % {"n": n, "party": membership.party.organisation.name}
        ),
        for_party=True,
    )


def _counted(rows, memberships, url_name, text, **fields):
    """One item per collaboration for the ``rows`` (a queryset with ``collaboration_id``) counted in
    it: ``text(count, membership)``, linked to the collaboration's page ``url_name``."""
    counts = rows.order_by().values("collaboration_id").annotate(n=Count("pk"))
    return [
        Item(
            text(row["n"], memberships[row["collaboration_id"]]),
            _url(url_name, memberships[row["collaboration_id"]].collaboration),
            memberships[row["collaboration_id"]].collaboration,
            **fields,
        )
        for row in counts
    ]


def _measurements_due(user, memberships, today):
    """A goal whose round of measurements (measure_by) is not done: an indicator has no measurement
    recorded since the round was asked for."""
    writing = _writing(memberships, goal_perms.RECORD_MEASUREMENT)
    if not writing:
        return []
    goals = goal_queries.with_measurement_round(Goal.objects.filter(collaboration_id__in=writing)).filter(
        measurements_done=False
    )
    return [
        Item(
            _("Registrera mätvärden för målet %(goal)s") % {"goal": goal.title},
            _url("goals", writing[goal.collaboration_id].collaboration, anchor=f"goal-title-{goal.pk}"),
            writing[goal.collaboration_id].collaboration,
            goal.measure_by,
            for_party=True,
        )
        for goal in goals
    ]


def _risks_due(user, memberships, today):
    """Risks to follow up within a week (or overdue): the owning party's, or every writer's when the
    risk has no owner."""
    writing = _writing(memberships, risk_perms.EDIT_RISKS)
    if not writing:
        return []
    risks = Risk.objects.filter(
        collaboration_id__in=writing, review_date__lte=today + timedelta(days=SOON_DAYS)
    ).exclude(status=Risk.Status.CLOSED)
    items = []
    for risk in risks:
        membership = writing[risk.collaboration_id]
        if risk.owner_id is not None and risk.owner_id != membership.party_id:
            continue
        items.append(
            Item(
                _("Följ upp risken %(risk)s") % {"risk": risk.title},
                _url("risks", membership.collaboration, anchor=f"risk-{risk.pk}"),
                membership.collaboration,
                risk.review_date,
                for_party=True,
            )
        )
    return items


def _reports_to_submit(user, memberships, today):
    """A year's report waiting for the reporting (civil-society) party: due within
    report_queries.TODO_DAYS, overdue, or sent back."""
    mine = {
        m.collaboration_id: m
        for ms in report_queries.reporters(memberships, user).values()
        for m in ms
        if m.user_id == user.pk
    }
    if not mine:
        return []
    items = []
    for report in report_queries.waiting_reports(mine, today).order_by("due_date"):
        membership = mine[report.collaboration_id]
        text = (
            _("Årsrapport %(year)s är skickad tillbaka: se kommentaren och lämna in igen")
            if report.sent_back_at
            else _("Lämna in årsrapport %(year)s")
        ) % {"year": report.year}
        items.append(
            Item(
                text,
                _url("report_detail", membership.collaboration, report.year),
                membership.collaboration,
                report.due_date,
                for_party=True,
            )
        )
    return items


def _reports_to_review(user, memberships, today):
    """A submitted report for the public party to review, or a reviewed one to approve."""
    mine = {
        m.collaboration_id: m
        for ms in report_queries.reviewers(memberships, user).values()
        for m in ms
        if m.user_id == user.pk
    }
    if not mine:
        return []
    items = []
    for report in report_queries.reports_to_review(mine):
        membership = mine[report.collaboration_id]
        text = (
            _("Granska årsrapport %(year)s") if report.status == "submitted" else _("Godkänn årsrapport %(year)s")
        ) % {"year": report.year}
        items.append(
            Item(
                text,
                _url("report_detail", membership.collaboration, report.year),
                membership.collaboration,
                for_party=True,
            )
        )
    return items


# Coordinating ----------------------------------------------------------------------------------


def _concerns(user, memberships, today):
    resolving = _writing(memberships, principle_perms.RESOLVE_CONCERN)
    if not resolving:
        return []
    concerns = PrincipleConcern.objects.filter(collaboration_id__in=resolving, resolved_at__isnull=True)
    return _counted(
        concerns,
        resolving,
        "principles",
        lambda n, _membership: (
            ngettext(
                "%(n)d synpunkt på principerna väntar på att lösas",
                "%(n)d synpunkter på principerna väntar på att lösas",
                n,
            )
            % {"n": n}
        ),
    )


def _invitations(user, memberships, today):
    inviting = _writing(memberships, core_perms.INVITE)
    if not inviting:
        return []
    return _counted(
        Invitation.objects.pending().filter(collaboration_id__in=inviting),
        inviting,
        "people",
        lambda n, _membership: (
            ngettext(
                "%(n)d inbjudan är inte besvarad: skicka den igen eller återkalla den",
                "%(n)d inbjudningar är inte besvarade: skicka dem igen eller återkalla dem",
                n,
            )
            % {"n": n}
        ),
    )


def _periods_ending(user, memberships, today):
    renewing = _writing(memberships, phase_perms.START_PERIOD)
    items = []
    for membership in renewing.values():
        end = membership.collaboration.end_date
        if end is None or end > today + timedelta(days=RENEWAL_DAYS):
            continue
        text = (
            _("Perioden har gått ut: omförhandla överenskommelsen eller starta en ny period")
            if end < today
            else _("Perioden slutar snart: omförhandla överenskommelsen eller starta en ny period")
        )
        items.append(Item(text, _url("period_start", membership.collaboration), membership.collaboration, end))
    return items


def _organisation_requests(user):
    items = []
    for organisation in organisations_waiting(user):
        if organisation.party_requests:
            items.append(
                Item(
                    ngettext(
                        "%(n)d förfrågan om att %(org)s ska vara part väntar på svar",
                        "%(n)d förfrågningar om att %(org)s ska vara part väntar på svar",
                        organisation.party_requests,
                    )
                    % {"n": organisation.party_requests, "org": organisation.name},
                    reverse("projects:organisation_detail", args=[organisation.pk]),
                    organisation=organisation,
                    for_party=True,
                )
            )
        if organisation.is_admin and organisation.open_join_requests:
            items.append(
                Item(
                    ngettext(
                        "%(n)d person vill gå med i %(org)s",
                        "%(n)d personer vill gå med i %(org)s",
                        organisation.open_join_requests,
                    )
                    % {"n": organisation.open_join_requests, "org": organisation.name},
                    reverse("projects:org_members", args=[organisation.pk]),
                    organisation=organisation,
                )
            )
    return items


# The next step ---------------------------------------------------------------------------------

STAGES = ("prepare", "choose", "write", "decide", "follow_up")


@dataclass
class NextStep:
    stage: str
    text: str
    url: str
    stages: list  # [(key, label, state)], state: "done", "current" or "todo"


def _stage_labels():
    return {
        "prepare": _("Förbered"),
        "choose": _("Välj form"),
        "write": _("Skriv"),
        "decide": _("Besluta"),
        "follow_up": _("Följ upp"),
    }


def next_step(collaboration, membership, today=None):
    """Where the collaboration stands in the loop and the one thing to do next (for this person's
    role: a reader is told what the others are doing)."""
    today = today or timezone.localdate()
    stage, text, url = _where(collaboration, membership, today)
    labels = _stage_labels()
    current = STAGES.index(stage)
    stages = [
        (key, labels[key], "done" if i < current else "current" if i == current else "todo")
        for i, key in enumerate(STAGES)
    ]
    return NextStep(stage, text, url, stages)


def _where(collaboration, membership, today):
    may = lambda perm: policy.user_has_permission(membership.user, perm, collaboration)  # noqa: E731
    agreement = (
        Agreement.objects.filter(collaboration=collaboration, period=collaboration.period)
        .prefetch_related("versions__decisions")
        .first()
    )
    if agreement is not None and agreement.state == Agreement.State.DECIDED:
        end = collaboration.end_date
        if end is not None and end <= today + timedelta(days=RENEWAL_DAYS) and may(phase_perms.START_PERIOD):
            return (
                "follow_up",
                _("Perioden slutar snart. Omförhandla överenskommelsen eller starta en ny period."),
                _url("period_start", collaboration),
            )
        return (
            "follow_up",
            _("Överenskommelsen är beslutad. Följ upp målen, riskerna och mötena."),
            _url("goals", collaboration),
        )
    if agreement is not None and agreement.state == Agreement.State.FOR_DECISION:
        version = next((v for v in agreement.versions.all() if v.status == AgreementVersion.Status.FOR_DECISION), None)
        parties = collaboration.parties.count()
        decided = len(version.decisions.all()) if version else 0
        return (
            "decide",
            _("Parterna beslutar om version %(n)d: %(done)d av %(total)d har beslutat.")
            % {
                "n": version.number if version else 0,
                "done": decided,
                "total": parties,
            },
            _url("agreement", collaboration, anchor="decision"),
        )
    if agreement is not None:
        if may(agreement_perms.MANAGE):
            return (
                "write",
                _("Skriv överenskommelsen tillsammans och lås en version för beslut när den är klar."),
                _url("agreement", collaboration),
            )
        return "write", _("Skriv överenskommelsen tillsammans."), _url("agreement", collaboration)
    parties = collaboration.parties.count()
    if parties < 2 and may(core_perms.MANAGE_PARTIES):
        return "prepare", _("Lägg till de andra parterna i samverkan."), _url("parties", collaboration)
    if (
        may(core_perms.INVITE)
        and Membership.objects.filter(collaboration=collaboration).values("party").distinct().count() < parties
        and not Invitation.objects.pending().filter(collaboration=collaboration).exists()
    ):
        return "prepare", _("Bjud in personerna från varje part."), _url("invitation_create", collaboration)
    if collaboration.form_id is None:
        open_questions = _open_joint_questions(collaboration)
        if open_questions:
            return (
                "prepare",
                ngettext(
                    "Gå igenom checklistorna tillsammans: %(n)d fråga är öppen.",
                    "Gå igenom checklistorna tillsammans: %(n)d frågor är öppna.",
                    open_questions,
                )
                % {"n": open_questions},
                _url("checklists", collaboration),
            )
        return "choose", _("Välj samverkansform utifrån era svar."), _url("form_choice", collaboration)
    if may(agreement_perms.MANAGE):
        return "write", _("Påbörja överenskommelsen."), _url("agreement", collaboration)
    return "write", _("Samordnaren påbörjar överenskommelsen."), _url("agreement", collaboration)


def _open_joint_questions(collaboration):
    sections = ChecklistSection.objects.filter(collaboration=collaboration, active=True)
    section_ids = list(sections.values_list("section_id", flat=True))
    if not section_ids:
        return 0
    total = sum(checklist_queries.question_counts(section_ids).values())
    done = checklist_queries.done_counts([collaboration.pk], section_ids)
    return max(total - sum(n for (_c, party, _s), n in done.items() if party is None), 0)
