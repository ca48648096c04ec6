"""Background work: rendering a large agreement's PDF (Django 6's tasks API, backported)."""

from django.utils import timezone
from django_tasks import task

from . import agreements, pdf
from .models import AgreementVersion, PdfExport


@task()
def render_export(export_id: int):
    export = PdfExport.objects.select_related("agreement", "version").get(pk=export_id)
    PdfExport.objects.filter(pk=export_id).update(status=PdfExport.Status.RUNNING)
    try:
        if export.version_id:
            version = export.version
            decisions = list(version.decisions.select_related("party__organisation"))
            decided = version.status == AgreementVersion.Status.DECIDED
            data = pdf.render_pdf(version.content, version=version, decisions=decisions, draft=not decided)
            if decided:  # made once, kept
                AgreementVersion.objects.filter(pk=version.pk, pdf__isnull=True).update(pdf=data)
        else:
            data = pdf.render_pdf(agreements.snapshot(export.agreement), draft=True)
    except Exception:
        PdfExport.objects.filter(pk=export_id).update(status=PdfExport.Status.FAILED, finished_at=timezone.now())
        raise
    PdfExport.objects.filter(pk=export_id).update(status=PdfExport.Status.DONE, pdf=data, finished_at=timezone.now())
