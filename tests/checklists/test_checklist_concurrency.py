"""Two saves of the same answer from the same version at the same moment: exactly one wins, the
other gets the conflict, and both texts are recoverable. Real threads, real connections."""

import threading

import pytest
from django.db import connection, connections

from guides.models import Item
from projects.checklists import services as checklists
from projects.checklists.models import Answer, AnswerRevision, ChecklistSection
from tests.factories import collaboration_with_people
from tests.guide_content import load_guides

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL")
@pytest.mark.parametrize("round_", range(5))
def test_two_simultaneous_saves_one_wins(round_):
    load_guides()
    collaboration, users = collaboration_with_people()
    checklists.ensure_default_sections(collaboration)
    cs = ChecklistSection.objects.get(collaboration=collaboration, section__slug="halland-agandeskap")
    item = Item.objects.filter(section=cs.section, kind="question").first()
    checklists.save_answer(
        collaboration=collaboration,
        item=item,
        party=None,
        user=users["coordinator"],
        text="Start",
        status="discussed",
        base_version=0,
    )
    barrier = threading.Barrier(2)
    results = {}

    def save(name, user):
        try:
            barrier.wait(timeout=10)
            results[name] = checklists.save_answer(
                collaboration=collaboration,
                item=item,
                party=None,
                user=user,
                text=f"Text från {name}",
                status="discussed",
                base_version=1,
            )
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(name, users[role]))
        for name, role in [("anna", "coordinator"), ("bo", "editor")]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert set(results) == {"anna", "bo"}
    winners = [name for name, result in results.items() if result.saved]
    losers = [name for name, result in results.items() if result.conflict]
    assert len(winners) == 1 and len(losers) == 1
    answer = Answer.objects.get(collaboration=collaboration, item=item, party=None)
    assert answer.version == 2 and answer.text == f"Text från {winners[0]}"
    # The losing text came back to its writer with the conflict; the winning one is a revision.
    assert results[losers[0]].mine == f"Text från {losers[0]}"
    assert results[losers[0]].obj.text == f"Text från {winners[0]}"
    assert AnswerRevision.objects.filter(answer=answer, text=f"Text från {winners[0]}").exists()
