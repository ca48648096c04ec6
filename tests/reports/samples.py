"""Small files for the upload tests, made here (nothing is downloaded): real PDF, DOCX, XLSX, ODT and
ODS containers, and bad ones (a zip bomb, a nested zip, an encrypted PDF …)."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def pdf_bytes(text="Verksamhetsberättelse"):
    body = f"1 0 obj << /Type /Catalog >> endobj % {text}".encode()
    return b"%PDF-1.7\n" + body + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _content_types(main):
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
    ).encode()


def ooxml_bytes(kind="docx", extra=()):
    main, part = {"docx": (DOCX_TYPE, "word/document.xml"), "xlsx": (XLSX_TYPE, "xl/workbook.xml")}[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(main))
        archive.writestr(part, b"<document>Verksamhetsber\xc3\xa4ttelse</document>")
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def odf_bytes(kind="odt"):
    mimetype = {
        "odt": b"application/vnd.oasis.opendocument.text",
        "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    }[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", b"<office:document-content/>")
    return buffer.getvalue()


BOMB_ENTRY = "word/media/zeros.bin"


def docx_bomb(megabytes=200):
    """A DOCX-looking zip with one entry of ``megabytes`` MB of zeros (it compresses to ~0.2 MB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(DOCX_TYPE))
        archive.writestr("word/document.xml", b"<document/>")
        chunk = bytes(1024 * 1024)
        with archive.open(BOMB_ENTRY, "w", force_zip64=True) as entry:
            for _ in range(megabytes):
                entry.write(chunk)
    return buffer.getvalue()


def many_entries(count=5001):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", _content_types(DOCX_TYPE))
        archive.writestr("word/document.xml", b"<document/>")
        for i in range(count):
            archive.writestr(f"word/x{i}.xml", b"")
    return buffer.getvalue()


def upload(name, data, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)
