"""The notices' schedule (docs/deployment.md): run it daily for the reminders and hourly for the
digests; every run also sends what waits to be tried again. Safe to run twice, or on two servers at
once: each notice is recorded once per person and sent by whoever claims it first."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from projects.notifications import deadlines
from projects.notifications import services as notices


class Command(BaseCommand):
    help = "Sends the reminders before deadlines, the daily and weekly digests, and the notices to try again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--digests-only", action="store_true", help="Only the digests and the retries (the hourly run)."
        )

    def handle(self, *args, digests_only=False, **options):
        started = time.perf_counter()
        now = timezone.now()
        reminders = 0
        if not digests_only:
            # Each deadline's notices in their own statement (no transaction around them all: a second run
            # at the same time would wait for it, and nothing would be sent until the end).
            reminders = deadlines.send_deadline_reminders(timezone.localdate(now))
        retried = notices.retry_due(now)
        digests = notices.send_digests(now)
        self.stdout.write(
            f"reminders recorded: {reminders}; sent at once or again: {retried.sent} "
            f"(to try again: {retried.retried}, given up: {retried.failed}); "
            f"notices sent in digests: {digests.sent}; {time.perf_counter() - started:.1f} s"
        )
