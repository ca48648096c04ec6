"""The package for the e-archive: a decided agreement version and its collaboration as an E-ARK SIP
(projects.archive.eark lays it out).

What it holds (``representations/rep1/data/``): the decided version's PDF (what
``agreements.version_pdf`` returns: the kept, archival PDF), the decisions (``beslut.json``), the
collaboration file (``samverkan.json``, projects.transfer), every meeting's approved minutes as a PDF
(``protokoll/``) and the evaluation appendix (``utvardering.pdf``). The descriptions
(``metadata/descriptive/``): Dublin Core, and the agreement's record with each party's record number
(diarienummer), the period and the decisions. The files are written in Swedish whatever the
downloader's language: they are the municipality's records.

It is built when it is downloaded, into a temporary file, and nothing of it is kept; the download is
recorded in the activity list (:func:`record_download`).
"""

import importlib.metadata
import json
import re
import unicodedata
import uuid
from datetime import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_noop
from lxml import etree

from projects.agreements import services as agreements
from projects.agreements.models import AgreementVersion
from projects.archive import eark
from projects.archive.models import ARCHIVE_DOWNLOADED
from projects.common import pdf
from projects.core.models import Event, EventText
from projects.evaluation import services as evaluation
from projects.meetings.models import Meeting, MeetingParticipant
from projects.transfer import services as transfer

DESCRIPTION_NS = "urn:x-samverkan:e-arkiv:1"
DC_NS = "http://purl.org/dc/elements/1.1/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"


def is_decided(version):
    return version is not None and version.status == AgreementVersion.Status.DECIDED


def _software():
    try:
        release = importlib.metadata.version("samverkan")
    except importlib.metadata.PackageNotFoundError:
        release = "0.1.0"
    return eark.Agent("agent-software", "Samverkan", "software", version=release)


def _iso(moment):
    if isinstance(moment, datetime):
        return timezone.localtime(moment).isoformat(timespec="seconds")
    return moment.isoformat() if moment else ""


# Letters NFKD does not take apart into an ASCII letter and a mark.
_LETTERS = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "ß": "ss", "Đ": "D", "đ": "d"})


def file_safe(text, limit=60):
    """``text`` for a file name: ASCII letters, digits, "-" and "." only (å → a, Ł → L, "/" → "-"), case
    kept."""
    ascii_text = unicodedata.normalize("NFKD", str(text).translate(_LETTERS)).encode("ascii", "ignore").decode()
    return re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9.]+", "-", ascii_text)).strip("-.")[:limit].strip("-.")


# What the package describes ---------------------------------------------------------------------


def _parties(version):
    """The version's parties as frozen, with each party's record number and signatory as the
    agreement holds them now (a diarienummer is often given after the version was frozen)."""
    agreement = version.agreement
    records = {r.party_id: r for r in agreement.party_records.all()}
    current = {p.pk: p for p in agreement.collaboration.parties.select_related("organisation")}
    parties = []
    for frozen in version.content.get("parties", []):
        party = current.get(frozen.get("id"))
        record = records.get(frozen.get("id"))
        parties.append(
            {
                "id": frozen.get("id"),
                "name": frozen.get("name", ""),
                "sector": frozen.get("sector", ""),
                "org_number": frozen.get("org_number", ""),
                "public": bool(party and party.organisation.is_public),
                "record_number": (record.record_number if record else "") or frozen.get("record_number", ""),
                "signatory": (record.signatory if record else "") or frozen.get("signatory", ""),
            }
        )
    return parties


def _decisions(version):
    return [
        {
            "party_id": d.party_id,
            "party": d.party.organisation.name,
            "approved": d.approved,
            "body": d.body,
            "decided_on": d.decided_on.isoformat(),
            "reference": d.reference,
            "comment": d.comment,
            "recorded_by": d.recorded_by_name,
            "recorded_at": _iso(d.recorded_at),
        }
        for d in version.decisions.select_related("party__organisation").order_by("decided_on", "pk")
    ]


