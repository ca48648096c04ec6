"""The archival PDF of a decided version: PDF/A-2a (tagged: "accessible" conformance) that also declares
PDF/UA-1, with the record's facts in its XMP metadata.

WeasyPrint writes one variant at a time ("pdf/a-2a" gives the tags, the sRGB output intent, embedded
fonts and ``pdfaid:part=2, conformance=A``; "pdf/ua-1" gives the same tags and ``pdfuaid:part=1``). The
two standards are compatible (ISO 14289-1 asks for a tagged PDF with the identification in XMP; PDF/A-2
allows any XMP property that an extension schema describes), so this module renders PDF/A-2a and adds
to its XMP packet, with pikepdf:

- ``pdfuaid:part`` = 1, described by a PDF/A extension schema (pdfuaid is not one of PDF/A-2's
  predefined schemas);
- ``dc:language`` (sv), ``dc:identifier`` (``urn:sha256:`` + the version's content hash) and the
  record's own properties in the ``samverkan`` namespace (``ContentHash``, ``AgreementVersion``,
  ``Collaboration``, ``DecidedOn``), described by an extension schema too;
- ``/ViewerPreferences /DisplayDocTitle true`` (PDF/UA: the title, not the file name, in the title bar);
- the empty signature field that the seal fills (``SEAL_FIELD``): an invisible widget (a zero rectangle,
  the Print flag, as PDF/A asks) on the last page, tagged as a ``Form`` structure element with a
  description (PDF/UA: every widget in the structure tree, with ``/TU``). pyHanko then signs that field
  instead of adding an untagged one.

The renderer fetches nothing (projects.common.pdf.StaticOnlyFetcher: the app's own static files only).
"""

import io

import pikepdf
from lxml import etree

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
PDFAEXT = "http://www.aiim.org/pdfa/ns/extension/"
PDFASCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
PDFAPROPERTY = "http://www.aiim.org/pdfa/ns/property#"
SAMVERKAN = "https://samverkan.invalid/ns/record/1.0/"
NSMAP = {
    "rdf": RDF,
    "dc": DC,
    "pdfuaid": PDFUAID,
    "pdfaExtension": PDFAEXT,
    "pdfaSchema": PDFASCHEMA,
    "pdfaProperty": PDFAPROPERTY,
    "samverkan": SAMVERKAN,
}

# (namespace, prefix, schema name, [(property, value type, description)])
EXTENSION_SCHEMAS = [
    (PDFUAID, "pdfuaid", "PDF/UA identification schema", [("part", "Integer", "Part of ISO 14289 (PDF/UA)")]),
    (
        SAMVERKAN,
        "samverkan",
        "Samverkan agreement record",
        [
            ("ContentHash", "Text", "SHA-256 of the decided version's content (the app's content hash)"),
            ("AgreementVersion", "Integer", "The agreement's version number"),
            ("Collaboration", "Text", "The collaboration the agreement belongs to"),
            ("DecidedOn", "Date", "The day the last party decided (ISO 8601)"),
        ],
    ),
]


def _q(prefix, name):
    return f"{{{NSMAP[prefix]}}}{name}"


def _description(rdf):
    element = etree.SubElement(rdf, _q("rdf", "Description"), nsmap=NSMAP)
    element.set(_q("rdf", "about"), "")
    return element


def _extension_schemas(rdf):
    schemas = etree.SubElement(_description(rdf), _q("pdfaExtension", "schemas"))
    bag = etree.SubElement(schemas, _q("rdf", "Bag"))
    for uri, prefix, name, properties in EXTENSION_SCHEMAS:
        schema = etree.SubElement(bag, _q("rdf", "li"))
        schema.set(_q("rdf", "parseType"), "Resource")
        etree.SubElement(schema, _q("pdfaSchema", "schema")).text = name
        etree.SubElement(schema, _q("pdfaSchema", "namespaceURI")).text = uri
        etree.SubElement(schema, _q("pdfaSchema", "prefix")).text = prefix
        seq = etree.SubElement(etree.SubElement(schema, _q("pdfaSchema", "property")), _q("rdf", "Seq"))
        for prop, value_type, text in properties:
            item = etree.SubElement(seq, _q("rdf", "li"))
            item.set(_q("rdf", "parseType"), "Resource")
            etree.SubElement(item, _q("pdfaProperty", "name")).text = prop
            etree.SubElement(item, _q("pdfaProperty", "valueType")).text = value_type
            etree.SubElement(item, _q("pdfaProperty", "category")).text = "external"
            etree.SubElement(item, _q("pdfaProperty", "description")).text = text


