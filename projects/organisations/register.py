"""The organisation's register of collaborations: every collaboration the organisation is a party
in (accepted, or waiting for its answer), with the state of the agreement, the decided version and
the organisation's own decision and record number, and when the period ends. Reads only.

The rows are ``Party`` rows of the organisation, one per collaboration, built in one query whatever
their number: the collaboration and its form by ``select_related``, everything else (the current
agreement, its decided version, this party's decision on it and record number, whether the viewer is
a member of the collaboration, how the end of the period stands) as annotations and subqueries.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from guides.models import CollaborationForm
from projects.agreements.models import Agreement, AgreementVersion, Decision, PartyRecord
from projects.common.csv_export import safe_text
from projects.core.models import Party, PartyStatus
from projects.core.permissions import policy as collaboration_policy

PAGE_SIZE = 20
RENEGOTIATE_DAYS = 90  # a period that ends within this many days is to be renegotiated
NO_FORM = "ingen"  # the form filter's value for "no form chosen"
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


class Status(models.TextChoices):
    """The status filter."""

    ALL = "alla", _("Alla")
    ONGOING = "pagaende", _("Pågående")
    PENDING = "vantar", _("Väntar på ert svar")
    ARCHIVED = "arkiverade", _("Arkiverade")


class Ending(models.TextChoices):
    """How the end of the period stands (``row.ending``; empty when neither)."""

    SOON = "soon", _("Ska omförhandlas")
    PASSED = "passed", _("Har gått ut")


AGREEMENT_STATES = {
    None: _("Ingen överenskommelse"),
    Agreement.State.DRAFT: _("Utkast"),
    Agreement.State.FOR_DECISION: _("Låst för beslut"),
    Agreement.State.DECIDED: _("Beslutad"),
}


def agreement_state_label(state):
    return AGREEMENT_STATES.get(state, AGREEMENT_STATES[None])


@dataclass(frozen=True)
class Filters:
    query: str = ""
    status: str = Status.ALL
    form: str = ""  # a CollaborationForm slug, NO_FORM, or "" for every form
    ending_soon: bool = False

    @classmethod
    def parse(cls, *, query=None, status=None, form=None, ending_soon=None):
        """Filters from the values of the query string (anything unknown means "no filter")."""
        query = " ".join((query or "").replace("\x00", "").split())[:100]
        status = status if status in Status.values else Status.ALL
        form = form if form and _SLUG.fullmatch(form) else ""
        return cls(query=query, status=status, form=form, ending_soon=ending_soon in ("1", "on", "ja"))

    @property
    def is_filtered(self):
        return self != Filters()

    @property
    def querystring(self):
        """The filters for a link (page links, the spreadsheet), without the ones not used."""
        params = {"q": self.query, "form": self.form, "slutar": "1" if self.ending_soon else ""}
        if self.status != Status.ALL:
            params["status"] = self.status
        return urlencode({key: value for key, value in params.items() if value})


def _current_agreement(collaboration_ref):
    """The collaboration's agreement of the latest period (as the agreement page shows it)."""
    return Agreement.objects.filter(collaboration=collaboration_ref).order_by("-period", "-pk")


def _versions_for_decision(agreement_ref):
    return AgreementVersion.objects.filter(
        agreement=agreement_ref, status=AgreementVersion.Status.FOR_DECISION
    ).order_by("-number")


def _decided_versions(agreement_ref):
    return AgreementVersion.objects.filter(agreement=agreement_ref, status=AgreementVersion.Status.DECIDED).order_by(
        "-number"
    )


