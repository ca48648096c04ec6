"""The e-archive package keeps nothing: it is built when it is downloaded. Only its kind in the
activity list is declared here."""

from django.utils.translation import gettext_lazy as _

from projects.core.models import Event

ARCHIVE_DOWNLOADED = "archive.downloaded"
Event.kinds.register({ARCHIVE_DOWNLOADED: _("Paket för e-arkivet nedladdat")})
