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


def test_every_demo_date_is_near_the_day_it_is_loaded():
    """The demo is dated from the day it is loaded (load_demo.Dates): no date of any of the collaboration's
    rows lies more than three years from today, and the meeting and measurements are behind, the risk
    review ahead."""
    from datetime import date, datetime, timedelta

    from django.apps import apps
    from django.db import models
    from django.utils import timezone

    call_command("load_demo", stdout=io.StringIO())
    today = timezone.localdate()
    span = timedelta(days=3 * 366)
    far = []
    seen = 0
    for model in apps.get_app_config("projects").get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateField)]
        for row in model.objects.values(*fields) if fields else []:
            for name, value in row.items():
                if value is None:
                    continue
                day = timezone.localdate(value) if isinstance(value, datetime) else value
                assert isinstance(day, date)
                seen += 1
                if abs(day - today) > span:
                    far.append(f"{model.__name__}.{name} = {day}")
    assert seen > 20 and not far, far
    collaboration = Collaboration.objects.get()
    assert collaboration.start_date <= today < collaboration.end_date
    assert collaboration.meetings.get().starts_at < timezone.now()
    assert all(
        m.measured_on <= today
        for g in collaboration.goals.all()
        for i in g.indicators.all()
        for m in i.measurements.all()
    )
    assert collaboration.risks.get(review_date__isnull=False).review_date > today
