"""The test-suite version of bench/size.py: the pages a person uses every day make as many queries
with 30 collaborations, answers, comments and events as with 3. A page whose query count grows
with the data (a query per row: an N+1) fails here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from guides.models import Item
from projects.agreements import services as agreements
from projects.agreements.models import AgreementSection
from projects.checklists import services as checklists
from projects.core.models import Membership, Role
from tests.factories import add_member, add_party, make_collaboration, make_organisation, make_user

pytestmark = pytest.mark.django_db

TEXT = "Föreningen har kvällsverksamhet och kommunen står för lokalen."


class World:
    """A coordinator's collaboration (with a förening and an editor) among others' collaborations;
    ``grow_to(n)`` adds collaborations, answers, comments, agreement edits and events up to ``n``."""

    def __init__(self):
        self.me = make_user("Maja Mätt")
        self.kommun = make_organisation("Benchkommun")
        self.collaboration = make_collaboration(coordinator=self.me, organisation=self.kommun, title="Mätt samverkan")
        self.editor = add_member(self.collaboration, role=Role.EDITOR, name="Erik Redaktör")
        checklists.ensure_default_sections(self.collaboration, self.me)
        sections = [cs for cs in checklists.ordered_sections(self.collaboration) if not cs.per_party]
        self.questions = [
            (cs, item)
            for cs in sections
            for item in Item.objects.current().filter(section_id=cs.section_id, kind=Item.Kind.QUESTION)
        ]
        self.stepper = self.questions[0][0]
        self.agreement = agreements.create_agreement(self.collaboration, user=self.me)
        self.membership = Membership.objects.get(collaboration=self.collaboration, user=self.me)
        self.mine = 1  # my collaborations
        self.others = 0
        self.answers = 0
        self.since = timezone.now().isoformat()

    def grow_to(self, n):
        while self.mine < n:  # collaborations I am in
            other = make_collaboration(coordinator=make_user(f"Samordnare {self.mine}"), title=f"Min {self.mine}")
            add_party(other, name=f"Förening {self.mine}")
            add_member(other, user=self.me, role=Role.EDITOR)
            self.mine += 1
        while self.others < n:  # collaborations I am not in, with the same kommun
            other = make_collaboration(organisation=self.kommun, title=f"Annan {self.others}")
            add_party(other, name=f"Annan förening {self.others}")
            checklists.ensure_default_sections(other)
            self.others += 1
        assert len(self.questions) >= n, "the default sections have fewer questions than the test needs"
        # The stepper's section fully answered first, then answers in other sections.
        while self.answers < n:
            cs, item = self.questions[self.answers]
            user = (self.me, self.editor.user)[self.answers % 2]
            result = checklists.save_answer(
                collaboration=self.collaboration, item=item, party=None, user=user, text=TEXT,
                status="discussed", base_version=0,
            )  # fmt: skip
            if self.answers % 2:
                party = self.collaboration.parties.get(organisation=self.kommun)
                checklists.confirm_answer(result.obj, party=party, user=self.me, version=result.obj.version)
            checklists.add_comment(collaboration=self.collaboration, item=item, membership=self.membership, text=TEXT)
            self.answers += 1
        for section in AgreementSection.objects.filter(agreement=self.agreement).order_by("order")[:n]:
            if section.version == 0:
                agreements.save_section(section, user=self.me, text=TEXT, base_version=0)

    def pages(self):
        pk, cs = self.collaboration.pk, self.stepper.pk
        item = self.questions[0][1]
        return {
            "dashboard": reverse("projects:dashboard"),
            "overview": reverse("projects:overview", args=[pk]),
            "events": reverse("projects:events", args=[pk]),
            "checklists": reverse("projects:checklists", args=[pk]),
            "stepper": reverse("projects:checklist_section", args=[pk, cs]),
            "poll": f"{reverse('projects:checklist_changes', args=[pk, cs])}?{urlencode({'since': self.since})}",
            "comments": reverse("projects:comments", args=[pk, cs, item.pk]),
            "history": reverse("projects:answer_history", args=[pk, cs, item.pk]),
            "agreement": reverse("projects:agreement", args=[pk]),
            "guide library": reverse("guides:library"),
            "guide search": f"{reverse('guides:search')}?q=ekonomi",
        }


def _query_counts(client, pages):
    counts = {}
    for name, path in pages.items():
        client.get(path)  # the first request may fill caches; the second is the steady state
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code in (200, 204), (name, response.status_code)
        counts[name] = len(captured)
    return counts


def test_query_counts_do_not_grow_with_the_data(client):
    world = World()
    world.grow_to(3)
    client.force_login(world.me)
    small = _query_counts(client, world.pages())
    world.grow_to(30)
    large = _query_counts(client, world.pages())
    assert world.answers == 30 and world.mine == 30
    grown = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert not grown, f"query counts with 3 and with 30 (page: (3, 30)): {grown}"


def test_the_poll_returns_every_changed_answer_with_a_fixed_number_of_queries(client):
    world = World()
    client.force_login(world.me)
    world.grow_to(3)
    poll = world.pages()["poll"]
    client.get(poll)  # the first request of a session writes to it
    with CaptureQueriesContext(connection) as few:
        body_few = client.get(poll, headers={"HX-Request": "true"}).content.decode()
    world.grow_to(30)
    with CaptureQueriesContext(connection) as many:
        body_many = client.get(poll, headers={"HX-Request": "true"}).content.decode()
    in_section = sum(1 for cs, _item in world.questions[:30] if cs.pk == world.stepper.pk)
    assert body_few.count("hx-swap-oob") < body_many.count("hx-swap-oob")  # more answers came back
    assert in_section > 3
    assert len(few) == len(many)


def _guide_queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in captured if '"guides_' in q["sql"]]


def test_guide_content_is_cached_until_it_changes(client):
    from guides import loader
    from guides.models import Guide

    client.force_login(make_user())
    library = reverse("guides:library")
    guide = Guide.objects.current().order_by("order").first()
    _body, first = _guide_queries(client, library)
    assert first  # read from the database once
    body, again = _guide_queries(client, library)
    assert again == [] and guide.title in body  # then from the cache
    Guide.objects.filter(pk=guide.pk).update(title="Ändrad utan signal")  # as the loader's bulk writes
    assert "Ändrad utan signal" not in _guide_queries(client, library)[0]
    loader.load()  # load_guides: the cached content is stale now, whatever changed
    body, after_load = _guide_queries(client, library)
    assert after_load and "Ändrad utan signal" not in body  # read again, and the loader restored the title
    guide.refresh_from_db()
    guide.title = "Ändrad i admin"
    guide.save()  # an edit in the admin
    body, after_edit = _guide_queries(client, library)
    assert after_edit and "Ändrad i admin" in body


def test_guide_search_results_are_cached_per_query(client):
    client.force_login(make_user())
    search = reverse("guides:search")
    body, first = _guide_queries(client, f"{search}?q=ekonomi")
    assert first
    cached_body, again = _guide_queries(client, f"{search}?q=ekonomi")
    main = body.split("<main", 1)[1]  # the same hits (the page's CSRF token differs)
    assert again == [] and cached_body.split("<main", 1)[1] == main and "<mark>" in main
    _other, other = _guide_queries(client, f"{search}?q=lokaler")
    assert other  # another query is searched for