def _description(version, parties, decisions):
    """The agreement's record: the collaboration, the version, the period, the parties with their
    record numbers, the decisions."""
    content = version.content
    agreement = version.agreement

    def e(parent, tag, text=None, **attributes):
        cleaned = {name: eark.clean(value) for name, value in attributes.items()}
        element = etree.SubElement(parent, f"{{{DESCRIPTION_NS}}}{tag}", cleaned)
        if text is not None:
            element.text = eark.clean(text)
        return element

    root = etree.Element(f"{{{DESCRIPTION_NS}}}agreementRecord", nsmap={None: DESCRIPTION_NS}, language="sv")
    e(root, "collaboration", content.get("collaboration", ""), id=str(agreement.collaboration_id))
    e(
        root,
        "agreement",
        content.get("title", ""),
        period=str(agreement.period),
        version=str(version.number),
        contentHash=version.content_hash,
        frozen=_iso(version.frozen_at),
        form=content.get("form", ""),
    )
    period = content.get("period", {})
    e(root, "period", start=period.get("start", ""), end=period.get("end", ""))
    parties_element = e(root, "parties")
    for party in parties:
        element = e(
            parties_element,
            "party",
            id=str(party["id"]),
            sector=party["sector"],
            public="true" if party["public"] else "false",
            orgNumber=party["org_number"],
        )
        e(element, "name", party["name"])
        e(element, "recordNumber", party["record_number"])
        e(element, "signatory", party["signatory"])
    decisions_element = e(root, "decisions")
    for decision in decisions:
        element = e(
            decisions_element,
            "decision",
            party=str(decision["party_id"]),
            approved="true" if decision["approved"] else "false",
            decidedOn=decision["decided_on"],
        )
        e(element, "partyName", decision["party"])
        e(element, "body", decision["body"])
        e(element, "reference", decision["reference"])
        if decision["comment"]:
            e(element, "comment", decision["comment"])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _dublin_core(version, parties, decisions):
    content = version.content
    root = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS})

    def dc(tag, text):
        if text:
            etree.SubElement(root, f"{{{DC_NS}}}{tag}").text = eark.clean(text)

    dc("title", f"{content.get('title', '')}, version {version.number}")
    for party in parties:
        dc("creator", party["name"])
    dc("subject", content.get("form", ""))
    dc("description", f"Beslutad överenskommelse i samverkan {content.get('collaboration', '')}")
    for decision in decisions:
        dc("date", decision["decided_on"])
    period = content.get("period", {})
    if period.get("start") or period.get("end"):
        dc("coverage", f"{period.get('start', '')}/{period.get('end', '')}")
    for party in parties:
        if party["record_number"]:
            dc("identifier", f"{party['name']}: diarienummer {party['record_number']}")
    dc("identifier", f"sha256:{version.content_hash}")
    dc("type", "Text")
    dc("language", "sv")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# The records ------------------------------------------------------------------------------------


def _minutes(collaboration):
    """(file name, PDF) of every meeting's approved (locked) minutes, oldest first."""
    meetings = list(
        Meeting.objects.filter(collaboration=collaboration, minutes_locked_at__isnull=False).order_by("starts_at", "pk")
    )
    participants = {}
    for p in MeetingParticipant.objects.filter(meeting__in=meetings).select_related("party__organisation"):
        participants.setdefault(p.meeting_id, []).append(p)
    files = []
    for number, meeting in enumerate(meetings, 1):
        html = render_to_string(
            "projects/archive/minutes_pdf.html",
            {
                "meeting": meeting,
                "collaboration": collaboration,
                "participants": participants.get(meeting.pk, []),
                "paragraphs": [p for p in re.split(r"\n\s*\n", eark.clean(meeting.minutes).strip()) if p.strip()],
                "static_base": pdf.STATIC_BASE,
            },
        )
        day = timezone.localtime(meeting.starts_at).date().isoformat()
        name = f"protokoll/{day}-{number:03d}-{file_safe(meeting.title, 40) or 'mote'}.pdf"
        files.append((name, pdf.html_to_pdf(html), meeting))
    return files


def _documentation(version, data_files):
    lines = [
        "Paket för e-arkivet (E-ARK SIP enligt CSIP 2.1, som FGS Paketstruktur 2.0 bygger på)",
        "",
        f"Överenskommelse: {version.content.get('title', '')}, version {version.number}",
        f"Samverkan: {version.content.get('collaboration', '')}",
        f"Innehållets kontrollsumma (SHA-256): {version.content_hash}",
        "",
        "Innehåll i representations/rep1/data/:",
        *(f"- {item.path}: {item.label}" for item in data_files),
        "",
        "metadata/descriptive/dc.xml: Dublin Core.",
        "metadata/descriptive/overenskommelse.xml: parterna med diarienummer, perioden och besluten.",
        "metadata/preservation/premis.xml: PREMIS 3, varje fils SHA-256, format och händelser.",
        "Varje fil utom METS.xml i paketets rot har sin SHA-256 och storlek i en METS-fil och i PREMIS.",
        "",
    ]
    return eark.PackageFile(
        "documentation/om-paketet.txt",
        eark.clean("\n".join(lines)).encode(),
        "text/plain",
        "Plain text (UTF-8)",
        "Om paketet",
    )


