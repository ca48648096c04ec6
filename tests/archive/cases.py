"""Permission-matrix cases for the e-archive package (merged into tests/test_permission_matrix.py)."""

from projects.agreements.models import AgreementVersion
from projects.archive.models import ARCHIVE_DOWNLOADED
from projects.core.models import Event
from tests.factories import decided_version
from tests.matrix import MANAGE, Case


def _decided(ctx):
    """A decided version of the matrix's agreement, its PDF kept (so that no role waits for WeasyPrint
    to render the agreement; the minutes and the evaluation appendix are still rendered)."""
    agreement = ctx["agreement"]
    version = AgreementVersion.objects.filter(agreement=agreement, status=AgreementVersion.Status.DECIDED).first()
    if version is None:
        version = decided_version(agreement)
        version.pdf = b"%PDF-1.7\n"
        version.save(update_fields=["pdf"])
    return {"pk": ctx["collaboration"].pk, "version_pk": version.pk}


CASES = {
    # The package holds the collaboration file (names and e-mail addresses): coordinators only, of
    # every party (the municipality's e-archive, and the association's own records).
    # A POST: the download is recorded in the activity list (a GET writes nothing, and is refused).
    "projects:archive_package": Case(
        kwargs=_decided,
        method="post",
        expect=MANAGE,
        perm="archive.download",
        effect=lambda ctx: Event.objects.filter(kind=ARCHIVE_DOWNLOADED).count(),
    ),
}