SEAL_FIELD = "Sigill"
SEAL_FIELD_DESCRIPTION = "Elektroniskt sigill: visar att filen är den beslutade versionen och inte har ändrats"


def _add_seal_field(document):
    page = document.pages[-1].obj
    root = document.Root.StructTreeRoot
    nums = root.ParentTree.Nums
    key = max([int(nums[i]) for i in range(0, len(nums), 2)] + [int(root.get("/ParentTreeNextKey", 0)) - 1]) + 1
    widget = document.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget,
            FT=pikepdf.Name.Sig,
            T=pikepdf.String(SEAL_FIELD),
            TU=pikepdf.String(SEAL_FIELD_DESCRIPTION),
            Rect=[0, 0, 0, 0],
            F=132,  # Print + Locked
            P=page,
            StructParent=key,
        )
    )
    if "/Annots" not in page:
        page.Annots = pikepdf.Array()
    page.Annots.append(widget)
    document.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([widget]))
    top = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
    element = document.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem,
            S=pikepdf.Name.Form,
            P=top,
            Pg=page,
            Alt=pikepdf.String(SEAL_FIELD_DESCRIPTION),
            K=pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=widget, Pg=page),
        )
    )
    if not isinstance(top.K, pikepdf.Array):
        top.K = pikepdf.Array([top.K])
    top.K.append(element)
    nums.extend([key, element])
    root.ParentTreeNextKey = key + 1


def add_record_metadata(data, *, content_hash, version_number, collaboration, decided_on, lang="sv"):
    """``data``: WeasyPrint's PDF/A-2a. Returns the PDF with the XMP additions above (a full rewrite by
    qpdf, before any signature)."""
    with pikepdf.open(io.BytesIO(data)) as document:
        raw = bytes(document.Root.Metadata.read_bytes())
        start, end = raw.index(b"<x:xmpmeta"), raw.rindex(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")
        xmpmeta = etree.fromstring(raw[start:end], parser=etree.XMLParser(resolve_entities=False))
        rdf = xmpmeta.find(_q("rdf", "RDF"))
        _description(rdf).set(_q("pdfuaid", "part"), "1")
        facts = _description(rdf)
        language = etree.SubElement(etree.SubElement(facts, _q("dc", "language")), _q("rdf", "Bag"))
        etree.SubElement(language, _q("rdf", "li")).text = lang
        etree.SubElement(facts, _q("dc", "identifier")).text = f"urn:sha256:{content_hash}"
        etree.SubElement(facts, _q("samverkan", "ContentHash")).text = content_hash
        etree.SubElement(facts, _q("samverkan", "AgreementVersion")).text = str(version_number)
        etree.SubElement(facts, _q("samverkan", "Collaboration")).text = collaboration
        if decided_on:
            etree.SubElement(facts, _q("samverkan", "DecidedOn")).text = decided_on.isoformat()
        _extension_schemas(rdf)
        packet = (
            b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            + etree.tostring(xmpmeta, encoding="utf-8")
            + b"\n"
            + (b" " * 99 + b"\n") * 20  # padding, as XMP writers leave for edits in place
            + b'<?xpacket end="w"?>'
        )
        document.Root.Metadata = document.make_stream(packet, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        document.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
        _add_seal_field(document)
        out = io.BytesIO()
        document.save(out, fix_metadata_version=False)
        return out.getvalue()


def read_metadata(data):
    """The record's facts from a PDF's XMP (for the tests and the check page): a dict, empty when absent."""
    with pikepdf.open(io.BytesIO(data)) as document:
        meta = document.open_metadata()
        return {
            "pdfaid_part": meta.get("pdfaid:part"),
            "pdfaid_conformance": meta.get("pdfaid:conformance"),
            "pdfuaid_part": meta.get("pdfuaid:part"),
            "title": meta.get("dc:title"),
            "identifier": meta.get("dc:identifier"),
            "content_hash": meta.get(f"{{{SAMVERKAN}}}ContentHash"),
            "version": meta.get(f"{{{SAMVERKAN}}}AgreementVersion"),
        }
