"""``manage.py check_deployment``: is this deployment's configuration complete? (docs/deployment.md)

One line per check — ✓ fine, ✗ missing or wrong (exit status 1), ! works but read the note — in
English, for IT staff. ``--json`` prints the same as JSON for automation; ``--send-test-email ADDRESS``
also sends a test message through the configured mail server; ``--probe-worker [SECONDS]`` enqueues a
task and waits for a worker to run it. The checks are in
``samverkan/deployment_checks.py``.
"""

import json
import os

from django.conf import settings
from django.core.management.base import BaseCommand

from samverkan import deployment_checks


class Command(BaseCommand):
    help = "Checks that this deployment's configuration is complete and says what is missing."
    requires_system_checks = []  # the HTTPS check runs Django's checks itself, with --deploy

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
        parser.add_argument(
            "--send-test-email", metavar="ADDRESS", default="", help="Also send a test message to this address."
        )
        parser.add_argument(
            "--probe-worker",
            metavar="SECONDS",
            type=float,
            nargs="?",
            const=30.0,
            default=0,
            help="Also enqueue a probe task and wait up to SECONDS (default 30) for a worker to run it.",
        )
        parser.add_argument("--database", default="default", help="The database alias to check (default: default).")

    def handle(self, *args, **options):
        results = deployment_checks.run_checks(
            settings,
            os.environ,
            using=options["database"],
            send_test_email_to=options["send_test_email"],
            probe_worker_seconds=options["probe_worker"],
        )
        failures = deployment_checks.failed(results)
        warnings = [result for result in results if result.status == deployment_checks.WARN]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"ok": not failures, "checks": [result.as_dict() for result in results]},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            for result in results:
                style = {
                    deployment_checks.OK: self.style.SUCCESS,
                    deployment_checks.FAIL: self.style.ERROR,
                    deployment_checks.WARN: self.style.WARNING,
                }[result.status]
                self.stdout.write(f"{style(result.symbol)} {result.name}: {result.message}")
            summary = f"{len(results)} checks: {len(failures)} missing or wrong, {len(warnings)} to read."
            self.stdout.write(self.style.ERROR(summary) if failures else self.style.SUCCESS(summary))
        if failures:
            raise SystemExit(1)
