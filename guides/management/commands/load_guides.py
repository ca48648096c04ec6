from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guides.loader import FixtureError, load


class Command(BaseCommand):
    help = (
        "Load and validate the guide content in fixtures/ (idempotent: a reload updates texts in place "
        "and marks removed content as retired)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="The fixtures folder (default: the project's fixtures/).")

    def handle(self, *args, **options):
        try:
            report = load(options.get("dir"))
        except FixtureError as error:
            raise CommandError(f"The guide content has errors; nothing was loaded:\n{error}") from error
        if options["verbosity"]:
            for line in report.lines():
                self.stdout.write(line)
            self.stdout.write(self.style.SUCCESS("Guide content loaded."))
