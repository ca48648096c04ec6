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


# Events in the reader's language ------------------------------------------------------------------


def test_an_event_text_is_stored_untranslated_and_shown_in_the_readers_language():
    from django.utils import translation
    from django.utils.translation import gettext_noop

    from projects.core.models import EventText

    collaboration = make_collaboration()
    with translation.override("en"):  # recorded by an English reader: stored in Swedish all the same
        event = Event.record(
            collaboration,
            None,
            Event.Kind.ANSWER_STATUS,
            "Fråga 1",
            EventText(gettext_noop("%(status)s"), status=EventText(gettext_noop("Diskuteras"))),
        )
    event.refresh_from_db()
    assert event.detail == "Diskuteras"
    assert event.texts == {"detail": {"msgid": "%(status)s", "params": {"status": {"msgid": "Diskuteras"}}}}
    with translation.override("en"):
        assert event.shown_detail() == "Under discussion"
        assert event.shown_subject() == "Fråga 1"  # plain text: a name or a title, shown as it is
    with translation.override("sv"):
        assert event.shown_detail() == "Diskuteras"


def test_an_old_row_and_a_rewritten_one_show_their_stored_text():
    from django.utils import translation
    from django.utils.translation import gettext_noop

    from projects.core.models import EventText

    collaboration = make_collaboration()
    old = Event.record(collaboration, None, Event.Kind.ANSWER_STATUS, "Fråga 1", "Diskuteras")
    assert old.texts == {}
    rewritten = Event.record(collaboration, None, Event.Kind.PARTY_CHANGED, "Part", EventText(gettext_noop("Överens")))
    Event.objects.filter(pk=rewritten.pk).update(detail="[borttagen person]")  # as deleting an account does
    rewritten.refresh_from_db()
    with translation.override("en"):
        assert old.shown_detail() == "Diskuteras"
        assert rewritten.shown_detail() == "[borttagen person]"


def test_the_activity_list_shows_an_english_reader_the_english_text(client):
    from django.conf import settings
    from django.urls import reverse
    from django.utils.translation import gettext_noop

    from projects.core.models import EventText

    collaboration = make_collaboration()
    Event.record(
        collaboration,
        None,
        Event.Kind.ANSWER_STATUS,
        "Fråga 1",
        EventText(gettext_noop("%(status)s"), status=EventText(gettext_noop("Diskuteras"))),
    )
    client.force_login(collaboration.created_by)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("projects:events", args=[collaboration.pk])).content.decode()
    assert "Status changed" in page and "(Under discussion)" in page
    assert "Diskuteras" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    page = client.get(reverse("projects:events", args=[collaboration.pk])).content.decode()
    assert "(Diskuteras)" in page


def test_the_kind_labels_are_plain_words():
    labels = {str(label) for _, label in Event.Kind.choices}
    assert not any("gnisslar" in label or "fryst" in label for label in labels)
    assert str(Event.Kind.CONCERN_RAISED.label) == "Problem med en princip flaggat"
    assert str(Event.Kind.AGREEMENT_FROZEN.label) == "Överenskommelse låst för beslut"
