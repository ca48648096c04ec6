"""The service's seal on a decided agreement's archival PDF: a PAdES signature (pyHanko) with the
certificate and key of a PKCS#12 file (``SEAL_PKCS12_PATH``, ``SEAL_PKCS12_PASSWORD``), and an RFC 3161
timestamp when ``TSA_URL`` is set. A self-signed certificate is a test seal: ``make_test_seal`` writes
one for development, the pages say so, and ``check_deployment`` refuses it in production.

Verification trusts exactly the certificate the file was sealed with as it is kept with the record
(``SealedRecord.certificate_sha256``), never the certificate the file carries alone: integrity
(the signed byte ranges cover the whole file, the digest matches) and that certificate."""

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from projects.records import archival

logger = logging.getLogger(__name__)

FIELD_NAME = archival.SEAL_FIELD  # the tagged, empty field the archival PDF carries


class SealError(Exception):
    """The seal could not be made (no certificate, a wrong password, an expired certificate …)."""


@dataclass
class SealCertificate:
    signer: signers.SimpleSigner
    sha256: str
    subject: str
    not_after: datetime
    self_signed: bool

    @property
    def expired(self):
        return self.not_after <= datetime.now(UTC)


def load_certificate(path=None, password=None):
    """The configured seal; raises SealError with what is wrong."""
    path = path or settings.SEAL_PKCS12_PATH
    password = settings.SEAL_PKCS12_PASSWORD if password is None else password
    if not path:
        raise SealError("SEAL_PKCS12_PATH is not set")
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise SealError(f"the seal's PKCS#12 file cannot be read: {path} ({exc.strerror or exc})") from exc
    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=(password or "").encode() or None)
    if signer is None:
        raise SealError(f"the seal's PKCS#12 file cannot be opened (wrong password or not PKCS#12): {path}")
    cert = signer.signing_cert
    return SealCertificate(
        signer=signer,
        sha256=hashlib.sha256(cert.dump()).hexdigest(),
        subject=cert.subject.human_friendly[:300],
        not_after=cert["tbs_certificate"]["validity"]["not_after"].native,
        self_signed=cert.self_signed != "no",
    )


def timestamper():
    """The RFC 3161 timestamper when TSA_URL is set, else None."""
    if not settings.TSA_URL:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(settings.TSA_URL, timeout=10)


def seal(data, certificate, *, reason="Beslutad version", location=""):
    """``data`` signed as PAdES B-B (B-T with a timestamp), in its invisible signature field (made by
    archival.add_record_metadata; pyHanko adds one, untagged, to a PDF without it)."""
    if certificate.expired:
        raise SealError(f"the seal certificate expired {certificate.not_after:%Y-%m-%d}")
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
        name=certificate.subject[:200],
    )
    stamper = timestamper()
    out = signers.PdfSigner(meta, signer=certificate.signer, timestamper=stamper).sign_pdf(writer)
    return out.getvalue(), stamper is not None


@dataclass
class SealCheck:
    intact: bool  # the signature covers the whole file and its digest matches
    ours: bool  # signed with the trusted certificate (the one kept with the record)
    timestamped: bool = False
    signed_at: datetime | None = None


def check(data, trusted_sha256):
    """Validates the (single) seal of ``data`` against the certificate with fingerprint ``trusted_sha256``.
    Never raises for a broken file: a file that cannot be read has no intact seal."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = reader.embedded_signatures
        if len(embedded) != 1:
            return SealCheck(intact=False, ours=False)
        sig = embedded[0]
        cert = sig.signer_cert
        ours = hashlib.sha256(cert.dump()).hexdigest() == trusted_sha256
        context = ValidationContext(trust_roots=[cert] if ours else [], allow_fetching=False)
        status = validate_pdf_signature(sig, signer_validation_context=context)
        intact = bool(status.intact and status.valid and status.coverage.name == "ENTIRE_FILE")
        return SealCheck(
            intact=intact,
            ours=ours and status.trusted,
            timestamped=status.timestamp_validity is not None,
            signed_at=status.signer_reported_dt,
        )
    except Exception:  # a crafted or garbled file: not intact, and never a 500
        logger.info("seal check failed on an uploaded file", exc_info=True)
        return SealCheck(intact=False, ours=False)


def parse_certificate(der):
    return asn1_x509.Certificate.load(der)
