"""What an uploaded document is, decided by its content (never by its name or the browser's type).

- PDF: starts with ``%PDF-`` and ends with ``%%EOF`` (in the last kilobyte, as readers look for it); an
  encrypted PDF (``/Encrypt``) is refused: the other parties could not open it.
- DOCX, XLSX (Office Open XML) and ODT, ODS (OpenDocument) are ZIP containers. Only the central
  directory is read (``zipfile``: the names, declared sizes and count); of the entries only
  ``[Content_Types].xml`` or ``mimetype`` is opened, and at most ``PEEK_BYTES`` of it is read. Nothing
  is ever extracted. A zip bomb is refused before anything is read: too many entries, a declared
  uncompressed total too large, an absurd compression ratio, an archive inside, encrypted entries.

Why no library: ``filetype`` and ``puremagic`` look at the first bytes for signatures (a ZIP's
``PK\\x03\\x04``, and for Office a name like ``word/`` in the first local header), which a renamed ZIP
passes; they neither read the central directory nor refuse a bomb, so this check would be needed
anyway, and for PDF the signature is one ``startswith``. ``python-magic`` needs libmagic on every
machine (docs/deployment.md, "Uploaded documents").
"""

import hashlib
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MAX_BYTES = 20 * 1024 * 1024  # 20 MB
PEEK_BYTES = 64 * 1024  # what is read of [Content_Types].xml (a real one is a few kilobytes)
MAX_ENTRIES = 5000
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # the declared total of all entries
MAX_RATIO = 100  # uncompressed / compressed, for an entry of more than RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
ARCHIVE_NAMES = (".zip", ".jar", ".7z", ".rar", ".gz", ".tgz", ".bz2", ".xz", ".tar", ".cab")

OOXML_MAIN = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": ("docx", "word/document.xml"),
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": ("xlsx", "xl/workbook.xml"),
}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}

TOO_LARGE = _("Filen är större än 20 MB. Spara den mindre (till exempel som PDF) och ladda upp den igen.")


class Refused(Exception):
    """The file is not accepted; the message says why and what to do, in Swedish."""


@dataclass
class Checked:
    format: str  # ReportDocument.Format
    size: int
    sha256: str


def check(upload):
    """The checked format, size and SHA-256 of an uploaded file (a Django UploadedFile), or Refused."""
    size = upload.size
    if size is None or size == 0:
        raise Refused(_("Filen är tom. Välj filen igen och kontrollera att den har innehåll."))
    if size > MAX_BYTES:
        raise Refused(TOO_LARGE)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        fmt = _check_pdf(upload, size)
    elif head.startswith(b"PK\x03\x04"):
        fmt = _check_zip(upload)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise Refused(
            _(
                "Filen är lösenordsskyddad eller i ett äldre Office-format (DOC, XLS). "
                "Spara den utan lösenord som PDF, DOCX eller XLSX och ladda upp den igen."
            )
        )
    else:
        raise Refused(_("Filen är inte en PDF, DOCX, XLSX, ODT eller ODS, vad den än heter. Välj en sådan fil."))
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Checked(fmt, size, digest.hexdigest())


def _check_pdf(upload, size):
    upload.seek(max(0, size - 1024))
    tail = upload.read()
    if b"%%EOF" not in tail:
        raise Refused(_("PDF-filen är trasig eller ofullständig. Spara den som PDF igen och ladda upp den på nytt."))
    upload.seek(0)
    previous = b""
    for chunk in upload.chunks():
        if b"/Encrypt" in previous[-16:] + chunk:
            raise Refused(_("PDF-filen är lösenordsskyddad. Spara den utan lösenord och ladda upp den igen."))
        previous = chunk
    return "pdf"


def _check_zip(upload):
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise Refused(_("Filen är trasig: den går inte att öppna. Spara den igen och ladda upp den på nytt.")) from None
    with archive:
        entries = archive.infolist()  # the central directory, read by ZipFile(); nothing is unpacked
        _refuse_bomb(entries)
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" in names:
            content_types = _peek(archive, "[Content_Types].xml")
            for main, (fmt, part) in OOXML_MAIN.items():
                if main in content_types and part in names:
                    return fmt
            raise Refused(
                _("Filen är ett Office-dokument av en sort som inte tas emot. Spara den som DOCX, XLSX eller PDF.")
            )
        if "mimetype" in names:
            mimetype = _peek(archive, "mimetype", 100).strip()
            if mimetype in ODF_MIMETYPES:
                return ODF_MIMETYPES[mimetype]
    raise Refused(_("Filen är en ZIP-fil, inte ett dokument. Ladda upp dokumentet som PDF, DOCX, XLSX, ODT eller ODS."))


def _refuse_bomb(entries):
    bomb = _("Filen ser ut som en så kallad zip-bomb och tas inte emot. Spara dokumentet som PDF och ladda upp det.")
    if len(entries) > MAX_ENTRIES:
        raise Refused(bomb)
    total = 0
    for entry in entries:
        total += entry.file_size
        if total > MAX_UNCOMPRESSED:
            raise Refused(bomb)
        if entry.file_size > RATIO_FROM and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise Refused(bomb)
        if entry.flag_bits & 0x1:
            raise Refused(_("Filen är lösenordsskyddad. Spara den utan lösenord och ladda upp den igen."))
        if entry.filename.lower().endswith(ARCHIVE_NAMES):
            raise Refused(_("Filen innehåller ett annat arkiv och tas inte emot. Spara dokumentet som PDF."))


def _peek(archive, name, limit=PEEK_BYTES):
    """At most ``limit`` bytes of one small entry (its declared size was checked by _refuse_bomb)."""
    try:
        with archive.open(name) as entry:
            return entry.read(limit)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        raise Refused(_("Filen är trasig: den går inte att öppna. Spara den igen och ladda upp den på nytt.")) from None
