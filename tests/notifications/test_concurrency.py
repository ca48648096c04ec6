"""Two workers at once (a retried task beside the first, or two send_reminders runs on two machines):
every notice goes out once. Real threads, real connections, PostgreSQL."""

import threading

import pytest
from django.core import mail
from django.db import connection, connections

from projects.notifications import services as notices
from projects.notifications.models import Frequency, Kind, Notice
from tests.factories import collaboration_with_people, make_user
from tests.guide_content import load_guides

pytestmark = pytest.mark.django_db(transaction=True)


def _run_twice_at_once(work):
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            work()
        except Exception as error:  # reported below: a thread's exception is otherwise lost
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once: PostgreSQL")
def test_two_workers_sending_the_same_notices_send_each_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # the queue is lost
    load_guides()
    collaboration, _users = collaboration_with_people()
    people = [make_user(f"Person {n}") for n in range(40)]
    notices.notify(
        Kind.FROZEN, people, collaboration=collaboration, key="v1", path="/", message=lambda: ("Ämne", "Text")
    )
    # Their tasks were lost: both workers find them due.
    Notice.objects.update(created_at=Notice.objects.first().created_at.replace(year=2020))
    _run_twice_at_once(notices.retry_due)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert set(Notice.objects.values_list("status", flat=True)) == {Notice.Status.SENT}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once: PostgreSQL")
def test_two_digest_runs_at_once_send_one_digest_per_person():
    from django.utils import timezone

    load_guides()
    collaboration, users = collaboration_with_people()
    people = [make_user(f"Person {n}") for n in range(20)]
    for person in people:
        notices.save_settings(person, language="sv", frequencies={Kind.FROZEN: Frequency.DAILY}, muted=[])
    for key in ("v1", "v2"):
        notices.notify(
            Kind.FROZEN, people, collaboration=collaboration, key=key, path="/", message=lambda: ("Ämne", "Text")
        )
    morning = timezone.make_aware(timezone.datetime(2026, 12, 3, 8, 0))
    _run_twice_at_once(lambda: notices.send_digests(morning))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert all(m.body.count("Ämne") == 2 for m in mail.outbox)
