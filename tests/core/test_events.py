"""The activity list's kinds are declared in Python and checked there: the column has no database
choices, so declaring a kind adds no migration."""

import pytest

from projects.core.models import Event, EventKinds
from projects.organisations import services as organisations
from tests.factories import make_collaboration, make_organisation, make_user

pytestmark = pytest.mark.django_db


def test_the_kind_column_has_no_database_choices():
    assert not Event._meta.get_field("kind").choices


def test_an_unknown_kind_is_refused_and_a_declared_one_recorded():
    collaboration = make_collaboration()
    with pytest.raises(ValueError, match="Unknown event kind"):
        Event.record(collaboration, None, "budget.changed", "Budget")
    kinds = EventKinds()
    kinds.register({"budget.changed": "Budgeten ändrad"})
    assert "budget.changed" in kinds and kinds.label("budget.changed") == "Budgeten ändrad"
    event = Event.record(collaboration, None, Event.Kind.COLLABORATION_CHANGED, "Titel")
    assert event.get_kind_display() == "Samverkan ändrad"


def test_a_kind_declared_twice_with_another_label_is_an_error():
    kinds = EventKinds()
    kinds.register({"a.b": "Ett"})
    kinds.register({"a.b": "Ett"})  # the same declaration again is harmless
    with pytest.raises(ValueError, match="declared twice"):
        kinds.register({"a.b": "Två"})


def test_the_organisation_history_checks_its_kinds_too():
    organisation = make_organisation()
    with pytest.raises(ValueError, match="Unknown event kind"):
        organisations.record(organisation, make_user(), "no.such.kind")
    event = organisations.record(organisation, None, "changed", organisation.name)
    assert str(event.get_kind_label()) == "Uppgifter ändrade"
