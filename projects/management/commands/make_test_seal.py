"""Makes the development's self-signed test seal at SEAL_PKCS12_PATH (var/seal/test-seal.p12 by default)
when there is none; safe to run again. Never use it in production: check_deployment refuses it."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from projects.records import testseal


class Command(BaseCommand):
    help = "Makes a self-signed test seal certificate for development (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Make a new one even if the file exists.")

    def handle(self, *args, force=False, **options):
        path = Path(settings.SEAL_PKCS12_PATH)
        if path.exists() and not force:
            self.stdout.write(f"The test seal is already there: {path}")
            return
        testseal.make(path, settings.SEAL_PKCS12_PASSWORD)
        self.stdout.write(self.style.SUCCESS(f"Made a self-signed test seal: {path}"))