def build(version, *, membership, out):
    """Write the package of the decided ``version`` into ``out`` (a binary file); its paths."""
    if not is_decided(version):
        raise ValueError("Only a decided version is archived.")
    agreement = version.agreement
    collaboration = agreement.collaboration
    created = _iso(timezone.now())
    parties = _parties(version)
    decisions = _decisions(version)
    data = [
        eark.PackageFile(
            f"overenskommelse-v{version.number}.pdf",
            agreements.version_pdf(version),
            "application/pdf",
            "Portable Document Format",
            f"Överenskommelsen, version {version.number}, beslutad",
        ),
        eark.PackageFile(
            "beslut.json",
            json.dumps(
                {"agreement": version.content.get("title", ""), "version": version.number, "decisions": decisions},
                ensure_ascii=False,
                indent=2,
            ).encode(),
            "application/json",
            "JSON",
            "Parternas beslut",
        ),
        eark.PackageFile(
            "samverkan.json",
            transfer.export_json(collaboration).encode(),
            "application/json",
            "JSON",
            "Samverkansfilen: hela samverkan",
        ),
    ]
    minutes = _minutes(collaboration)
    data += [
        eark.PackageFile(name, body, "application/pdf", "Portable Document Format", f"Protokoll: {meeting.title}")
        for name, body, meeting in minutes
    ]
    data.append(
        eark.PackageFile(
            "utvardering.pdf",
            evaluation.appendix_pdf(collaboration),
            "application/pdf",
            "Portable Document Format",
            "Bilaga: Utvärdering",
        )
    )
    software = _software()
    organisations = {}
    for party in parties:
        organisations[party["id"]] = eark.Agent(
            f"agent-party-{party['id']}", party["name"], "organization", identifier=party["org_number"]
        )
    archivist = None
    if membership is not None:
        own = membership.party.organisation
        archivist = eark.Agent("archivist", own.name, "organization", identifier=own.org_number or "")
    events = [
        eark.PremisEvent(
            "event-version-frozen",
            "creation",
            _iso(version.frozen_at),
            f"Version {version.number} låst för beslut (innehållets SHA-256 {version.content_hash})",
            agents=[(software.id, "executing program")],
        )
    ]
    for number, decision in enumerate(decisions, 1):
        verdict = "godkänd" if decision["approved"] else "avslagen"
        agent = organisations.get(decision["party_id"])
        events.append(
            eark.PremisEvent(
                f"event-decision-{number}",
                "decision",
                decision["decided_on"],
                f"{decision['party']}: {verdict} av {decision['body']}, {decision['reference']}",
                outcome=verdict,
                agents=[(agent.id, "decision maker")] if agent else [],
            )
        )
    for number, (_name, _body, meeting) in enumerate(minutes, 1):
        events.append(
            eark.PremisEvent(
                f"event-minutes-{number}",
                "approval",
                _iso(meeting.minutes_locked_at),
                f"Protokollet från {meeting.title} justerat av alla deltagare",
            )
        )
    package = eark.Package(
        objid=f"uuid-{uuid.uuid4()}",
        label=f"{version.content.get('title', '')}, version {version.number}",
        created=created,
        software=software,
        archivist=archivist,
        descriptive=[
            (
                eark.PackageFile(
                    "metadata/descriptive/dc.xml",
                    _dublin_core(version, parties, decisions),
                    "application/xml",
                    "Dublin Core",
                    "Dublin Core",
                ),
                "DC",
                "",
            ),
            (
                eark.PackageFile(
                    "metadata/descriptive/overenskommelse.xml",
                    _description(version, parties, decisions),
                    "application/xml",
                    "XML",
                    "Överenskommelsen: parter, diarienummer, period och beslut",
                ),
                "OTHER",
                "SAMVERKAN-OVERENSKOMMELSE",
            ),
        ],
        documentation=[_documentation(version, data)],
        data=data,
        entity=("sha256", version.content_hash, version.content.get("title", "")),
        agents=list(organisations.values()),
        events=events,
    )
    return eark.write(package, out)


def filename(version, *, membership, today=None):
    """``<diarienummer>_<title>_v<n>_<date>_e-arkiv.zip``: the record number of the downloader's own
    party where it has one."""
    record = ""
    if membership is not None:
        party_record = version.agreement.party_records.filter(party_id=membership.party_id).first()
        record = file_safe(party_record.record_number) if party_record else ""
    today = today or timezone.localdate()
    parts = [record, file_safe(version.content.get("title", "")) or "overenskommelse", f"v{version.number}"]
    return "_".join(part for part in [*parts, today.isoformat(), "e-arkiv"] if part) + ".zip"


@transaction.atomic
def record_download(version, *, user, name):
    """The package was downloaded: the activity list says so."""
    Event.record(
        version.agreement.collaboration,
        user,
        ARCHIVE_DOWNLOADED,
        version.agreement.title,
        EventText(gettext_noop("version %(n)s som %(name)s"), n=version.number, name=name),
    )
