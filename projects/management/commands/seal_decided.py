"""Seals every decided agreement version that has no sealed archival PDF yet: those decided before the
seal existed, and those kept unsealed because sealing failed (a missing or expired certificate). Safe to
run again: a sealed version is never sealed twice."""

from django.core.management.base import BaseCommand

from projects.agreements.models import AgreementVersion
from projects.records import services as records
from projects.records.models import SealedRecord


class Command(BaseCommand):
    help = "Seals the decided agreement versions that have no seal yet (after a failure, or from before)."

    def handle(self, *args, **options):
        versions = AgreementVersion.objects.filter(status=AgreementVersion.Status.DECIDED).exclude(
            record__state__in=[SealedRecord.State.SEALED, SealedRecord.State.TEST_SEAL]
        )
        counts = dict.fromkeys(SealedRecord.State.values, 0)
        for version in versions.order_by("pk"):
            counts[records.seal_version(version).state] += 1
        self.stdout.write(
            f"Sealed {counts['sealed']}, with the test seal {counts['test_seal']}, still unsealed {counts['unsealed']}."
        )
        if counts["unsealed"]:
            raise SystemExit(1)
