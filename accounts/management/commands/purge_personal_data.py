"""Delete the personal data that is kept only for a while (run daily, e.g. from cron).

The periods come from the settings (LOGIN_RECORDS_DAYS, ENDED_INVITATIONS_DAYS, SESSION_COOKIE_AGE),
which the privacy page states too.
"""

from django.core.management.base import BaseCommand

from accounts import personal_data

LABELS = {
    "sessions": "expired sessions",
    "usersessions": "signed-in device records of ended sessions",
    "login_records": "login records older than {login_records_days} days",
    "invitations": "expired or revoked invitations older than {ended_invitations_days} days",
}


class Command(BaseCommand):
    help = "Delete expired sessions, old login records and old ended invitations (see the privacy page)."

    def handle(self, *args, **options):
        counts = personal_data.purge()
        periods = personal_data.retention()
        for key, label in LABELS.items():
            self.stdout.write(f"{counts[key]:>7}  {label.format(**periods)}")