def rows(organisation, user, filters=Filters(), *, today=None):
    """The register's rows (``Party`` of ``organisation`` with ``collaboration`` and its form), each
    annotated with ``agreement_pk``, ``agreement_state``, ``decide_by`` (the last day of a decision
    round under way), ``decided_pk``, ``decided_number``,
    ``decision_body``, ``decision_on``, ``decision_reference``, ``record_number``,
    ``viewer_is_member`` and ``ending`` (an ``Ending`` value or "")."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=RENEGOTIATE_DAYS)
    agreement = _current_agreement(OuterRef("collaboration_id"))
    decided = _decided_versions(OuterRef("agreement_pk"))
    decision = Decision.objects.filter(version=OuterRef("decided_pk"), party=OuterRef("pk")).order_by("-recorded_at")
    record = PartyRecord.objects.filter(agreement=OuterRef("agreement_pk"), party=OuterRef("pk"))
    visible = collaboration_policy.collaborations_for(user).filter(pk=OuterRef("collaboration_id"))
    end = "collaboration__end_date"
    queryset = (
        Party.objects.filter(organisation=organisation)
        .select_related("collaboration__form")
        .annotate(
            agreement_pk=Subquery(agreement.values("pk")[:1]),
            agreement_state=Subquery(agreement.values("state")[:1]),
        )
        .annotate(
            decided_pk=Subquery(decided.values("pk")[:1]),
            decided_number=Subquery(decided.values("number")[:1]),
            decide_by=Subquery(_versions_for_decision(OuterRef("agreement_pk")).values("decide_by")[:1]),
            record_number=Subquery(record.values("record_number")[:1]),
        )
        .annotate(
            decision_body=Subquery(decision.values("body")[:1]),
            decision_on=Subquery(decision.values("decided_on")[:1]),
            decision_reference=Subquery(decision.values("reference")[:1]),
            viewer_is_member=Exists(visible),
            ending=Case(
                When(**{f"{end}__lt": today}, then=Value(Ending.PASSED)),
                When(**{f"{end}__lte": soon}, then=Value(Ending.SOON)),
                default=Value(""),
                output_field=models.CharField(),
            ),
        )
    )
    if filters.query:
        queryset = queryset.filter(collaboration__title__icontains=filters.query)
    if filters.status == Status.ONGOING:
        queryset = queryset.filter(status=PartyStatus.ACCEPTED, collaboration__archived=False)
    elif filters.status == Status.PENDING:
        queryset = queryset.filter(status=PartyStatus.PENDING)
    elif filters.status == Status.ARCHIVED:
        queryset = queryset.filter(collaboration__archived=True)
    if filters.form == NO_FORM:
        queryset = queryset.filter(collaboration__form__isnull=True)
    elif filters.form:
        queryset = queryset.filter(collaboration__form__slug=filters.form)
    if filters.ending_soon:
        queryset = queryset.filter(**{f"{end}__gte": today, f"{end}__lte": soon})
    return queryset.order_by("collaboration__archived", F(end).asc(nulls_last=True), "collaboration__title", "pk")


def has_collaborations(organisation):
    return Party.objects.filter(organisation=organisation).exists()


def form_choices():
    """The forms of collaboration to filter by: (slug, name)."""
    return list(CollaborationForm.objects.order_by("retired", "category__order", "order").values_list("slug", "name"))


def csv_header():
    return [
        _("Samverkan"),
        _("Samverkansform"),
        _("Period"),
        _("Startar"),
        _("Slutar"),
        _("Påminnelse"),
        _("Fas"),
        _("Deltagande"),
        _("Överenskommelse"),
        _("Beslutad version"),
        _("Beslutat av"),
        _("Beslutsdatum"),
        _("Beslutsreferens"),
        _("Diarienummer"),
        _("Arkiverad"),
    ]


def csv_rows(queryset):
    """The rows as spreadsheet cells (text guarded against formulas by projects.common.csv_export)."""
    for row in queryset:
        collaboration = row.collaboration
        yield [
            safe_text(collaboration.title),
            safe_text(collaboration.form.name if collaboration.form else _("Inte vald")),
            collaboration.period,
            _iso(collaboration.start_date),
            _iso(collaboration.end_date),
            Ending(row.ending).label if row.ending else "",
            collaboration.get_phase_display(),
            _("Väntar på ert svar") if row.is_pending else PartyStatus.ACCEPTED.label,
            agreement_state_label(row.agreement_state),
            row.decided_number or "",
            safe_text(row.decision_body or ""),
            _iso(row.decision_on),
            safe_text(row.decision_reference or ""),
            safe_text(row.record_number or ""),
            _("Ja") if collaboration.archived else _("Nej"),
        ]


def _iso(day):
    return day.isoformat() if day else ""


def decided_version(organisation, collaboration_pk):
    """The decided version of the current agreement of collaboration ``collaboration_pk`` (its PDF
    included), when ``organisation`` is an accepted party of it; else None."""
    party = Party.objects.filter(
        organisation=organisation, collaboration_id=collaboration_pk, status=PartyStatus.ACCEPTED
    )
    agreement = _current_agreement(OuterRef("agreement__collaboration_id")).values("pk")[:1]
    return (
        AgreementVersion.objects.filter(
            Q(agreement__collaboration_id=collaboration_pk) & Q(agreement=Subquery(agreement)) & Q(Exists(party)),
            status=AgreementVersion.Status.DECIDED,
        )
        .select_related("agreement")
        .order_by("-number")
        .first()
    )
