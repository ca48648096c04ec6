"""An E-ARK information package (CSIP 2.1 / SIP 2.1, which Riksarkivet's FGS Paketstruktur 2.0 adopts),
written as a ZIP. Knows nothing of the app: :mod:`projects.archive.services` gathers the files and the
facts, this module lays them out, describes them (METS, PREMIS 3) and zips them.

The layout, under a root folder named by the package's OBJID::

    <OBJID>/METS.xml                          the package's METS (CSIP profile: E-ARK SIP)
    <OBJID>/metadata/descriptive/...          the descriptions (dmdSec)
    <OBJID>/metadata/preservation/premis.xml  PREMIS 3: every file's SHA-256, formats, events, agents (amdSec)
    <OBJID>/documentation/...                 what the package holds, in words
    <OBJID>/schemas/...                       the XML schemas the METS documents use
    <OBJID>/representations/rep1/METS.xml     the representation's METS: every data file
    <OBJID>/representations/rep1/data/...     the records

Every file but the root METS.xml is listed with its SHA-256, size, MIME type and creation time: the
metadata files in the root METS's dmdSec/amdSec, the documentation, the schemas and the
representation's METS in its fileSec, the data files in the representation's METS; and all of them in
PREMIS. The root METS cannot hold its own checksum (nor PREMIS, which it references).
"""

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
PREMIS_NS = "http://www.loc.gov/premis/v3"

SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
CONTENT_CATEGORY = "Mixed"  # the CSIP content category vocabulary: documents and data sets together
CONTENT_INFORMATION_TYPE = "OTHER"
OTHER_CONTENT_INFORMATION_TYPE = "Samverkan: beslutad överenskommelse med handlingar"
REPRESENTATION = "rep1"

SCHEMA_DIR = Path(__file__).parent / "schemas"


def _schema_location(folder):
    return f"{METS_NS} {folder}mets.xsd {XLINK_NS} {folder}xlink.xsd {CSIP_NS} {folder}DILCISExtensionMETS.xsd"


# Characters XML 1.0 cannot hold at all (control characters but tab, newline and carriage return; the
# surrogates; U+FFFE and U+FFFF). They are dropped from text, never sent to the parser.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text):
    """``text`` as XML can hold it: a string without the characters XML 1.0 forbids (escaping of
    ``<``, ``&`` and quotes is lxml's)."""
    return _NOT_XML.sub("", str(text if text is not None else ""))


@dataclass
class PackageFile:
    """One file of the package: its path under the package root, its bytes, what it is."""

    path: str
    data: bytes
    mimetype: str
    format_name: str
    label: str = ""
    created: str = ""  # ISO 8601; the package's creation time when empty

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest().upper()

    @property
    def size(self):
        return len(self.data)


@dataclass
class Agent:
    """A PREMIS agent: ``kind`` "software", "organization" or "person"."""

    id: str
    name: str
    kind: str
    identifier: str = ""  # e.g. the organisation number
    version: str = ""
    note: str = ""


@dataclass
class PremisEvent:
    id: str
    type: str
    when: str
    detail: str
    outcome: str = "success"
    agents: list = field(default_factory=list)  # [(agent id, role)]


@dataclass
class Package:
    objid: str
    label: str
    created: str  # ISO 8601 with its offset
    software: Agent
    archivist: Agent | None  # the organisation whose archive takes it in (metsHdr ARCHIVIST)
    descriptive: list  # [(PackageFile, MDTYPE, OTHERMDTYPE or "")]
    documentation: list  # [PackageFile]
    data: list  # [PackageFile] paths relative to representations/rep1/data/
    entity: tuple  # (identifier type, identifier value, title): the intellectual entity PREMIS describes
    agents: list = field(default_factory=list)  # [Agent] besides the software
    events: list = field(default_factory=list)  # [PremisEvent] besides the package's creation


def _q(ns, tag):
    return f"{{{ns}}}{tag}"


def _m(tag):
    return _q(METS_NS, tag)


def _sub(parent, tag, text=None, **attributes):
    element = etree.SubElement(parent, tag, {k: clean(v) for k, v in attributes.items()})
    if text is not None:
        element.text = clean(text)
    return element


