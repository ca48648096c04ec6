"""The budget's writes and their rules. The views validate a form and call one of these.

Rules only the data can decide are checked here, in the transaction, with a Swedish message:
the year must be in the collaboration's period, and the planned figures (and, for a line that has
them, what they are a plan of: the party, year, kind, description and hourly value) can only change
while the agreement is a draft; actuals can be entered any time.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from projects.budget import queries
from projects.budget.models import HOUR_KINDS, BudgetEvent, BudgetLine
from projects.budget.queries import budget_snapshot  # noqa: F401  (the agreement's snapshot uses it)
from projects.core.models import Collaboration, Event, EventText

PLANNED = ("planned_amount", "planned_hours")
# What a plan is of: on a line with planned figures, locked with them.
PLAN_IDENTITY = ("party", "year", "kind", "description", "hourly_value")
FIELDS = ("party", "year", "kind", "description", *PLANNED, "hourly_value", "actual_amount", "actual_hours")


def locked_message():
    return _(
        "Det planerade kan inte ändras nu, eftersom överenskommelsen är låst för beslut eller beslutad. "
        "Utfallet kan du föra in när som helst. För att ändra det planerade startar en samordnare ett nytt "
        "utkast av överenskommelsen."
    )


def check_year(collaboration, year):
    years = queries.period_years(collaboration)
    if not years:
        raise ValidationError(
            {"year": _("Samverkan har ingen period än. Ange periodens start och slut under Inställningar först.")}
        )
    if year not in years:
        raise ValidationError(
            {
                "year": _(
                    "Året %(year)s ligger utanför samverkans period (%(first)s–%(last)s). Välj ett år inom perioden."
                )
                % {"year": year, "first": years[0], "last": years[-1]}
            }
        )


def _has_plan(line):
    return line.pk is not None and (line.planned_amount is not None or line.planned_hours is not None)


def _normalise(values):
    """Staff and volunteers in hours, the rest in kronor: the other unit's fields are emptied."""
    values = dict(values)
    if values["kind"] in HOUR_KINDS:
        values["planned_amount"] = values["actual_amount"] = None
    else:
        values["planned_hours"] = values["actual_hours"] = values["hourly_value"] = None
    return values


@transaction.atomic
def save_line(collaboration, *, user, values, line=None):
    """Add a line (``line`` None) or change one, from ``values`` (the form's cleaned data: FIELDS).
    Raises ValidationError for a year outside the period or a planned figure changed while locked."""
    Collaboration.objects.select_for_update().filter(pk=collaboration.pk).first()  # one writer at a time
    values = _normalise(values)
    check_year(collaboration, values["year"])
    line = line or BudgetLine(collaboration=collaboration)
    if values["party"].collaboration_id != collaboration.pk:
        raise ValidationError({"party": _("Välj en av samverkans parter.")})
    if queries.planned_locked(collaboration):
        guarded = PLANNED + (PLAN_IDENTITY if _has_plan(line) else ())
        changed = [name for name in guarded if _value(line, name) != _value_of(values, name)]
        if changed:
            raise ValidationError({name: locked_message() for name in changed if name in FIELDS})
    created = line.pk is None
    before = {name: _value(line, name) for name in FIELDS} if not created else {}
    for name in FIELDS:
        setattr(line, name, values[name])
    line.updated_by = user
    line.updated_at = timezone.now()
    line.full_clean(exclude=["collaboration", "party", "updated_by"])
    line.save()
    subject = f"{line.year} · {line.party} · {line.description}"
    if created:
        Event.record(collaboration, user, BudgetEvent.LINE_ADDED, subject, EventText(gettext_noop("Ny budgetrad")))
    elif any(before[name] != _value(line, name) for name in FIELDS):
        Event.record(
            collaboration, user, BudgetEvent.LINE_CHANGED, subject, EventText(gettext_noop("Budgetraden ändrad"))
        )
    return line


def _value(line, name):
    return line.party_id if name == "party" else getattr(line, name)


def _value_of(values, name):
    value = values[name]
    return value.pk if name == "party" and value is not None else value


def can_delete(line, locked):
    """A line with planned figures stays while the agreement is locked (its actuals can be emptied)."""
    return not (locked and _has_plan(line))


@transaction.atomic
def delete_line(line, *, user):
    if not can_delete(line, queries.planned_locked(line.collaboration)):
        raise ValidationError(locked_message())
    Event.record(
        line.collaboration,
        user,
        BudgetEvent.LINE_DELETED,
        f"{line.year} · {line.party} · {line.description}",
        EventText(gettext_noop("Budgetraden borttagen")),
    )
    line.delete()
