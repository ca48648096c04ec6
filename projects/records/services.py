"""The writes of the records: the sealed archival PDF of a decided version, made once when the last
party has decided (projects.agreements.tasks.keep_decided_pdf), and the check of an uploaded file.

Nothing decided goes unsealed silently: when sealing fails (no certificate, a wrong password, an expired
certificate, the timestamp service down) the archival PDF is kept *unsealed*, an error is logged, an
event says so in the collaboration's activity list, the agreement page says the file has no seal, and
``seal_version`` may be run again (it replaces an unsealed record; a sealed one is never replaced)."""

import hashlib
import logging

from django.db import transaction
from django.utils.translation import gettext_noop

from projects.agreements import services as agreements
from projects.agreements.models import AgreementVersion
from projects.core.models import Event, EventText
from projects.records import archival, seal
from projects.records.models import SEAL_FAILED, SEALED, SealedRecord

logger = logging.getLogger(__name__)


def decided_on(version):
    days = [d.decided_on for d in version.decisions.all() if d.approved]
    return max(days) if days else None


def archival_pdf(version):
    """The decided version as PDF/A-2a + PDF/UA-1 with the record's XMP metadata (not sealed, not kept)."""
    data = agreements.version_pdf(version, archival=True)
    return archival.add_record_metadata(
        data,
        content_hash=version.content_hash,
        version_number=version.number,
        collaboration=str(version.content.get("collaboration") or version.agreement.collaboration),
        decided_on=decided_on(version),
    )


def seal_version(version):
    """Makes, seals and keeps the archival PDF of a decided version; the kept bytes are also the version's
    PDF (every download of the decided version is the sealed file). Returns the SealedRecord."""
    version = AgreementVersion.objects.select_related("agreement__collaboration").get(pk=version.pk)
    if version.status != AgreementVersion.Status.DECIDED:
        raise ValueError("only a decided version is sealed")
    existing = SealedRecord.objects.filter(version=version).first()
    if existing and existing.sealed:
        return existing
    data = archival_pdf(version)
    fields = {"error": "", "certificate_sha256": "", "certificate_subject": "", "timestamped": False}
    try:
        certificate = seal.load_certificate()
        data, fields["timestamped"] = seal.seal(data, certificate)
        state = SealedRecord.State.TEST_SEAL if certificate.self_signed else SealedRecord.State.SEALED
        fields.update(certificate_sha256=certificate.sha256, certificate_subject=certificate.subject)
    except Exception as exc:  # any failure is recorded and shown, never silent
        logger.error("The decided version %s was kept UNSEALED: %s", version.pk, exc, exc_info=True)
        state = SealedRecord.State.UNSEALED
        fields["error"] = f"{type(exc).__name__}: {exc}"[:500]
    return _keep(version, data, state, fields)


@transaction.atomic
def _keep(version, data, state, fields):
    record, _created = SealedRecord.objects.update_or_create(
        version=version, defaults={"pdf": data, "sha256": hashlib.sha256(data).hexdigest(), "state": state, **fields}
    )
    AgreementVersion.objects.filter(pk=version.pk).update(pdf=data)
    collaboration = version.agreement.collaboration
    if record.sealed:
        Event.record(
            collaboration, None, SEALED, version.agreement.title, EventText(gettext_noop("v%(n)s"), n=version.number)
        )
    else:
        Event.record(
            collaboration,
            None,
            SEAL_FAILED,
            version.agreement.title,
            EventText(gettext_noop("v%(n)s: PDF-filen sparades utan sigill"), n=version.number),
        )
    return record


def check_file(data):
    """What the check page says about an uploaded PDF: the record and the seal check when the file is
    exactly one that was handed out (its SHA-256), else None (one neutral answer)."""
    digest = hashlib.sha256(data).hexdigest()
    record = SealedRecord.objects.select_related("version__agreement__collaboration").filter(sha256=digest).first()
    if record is None:
        return None
    result = seal.check(data, record.certificate_sha256) if record.sealed else None
    return {"record": record, "seal": result}