def _xml(root):
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _file_attributes(item, created, file_id):
    return {
        "ID": file_id,
        "MIMETYPE": item.mimetype,
        "SIZE": str(item.size),
        "CREATED": item.created or created,
        "CHECKSUM": item.sha256,
        "CHECKSUMTYPE": "SHA-256",
    }


def _flocat(parent, href):
    return etree.SubElement(
        parent, _m("FLocat"), {"LOCTYPE": "URL", _q(XLINK_NS, "type"): "simple", _q(XLINK_NS, "href"): clean(href)}
    )


def _mets_root(objid, label, created, software, archivist=None, schemas="schemas/"):
    nsmap = {"mets": METS_NS, "xlink": XLINK_NS, "xsi": XSI_NS, "csip": CSIP_NS}
    root = etree.Element(
        _m("mets"),
        {
            "OBJID": clean(objid),
            "LABEL": clean(label),
            "TYPE": CONTENT_CATEGORY,
            _q(CSIP_NS, "CONTENTINFORMATIONTYPE"): CONTENT_INFORMATION_TYPE,
            _q(CSIP_NS, "OTHERCONTENTINFORMATIONTYPE"): OTHER_CONTENT_INFORMATION_TYPE,
            "PROFILE": SIP_PROFILE,
            _q(XSI_NS, "schemaLocation"): _schema_location(schemas),
        },
        nsmap=nsmap,
    )
    header = _sub(root, _m("metsHdr"), CREATEDATE=created, LASTMODDATE=created, RECORDSTATUS="NEW")
    header.set(_q(CSIP_NS, "OAISPACKAGETYPE"), "SIP")
    agent = _sub(header, _m("agent"), ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    _sub(agent, _m("name"), software.name)
    _sub(agent, _m("note"), software.version).set(_q(CSIP_NS, "NOTETYPE"), "SOFTWARE VERSION")
    if archivist is not None:
        agent = _sub(header, _m("agent"), ROLE="ARCHIVIST", TYPE="ORGANIZATION")
        _sub(agent, _m("name"), archivist.name)
        if archivist.identifier:
            _sub(agent, _m("note"), archivist.identifier).set(_q(CSIP_NS, "NOTETYPE"), "IDENTIFICATIONCODE")
    return root


def _file_group(parent, use, group_id):
    return _sub(
        parent,
        _m("fileGrp"),
        ID=group_id,
        USE=use,
        **{
            _q(CSIP_NS, "CONTENTINFORMATIONTYPE"): CONTENT_INFORMATION_TYPE,
            _q(CSIP_NS, "OTHERCONTENTINFORMATIONTYPE"): OTHER_CONTENT_INFORMATION_TYPE,
        },
    )


def representation_mets(package):
    """The representation's METS.xml: every data file with its checksum, in one file group."""
    root = _mets_root(REPRESENTATION, package.label, package.created, package.software, schemas="../../schemas/")
    file_sec = _sub(root, _m("fileSec"), ID="filesec-rep1")
    group = _file_group(file_sec, "Data", "filegrp-data")
    for number, item in enumerate(package.data, 1):
        element = _sub(group, _m("file"), **_file_attributes(item, package.created, f"data-{number}"))
        _flocat(element, f"data/{item.path}")
    struct = _sub(root, _m("structMap"), ID="structmap-rep1", TYPE="PHYSICAL", LABEL="CSIP")
    top = _sub(struct, _m("div"), ID="div-rep1", LABEL=REPRESENTATION)
    data = _sub(top, _m("div"), ID="div-rep1-data", LABEL="Data")
    _sub(data, _m("fptr"), FILEID="filegrp-data")
    return _xml(root)


def _schemas():
    return [
        PackageFile(f"schemas/{path.name}", path.read_bytes(), "application/xml", "XML Schema Definition")
        for path in sorted(SCHEMA_DIR.glob("*.xsd"))
    ]


def premis(package, files):
    """PREMIS 3 of ``files`` (every file but the root METS and this one): objects with fixity, size
    and format; the intellectual entity; the events (the package's creation and ``package.events``);
    the agents."""
    root = etree.Element(
        _q(PREMIS_NS, "premis"),
        {
            "version": "3.0",
            _q(XSI_NS, "schemaLocation"): f"{PREMIS_NS} https://www.loc.gov/standards/premis/premis.xsd",
        },
        nsmap={"premis": PREMIS_NS, "xsi": XSI_NS},
    )

    def p(tag):
        return _q(PREMIS_NS, tag)

    def identifier(parent, kind, id_type, value):
        element = _sub(parent, p(f"{kind}Identifier"))
        _sub(element, p(f"{kind}IdentifierType"), id_type)
        _sub(element, p(f"{kind}IdentifierValue"), value)

    id_type, id_value, title = package.entity
    entity = _sub(root, p("object"), **{_q(XSI_NS, "type"): "premis:intellectualEntity"})
    identifier(entity, "object", id_type, id_value)
    _sub(entity, p("originalName"), title)
    for item in files:
        obj = _sub(root, p("object"), **{_q(XSI_NS, "type"): "premis:file"})
        identifier(obj, "object", "local", item.path)
        characteristics = _sub(obj, p("objectCharacteristics"))
        _sub(characteristics, p("compositionLevel"), "0")
        fixity = _sub(characteristics, p("fixity"))
        _sub(fixity, p("messageDigestAlgorithm"), "SHA-256")
        _sub(fixity, p("messageDigest"), item.sha256)
        _sub(fixity, p("messageDigestOriginator"), package.software.name)
        _sub(characteristics, p("size"), str(item.size))
        designation = _sub(_sub(characteristics, p("format")), p("formatDesignation"))
        _sub(designation, p("formatName"), item.format_name)
        _sub(obj, p("originalName"), item.path.rsplit("/", 1)[-1])
        link = _sub(obj, p("relationship"))
        _sub(link, p("relationshipType"), "structural")
        _sub(link, p("relationshipSubType"), "is included in")
        related = _sub(link, p("relatedObjectIdentifier"))
        _sub(related, p("relatedObjectIdentifierType"), id_type)
        _sub(related, p("relatedObjectIdentifierValue"), id_value)
    creation = PremisEvent(
        "event-package-creation",
        "information package creation",
        package.created,
        f"E-ARK SIP {package.objid} skapat av {package.software.name} {package.software.version}",
        agents=[(package.software.id, "executing program")],
    )
    for event in [creation, *package.events]:
        element = _sub(root, p("event"))
        identifier(element, "event", "local", event.id)
        _sub(element, p("eventType"), event.type)
        _sub(element, p("eventDateTime"), event.when)
        _sub(_sub(element, p("eventDetailInformation")), p("eventDetail"), event.detail)
        _sub(_sub(element, p("eventOutcomeInformation")), p("eventOutcome"), event.outcome)
        for agent_id, role in event.agents:
            link = _sub(element, p("linkingAgentIdentifier"))
            _sub(link, p("linkingAgentIdentifierType"), "local")
            _sub(link, p("linkingAgentIdentifierValue"), agent_id)
            _sub(link, p("linkingAgentRole"), role)
        link = _sub(element, p("linkingObjectIdentifier"))
        _sub(link, p("linkingObjectIdentifierType"), id_type)
        _sub(link, p("linkingObjectIdentifierValue"), id_value)
    for agent in [package.software, *package.agents]:
        element = _sub(root, p("agent"))
        identifier(element, "agent", "local", agent.id)
        _sub(element, p("agentName"), agent.name)
        _sub(element, p("agentType"), agent.kind)
        if agent.version:
            _sub(element, p("agentVersion"), agent.version)
        if agent.identifier:
            _sub(element, p("agentNote"), f"organisationsnummer {agent.identifier}")
        if agent.note:
            _sub(element, p("agentNote"), agent.note)
    return _xml(root)


def root_mets(package, *, descriptive, preservation, documentation, schemas, rep_mets):
    root = _mets_root(package.objid, package.label, package.created, package.software, package.archivist)
    dmd_ids = []
    for number, (item, mdtype, other) in enumerate(descriptive, 1):
        dmd_id = f"dmd-{number}"
        dmd_ids.append(dmd_id)
        section = _sub(root, _m("dmdSec"), ID=dmd_id, CREATED=package.created, STATUS="CURRENT")
        _md_ref(section, item, package.created, mdtype, other)
    amd = _sub(root, _m("amdSec"), ID="amdsec")
    digiprov = _sub(amd, _m("digiprovMD"), ID="digiprov-premis", STATUS="CURRENT")
    _md_ref(digiprov, preservation, package.created, "PREMIS", "")
    file_sec = _sub(root, _m("fileSec"), ID="filesec")
    groups = [
        ("Documentation", "filegrp-documentation", documentation),
        ("Schemas", "filegrp-schemas", schemas),
        (f"Representations/{REPRESENTATION}", "filegrp-rep1", [rep_mets]),
    ]
    for use, group_id, items in groups:
        group = _file_group(file_sec, use, group_id)
        for number, item in enumerate(items, 1):
            element = _sub(group, _m("file"), **_file_attributes(item, package.created, f"{group_id}-{number}"))
            _flocat(element, item.path)
    struct = _sub(root, _m("structMap"), ID="structmap-csip", TYPE="PHYSICAL", LABEL="CSIP")
    top = _sub(struct, _m("div"), ID="div-package", LABEL=package.objid)
    _sub(top, _m("div"), ID="div-metadata", LABEL="Metadata", DMDID=" ".join(dmd_ids), ADMID="digiprov-premis")
    for label, group_id in (("Documentation", "filegrp-documentation"), ("Schemas", "filegrp-schemas")):
        _sub(_sub(top, _m("div"), ID=f"div-{label.lower()}", LABEL=label), _m("fptr"), FILEID=group_id)
    representations = _sub(top, _m("div"), ID="div-representations", LABEL="Representations")
    _sub(representations, _m("fptr"), FILEID="filegrp-rep1")
    rep = _sub(representations, _m("div"), ID="div-rep1", LABEL=f"Representations/{REPRESENTATION}")
    _sub(
        rep,
        _m("mptr"),
        LOCTYPE="URL",
        **{
            _q(XLINK_NS, "type"): "simple",
            _q(XLINK_NS, "href"): rep_mets.path,
            _q(XLINK_NS, "title"): "filegrp-rep1",
        },
    )
    return _xml(root)


def _md_ref(parent, item, created, mdtype, other):
    attributes = {
        "LOCTYPE": "URL",
        _q(XLINK_NS, "type"): "simple",
        _q(XLINK_NS, "href"): item.path,
        "MDTYPE": mdtype,
        "MIMETYPE": item.mimetype,
        "SIZE": str(item.size),
        "CREATED": item.created or created,
        "CHECKSUM": item.sha256,
        "CHECKSUMTYPE": "SHA-256",
    }
    if other:
        attributes["OTHERMDTYPE"] = other
    if item.label:
        attributes["LABEL"] = item.label
    return _sub(parent, _m("mdRef"), **attributes)


def write(package, out):
    """The package as a ZIP into ``out`` (a binary file object); the paths in it, in order."""
    data = [
        PackageFile(
            f"representations/{REPRESENTATION}/data/{item.path}", item.data, item.mimetype, item.format_name, item.label
        )
        for item in package.data
    ]
    rep_mets = PackageFile(
        f"representations/{REPRESENTATION}/METS.xml", representation_mets(package), "application/xml", "METS"
    )
    schemas = _schemas()
    described = [*data, rep_mets, *(item for item, _t, _o in package.descriptive), *package.documentation, *schemas]
    preservation = PackageFile(
        "metadata/preservation/premis.xml", premis(package, described), "application/xml", "PREMIS"
    )
    mets = root_mets(
        package,
        descriptive=package.descriptive,
        preservation=preservation,
        documentation=package.documentation,
        schemas=schemas,
        rep_mets=rep_mets,
    )
    everything = [("METS.xml", mets), *((item.path, item.data) for item in [*described, preservation])]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, content in everything:
            archive.writestr(f"{package.objid}/{path}", content)
    return [path for path, _content in everything]
