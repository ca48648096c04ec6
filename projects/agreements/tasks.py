"""Background work: rendering a large agreement's PDF (Django 6's tasks API, backported)."""

from django.utils import timezone
from django_tasks import task

from projects.agreements import services as agreements
from projects.agreements.models import AgreementVersion, PdfExport
from projects.common import pdf


@task()
def render_export(export_id: int):
    export = PdfExport.objects.select_related("agreement", "version").get(pk=export_id)
    PdfExport.objects.filter(pk=export_id).update(status=PdfExport.Status.RUNNING)
    try:
        if export.version_id:
            data = agreements.version_pdf(export.version, keep=True)
        else:
            data = pdf.render_pdf(agreements.snapshot(export.agreement), draft=True)
    except Exception:
        PdfExport.objects.filter(pk=export_id).update(status=PdfExport.Status.FAILED, finished_at=timezone.now())
        raise
    PdfExport.objects.filter(pk=export_id).update(status=PdfExport.Status.DONE, pdf=data, finished_at=timezone.now())


@task()
def keep_decided_pdf(version_id: int):
    """A decided version's PDF, made once when the last party has decided, and kept with it: the archival
    PDF with the service's seal (projects.records; kept unsealed, and said, when sealing fails)."""
    from projects.records import services as records  # records imports agreements' services

    records.seal_version(AgreementVersion.objects.get(pk=version_id))
