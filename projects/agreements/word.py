"""The agreement as a Word file (DOCX): a copy to work in, from a version's content (a locked or
decided version's own, or the draft's snapshot), with what the PDF shows of the text: the cover's
facts, the sections (the parties, the contacts and the period from data; the budget in the finances
section), the parties with their record numbers and signatories, and the decisions. The pieces and the
Swedish styles are projects/common/docx.py's. The document says on its first page that it is a copy."""

from projects.common import docx
from projects.common.amounts import format_amount

COPY_NOTE = "Word-filen är en kopia att arbeta i. Det är versionen i Samverkan som gäller."
FINANCES = "iop-rubrik-ekonomi"


def _period(content):
    period = content.get("period") or {}
    start, end = period.get("start") or "", period.get("end") or ""
    if not start and not end:
        return "Perioden är inte bestämd."
    return f"{docx.long_date(start) or '?'} – {docx.long_date(end) or '?'}"


def _status(version):
    if version is None:
        return "Utkast, inte beslutat"
    if version.status == "decided":
        return "Beslutad av alla parter"
    if version.status == "for_decision":
        when = f", beslut senast {docx.long_date(version.decide_by)}" if version.decide_by else ""
        return f"Låst för beslut, inte beslutad{when}"
    return f"{version.get_status_display()}"


def render(content, *, version=None, decisions=(), generated_at=None):
    """The DOCX's bytes for ``content`` (an agreement's snapshot); ``version`` the AgreementVersion it
    is (None: the draft), ``decisions`` its decisions (with their parties' organisations)."""
    parties = [p for p in content.get("parties") or [] if isinstance(p, dict)]
    names = ", ".join(p.get("name", "") for p in parties)
    document = docx.new_document(
        title=content.get("title", ""),
        author=names,
        subject=content.get("collaboration", ""),
        keywords="överenskommelse",
    )
    docx.heading(document, content.get("title", ""), 0)
    note = docx.paragraph(document, COPY_NOTE)
    note.runs[0].italic = True
    facts = [
        ("Samverkan", content.get("collaboration", "")),
        ("Parter", names or "–"),
        ("Period", _period(content)),
        ("Samverkansform", content.get("form") or "Inte vald"),
        ("Status", _status(version)),
        (
            "Version",
            f"{version.number}, låst för beslut {docx.long_date(version.frozen_at.date())}"
            if version
            else f"Utkast {generated_at:%Y-%m-%d %H:%M}"
            if generated_at
            else "Utkast",
        ),
    ]
    if version is not None:
        facts.append(("Innehållets kontrollsumma (SHA-256)", version.content_hash))
    for label, value in facts:
        docx.paragraph(document, value, bold_label=f"{label}:")

    for number, section in enumerate(content.get("sections") or [], start=1):
        if not isinstance(section, dict):
            continue
        docx.heading(document, f"{number}. {section.get('title', '')}", 1)
        source = section.get("from_data")
        if source == "parties":
            docx.table(
                document,
                ["Part", "Sektor", "Organisationsnummer", "Bidrar med"],
                [
                    [p.get("name"), p.get("sector"), p.get("org_number") or "–", p.get("contribution") or "–"]
                    for p in parties
                ],
            )
        elif source == "contacts":
            docx.bullets(document, [f"{p.get('name')}: {', '.join(p.get('contacts') or []) or '–'}" for p in parties])
        elif source == "period":
            docx.paragraph(document, _period(content))
        if section.get("key") == FINANCES:
            docx.budget_table(document, content.get("budget"))
        if section.get("text"):
            docx.text_blocks(document, section["text"])
        elif source:
            pass
        elif section.get("omitted_reason"):
            docx.paragraph(document, f"Avsnittet lämnas utan text: {section['omitted_reason']}")
        else:
            docx.paragraph(document, "(inte skrivet)")
        if section.get("key") == FINANCES:
            _budget_lines(document, content.get("budget"))

    docx.heading(document, "Parter", 1)
    docx.table(
        document,
        ["Part", "Sektor", "Organisationsnummer", "Diarienummer", "Undertecknas av"],
        [
            [
                p.get("name"),
                p.get("sector"),
                p.get("org_number") or "–",
                p.get("record_number") or "–",
                p.get("signatory") or "–",
            ]
            for p in parties
        ],
    )
    docx.heading(document, "Beslut", 1)
    if decisions:
        # Each party named as the version names it (not as the organisation is named now); a version
        # restored from a file (frozen before its collaboration was made here) holds another's ids.
        frozen = {}
        if version is not None and version.frozen_at >= version.agreement.collaboration.created_at:
            frozen = {p.get("id"): p.get("name") for p in parties}
        docx.table(
            document,
            ["Part", "Organ", "Datum", "Referens", "Beslut"],
            [
                [
                    frozen.get(d.party_id) or d.party.organisation.name,
                    d.body,
                    d.decided_on.isoformat() if d.decided_on else "",
                    d.reference,
                    "Godkänd" if d.approved else "Avslagen",
                ]
                for d in decisions
            ],
        )
    else:
        docx.paragraph(document, "Varje part beslutar om samma version av överenskommelsen.")
    return docx.to_bytes(document)


def _budget_lines(document, budget):
    if not isinstance(budget, dict) or not budget.get("lines"):
        return
    rows = []
    for line in budget["lines"]:
        description = line.get("description", "")
        if line.get("hours"):
            hours = format_amount(line["hours"])
            description += f" ({hours} timmar × {docx.kronor(line.get('hourly_value'))})"
        rows.append(
            [line.get("year"), line.get("party"), line.get("kind"), description, docx.kronor(line.get("amount"))]
        )
    docx.table(
        document, ["År", "Part", "Slag", "Beskrivning", "Planerat"], rows, numeric=(4,), caption="Budgetens rader"
    )
