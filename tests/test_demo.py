import io

import pytest
from django.core.management import call_command

from projects.core.models import Collaboration, Event

pytestmark = pytest.mark.django_db


def test_demo_data_fills_every_page_once():
    call_command("load_demo", stdout=io.StringIO())
    collaboration = Collaboration.objects.get()
    assert collaboration.form.slug == "iop"
    counts = {
        "map": collaboration.map_entries.count(),
        "principles": collaboration.principle_commitments.count(),
        "stakeholders": collaboration.stakeholders.count(),
        "risks": collaboration.risks.count(),
        "goals": collaboration.goals.count(),
        "meetings": collaboration.meetings.count(),
        "decisions": collaboration.logged_decisions.count(),
    }
    assert counts == {
        "map": 6,
        "principles": 2,
        "stakeholders": 4,
        "risks": 2,
        "goals": 1,
        "meetings": 1,
        "decisions": 1,
    }
    events = Event.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert Collaboration.objects.count() == 1 and Event.objects.count() == events
    assert collaboration.stakeholders.count() == 4
