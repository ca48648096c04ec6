"""Compile locale/*/LC_MESSAGES/*.po to .mo with polib, so that a fresh machine needs no GNU
gettext (Django's compilemessages calls msgfmt)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's .po translation files to .mo (no gettext tools needed)."

    def handle(self, *args, **options):
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                po = polib.pofile(str(po_path))
                po.save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"{po_path}: {po.percent_translated()}% translated")
        if options["verbosity"]:
            self.stdout.write(f"Compiled {count} translation file(s).")
