"""The decision memo as files: Word (the pieces of projects/common/docx.py) and PDF (WeasyPrint
through projects/common/pdf.py, tagged PDF/UA like the agreement's), both from ``services.content``."""

from django.template.loader import render_to_string
from django.utils import timezone

from projects.common import docx, pdf
from projects.common.amounts import format_amount

DRAFT_NOTE = "Utkast till tjänsteskrivelse, gjort i Samverkan. Läs igenom och komplettera innan det går till nämnden."


def _period(period):
    if not period.get("start") and not period.get("end"):
        return "Perioden är inte bestämd."
    return f"{docx.long_date(period.get('start')) or '?'} – {docx.long_date(period.get('end')) or '?'}"


def _euro(value):
    return f"{format_amount(value, 0)} euro"


def render_docx(c):
    document = docx.new_document(title=c["title"], author=c["official_name"] or c["party"], subject=c["matter"])
    docx.heading(document, "Tjänsteskrivelse", 0)
    note = docx.paragraph(document, DRAFT_NOTE)
    note.runs[0].italic = True
    for label, value in (
        ("Organisation", c["party"]),
        ("Nämnd", c["committee"] or "[Nämnd]"),
        ("Diarienummer", c["record_number"] or "[Diarienummer]"),
        ("Datum", docx.long_date(c["date"])),
        ("Handläggare", ", ".join(v for v in (c["official_name"], c["official_title"]) if v) or "[Namn, titel]"),
    ):
        docx.paragraph(document, value, bold_label=f"{label}:")

    docx.heading(document, f"Ärende: {c['matter']}", 1)
    docx.paragraph(document, c["collaboration"])
    docx.heading(document, "Förslag till beslut", 1)
    docx.text_blocks(document, c["proposal"])

    docx.heading(document, "Bakgrund", 1)
    docx.heading(document, "Utmaningen", 2)
    docx.text_blocks(document, c["challenge"] or "Inte beskriven i Samverkan.")
    if c["description"]:
        docx.text_blocks(document, c["description"])
    docx.heading(document, "Målgrupp", 2)
    docx.text_blocks(document, c["target_group"] or "Inte beskriven i Samverkan.")
    docx.heading(document, "Parter", 2)
    docx.table(
        document,
        ["Part", "Sektor", "Organisationsnummer", "Bidrar med"],
        [[p["name"], p["sector"], p["org_number"] or "–", p["contribution"] or "–"] for p in c["parties"]],
    )
    docx.paragraph(document, _period(c["period"]), bold_label="Period:")

    docx.heading(document, "Samverkansform", 1)
    form = c["form"]
    if form is None:
        docx.paragraph(document, "Parterna har inte valt samverkansform i Samverkan.")
    else:
        chosen = f", vald {docx.long_date(form['chosen_on'])}" if form["chosen_on"] else ""
        docx.paragraph(document, f"{form['name']}{chosen}.", bold_label="Vald form:")
        if form["fit"]:
            docx.paragraph(document, f"{form['fit']} enligt parternas svar på frågorna om samverkansform.")
        if form["note"]:
            docx.heading(document, "Parternas motivering", 2)
            docx.text_blocks(document, form["note"])
        for key, title in (
            ("reasons_for", "Skäl för formen"),
            ("reasons_against", "Skäl emot formen"),
            ("warnings", "Varningar"),
        ):
            if form[key]:
                docx.heading(document, title, 2)
                for entry in form[key]:
                    docx.paragraph(document, f"{entry['question']} {entry['answer']}", bold_label="Svar:")
                    docx.quote(document, f"”{entry['text']}” ({entry['source']})")

    docx.heading(document, "Rättslig genomgång", 1)
    screening = c["screening"]
    if screening["warnings"]:
        docx.heading(document, "Varningar", 2)
        docx.bullets(document, screening["warnings"])
    docx.table(
        document,
        ["Fråga", "Svar", "Motivering"],
        [
            [
                f"{q['number']}. {q['question']}",
                q["answer"] + (f" ({q['ground']})" if q["ground"] else ""),
                q["reason"] or "–",
            ]
            for q in screening["questions"]
        ],
    )
    if screening["registrations"]:
        docx.table(
            document,
            ["Idéburen part", "Registrering"],
            [[r["name"], r["status"]] for r in screening["registrations"]],
        )
    docx.paragraph(document, "Genomgången informerar och är ingen juridisk rådgivning.")

    docx.heading(document, "Ekonomi", 1)
    docx.budget_table(document, c["budget"])
    docx.heading(document, "Stöd av mindre betydelse", 2)
    if not c["state_aid"]:
        docx.paragraph(document, "Samverkan har ingen idéburen part.")
    for row in c["state_aid"]:
        if not row["lines"]:
            docx.paragraph(document, f"{row['name']}: organisationsnumret saknas, summan kan inte räknas fram.")
            continue
        docx.table(
            document,
            ["Stöd", "Summa under tre år", "Tak", "Andel av taket"],
            [
                [line["label"], _euro(line["total"]), _euro(line["ceiling"]), f"{line['percent']} %"]
                for line in row["lines"]
            ],
            numeric=(1, 2, 3),
            caption=f"{row['name']} ({row['org_number']}): "
            f"{docx.long_date(row['start'])} – {docx.long_date(row['until'])}",
        )

    docx.heading(document, "Bilagor", 1)
    docx.bullets(document, c["attachments"])
    return docx.to_bytes(document)


def render_pdf(c):
    html = render_to_string(
        "projects/memo/memo_pdf.html", {"c": c, "static_base": pdf.STATIC_BASE, "generated_at": timezone.now()}
    )
    return pdf.html_to_pdf(html)
