"""The e-archive package's download: built into a temporary file, sent as it is read. A POST (the
agreement page's button): the download is recorded in the activity list, and a GET writes nothing."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.agreements.models import AgreementVersion
from projects.archive import permissions as perms
from projects.archive import services as archive
from projects.core.permissions import collaboration_required

# Up to this many bytes in memory, then on disk (a temporary file, removed when the response closes).
IN_MEMORY = 32 * 1024 * 1024


@login_required
@require_POST
@collaboration_required(perms.DOWNLOAD)
def archive_package(request, collaboration, version_pk):
    """A decided version's package (a ZIP). A version not decided has none: back to the agreement,
    saying why."""
    version = (
        AgreementVersion.objects.filter(pk=version_pk, agreement__collaboration=collaboration)
        .select_related("agreement__collaboration")
        .first()
    )
    if version is None:
        raise Http404
    if not archive.is_decided(version):
        messages.error(
            request,
            _(
                "Paketet för e-arkivet finns först när alla parter har beslutat om versionen. "
                "Version %(n)s är inte beslutad."
            )
            % {"n": version.number},
        )
        return redirect("projects:agreement", collaboration.pk)
    name = archive.filename(version, membership=request.membership)
    # Not a context manager: FileResponse closes (and so removes) it when the response is sent.
    out = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115
    archive.build(version, membership=request.membership, out=out)
    archive.record_download(version, user=request.user, name=name)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=name, content_type="application/zip")
