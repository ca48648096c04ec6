"""Background work: sending a notice (Django 6's tasks API, backported; the database worker in
production, docs/deployment.md)."""

from django_tasks import task

from projects.notifications import services as notices


@task()
def deliver_notice(notice_id: int):
    """Send one notice. A server that says no leaves the notice waiting with its next try set
    (services.deliver); where the backend can run a task later, that try is queued here, otherwise
    send_reminders makes it."""
    outcome = notices.deliver(notice_id)
    if outcome.retried:
        from projects.notifications.models import Notice

        notice = Notice.objects.filter(pk=notice_id).values("next_attempt_at").first()
        if notice and notice["next_attempt_at"] and deliver_notice.get_backend().supports_defer:
            deliver_notice.using(run_after=notice["next_attempt_at"]).enqueue(notice_id)
    return {"sent": outcome.sent, "retried": outcome.retried, "failed": outcome.failed}
