"""A collaboration's menu (projects/common/navigation.py): at most six destinations, every page of a
collaboration under one of them, and the current destination and page marked on every page."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from projects.common.navigation import DESTINATIONS, page_of

pytestmark = pytest.mark.django_db


def collaboration_url_names():
    """Every URL name of the projects app whose path starts with samverkan/<int:pk>/."""
    names = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif (
                isinstance(pattern, URLPattern)
                and pattern.name
                and (prefix + str(pattern.pattern)).startswith("samverkan/<int:pk>/")
            ):
                names.add(pattern.name)

    for resolver in get_resolver().url_patterns:
        if isinstance(resolver, URLResolver) and resolver.namespace == "projects":
            walk(resolver.url_patterns, str(resolver.pattern))
    return names


def test_at_most_six_destinations():
    assert 1 < len(DESTINATIONS) <= 6


def test_every_collaboration_url_belongs_to_a_page():
    names = collaboration_url_names()
    assert {"overview", "checklist_section", "agreement_decide", "meeting_detail", "security"} <= names
    assert sorted(name for name in names if page_of(name) == (None, None)) == []


def test_a_url_outside_the_table_belongs_to_nothing():
    assert page_of("no_such_page") == (None, None)
    assert page_of("checklist_section")[1].url_name == "checklists"
    assert page_of("agreement_decide")[0].key == "agreement"


def _current_links(body):
    return re.findall(r'<a href="([^"]+)"[^>]*aria-current="(page|true)"', body)


def test_the_page_and_its_destination_are_marked(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    meetings = reverse("projects:meetings", args=[collaboration.pk])
    goals = reverse("projects:goals", args=[collaboration.pk])
    body = client.get(meetings).content.decode()
    marked = _current_links(body)
    # The tab "Följa upp" (whose first page is Mål) is current; "Möten" is this very page.
    assert (goals, "true") in marked
    assert (meetings, "page") in marked
    assert not any(url == reverse("projects:checklists", args=[collaboration.pk]) for url, _ in marked)


def test_a_sub_page_marks_the_page_it_belongs_to(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    body = client.get(reverse("projects:security", args=[collaboration.pk])).content.decode()
    marked = _current_links(body)
    assert (reverse("projects:security", args=[collaboration.pk]), "page") in marked
    assert (reverse("projects:collaboration_edit", args=[collaboration.pk]), "true") in marked
