"""Reads of the budget: the lines, the years of the period, the totals, the agreement's table and
the yearly follow-up's summary. Every read is one query for the lines (and one for the parties)
whatever the number of years, lines or collaborations: the totals are summed in Python from the
lines the page shows anyway, with the derived amounts (hours × value) of
projects.budget.models.BudgetLine."""

from dataclasses import dataclass, field
from decimal import Decimal

from projects.agreements.models import Agreement
from projects.budget.models import BudgetLine, Kind

ZERO = Decimal(0)


def period_years(collaboration):
    """The calendar years of the collaboration's period (start_date..end_date), or [] without one."""
    if not collaboration.start_date or not collaboration.end_date:
        return []
    return list(range(collaboration.start_date.year, collaboration.end_date.year + 1))


def lines(collaboration, year=None):
    """The collaboration's lines (with their parties), by year, party and kind."""
    rows = BudgetLine.objects.filter(collaboration=collaboration).select_related("party__organisation")
    if year is not None:
        rows = rows.filter(year=year)
    return list(rows)


def parties(collaboration):
    return list(collaboration.parties.select_related("organisation"))


def planned_locked(collaboration):
    """Whether the planned figures are locked: the period's agreement is locked for decision or decided."""
    return Agreement.objects.filter(
        collaboration=collaboration,
        period=collaboration.period,
        state__in=[Agreement.State.FOR_DECISION, Agreement.State.DECIDED],
    ).exists()


def _add(a, b):
    return a if b is None else (a or ZERO) + b


@dataclass
class Sum:
    planned: Decimal = ZERO
    actual: Decimal | None = None  # None while no actual is entered

    def add(self, line):
        self.planned += line.planned or ZERO
        self.actual = _add(self.actual, line.actual)


def _share(part, whole):
    return (part * 100 / whole).quantize(Decimal("0.1")) if whole else None


@dataclass
class Totals:
    """The totals of ``lines``: per party (with its share of the whole), per year, per kind, per
    party and year, and the whole; planned and actual."""

    parties: list
    years: list
    whole: Sum = field(default_factory=Sum)
    by_party: dict = field(default_factory=dict)
    by_year: dict = field(default_factory=dict)
    by_kind: dict = field(default_factory=dict)
    by_party_year: dict = field(default_factory=dict)

    def __post_init__(self):
        self.by_party = {p.pk: Sum() for p in self.parties}
        self.by_year = {y: Sum() for y in self.years}
        self.by_kind = {k: Sum() for k in Kind.values}
        self.by_party_year = {(p.pk, y): Sum() for p in self.parties for y in self.years}

    def add(self, line):
        self.whole.add(line)
        self.by_party.setdefault(line.party_id, Sum()).add(line)
        self.by_year.setdefault(line.year, Sum()).add(line)
        self.by_kind.setdefault(line.kind, Sum()).add(line)
        self.by_party_year.setdefault((line.party_id, line.year), Sum()).add(line)

    def party_rows(self):
        """Per party: (party, Sum, share of the planned whole in %, share of the actual whole in %)."""
        return [
            (
                party,
                self.by_party[party.pk],
                _share(self.by_party[party.pk].planned, self.whole.planned),
                _share(self.by_party[party.pk].actual or ZERO, self.whole.actual or ZERO),
                [self.by_party_year[(party.pk, year)] for year in self.years],
            )
            for party in self.parties
        ]

    def kind_rows(self):
        return [(Kind(kind).label, self.by_kind[kind]) for kind in Kind.values]

    def year_rows(self):
        return [(year, self.by_year[year]) for year in self.years]


def totals(line_list, party_list, years):
    result = Totals(parties=party_list, years=list(years))
    for line in line_list:
        result.add(line)
    return result


def _money(value):
    return None if value is None else str(value.quantize(Decimal("0.01")))


def year_summary(collaboration, year):
    """Planned and actual totals of ``year``, per party and per kind, for the yearly follow-up::

        {"year": 2027, "planned": Decimal, "actual": Decimal | None,
         "parties": [{"party": Party, "planned", "actual", "kinds": {kind: {"planned", "actual"}}}],
         "kinds": [{"kind": "pengar", "label": "Pengar", "planned", "actual"}]}

    ``actual`` is None where nothing is entered yet. Two queries (the parties, the year's lines)."""
    party_list = parties(collaboration)
    line_list = lines(collaboration, year=year)
    whole, by_kind = Sum(), {k: Sum() for k in Kind.values}
    by_party = {p.pk: {k: Sum() for k in Kind.values} for p in party_list}
    party_sums = {p.pk: Sum() for p in party_list}
    for line in line_list:
        whole.add(line)
        by_kind[line.kind].add(line)
        by_party.setdefault(line.party_id, {k: Sum() for k in Kind.values})[line.kind].add(line)
        party_sums.setdefault(line.party_id, Sum()).add(line)
    return {
        "year": year,
        "planned": whole.planned,
        "actual": whole.actual,
        "parties": [
            {
                "party": party,
                "planned": party_sums[party.pk].planned,
                "actual": party_sums[party.pk].actual,
                "kinds": {k: {"planned": s.planned, "actual": s.actual} for k, s in by_party[party.pk].items()},
            }
            for party in party_list
        ],
        "kinds": [
            {"kind": k, "label": Kind(k).label, "planned": s.planned, "actual": s.actual} for k, s in by_kind.items()
        ],
    }


def budget_snapshot(collaboration):
    """The planned budget as the agreement holds it (projects.agreements.services.snapshot): plain
    JSON, amounts as strings ("12500.00"), so that a locked version keeps its own budget."""
    party_list = parties(collaboration)
    line_list = lines(collaboration)
    years = sorted(set(period_years(collaboration)) | {line.year for line in line_list})
    result = totals(line_list, party_list, years)
    return {
        "years": years,
        "total": _money(result.whole.planned),
        "parties": [
            {
                "name": party.organisation.name,
                "years": [_money(s.planned) for s in by_year],
                "total": _money(total.planned),
                "share": str(share) if share is not None else None,
            }
            for party, total, share, _actual_share, by_year in result.party_rows()
        ],
        "year_totals": [_money(s.planned) for _year, s in result.year_rows()],
        "kinds": [{"label": str(label), "total": _money(s.planned)} for label, s in result.kind_rows() if s.planned],
        "lines": [
            {
                "year": line.year,
                "party": line.party.organisation.name,
                "kind": str(line.get_kind_display()),
                "description": line.description,
                "hours": _money(line.planned_hours) if line.in_hours else None,
                "hourly_value": _money(line.hourly_value) if line.in_hours else None,
                "amount": _money(line.planned),
            }
            for line in line_list
            if line.planned is not None
        ],
    }


def agreement_budget(agreement, version=None):
    """The budget the agreement shows: a locked or decided version's own (None for a version locked
    before the budget existed), a draft's live one."""
    if version is not None and agreement.state != Agreement.State.DRAFT:
        return version.content.get("budget")
    return budget_snapshot(agreement.collaboration)
