"""Word files (DOCX) for officials who finish a text in Word: the agreement
(projects/agreements/word.py) and the official's decision memo (projects/memo/documents.py) are
built from the same pieces here, with python-docx.

Why python-docx and not docxtpl: both documents are built from data (sections, tables whose columns
depend on the budget's years), not from a fixed letter with blanks; python-docx builds them in code with
the real Word styles ("Heading 1" …, so Word's navigation pane lists them), and docxtpl would add
Jinja2, docxcompose and a template file to keep in step with the code for nothing more.

What every document gets here:

- Swedish: the language sv-SE on the document defaults and on every style used (Word's spell check
  and hyphenation follow the style's language), and in the file's properties;
- a readable font (Calibri 11 pt, the headings in the same family), page numbers in the footer
  ("Sida 1 av 3", Word's PAGE and NUMPAGES fields);
- text that is safe in XML: ``clean`` removes the control characters XML 1.0 cannot hold (python-docx
  refuses them), everything else is kept as written (Word escapes ``<`` and ``&`` itself);
- tables with a header row that repeats on every page and is marked as the header (for screen readers).
"""

import io
import re
from datetime import date

from django.http import HttpResponse
from django.utils import dateformat, translation
from django.utils.dateparse import parse_date
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

from projects.common.amounts import format_amount

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LANGUAGE = "sv-SE"
FONT = "Calibri"

# XML 1.0 allows tab, newline and carriage return of the control characters; not the others, nor
# U+FFFE/U+FFFF, nor a lone surrogate (which Python strings can hold).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "Table Grid", "Caption")


def clean(text):
    """``text`` as a string that XML can hold: the control characters removed, the rest as written."""
    if text is None:
        return ""
    return _NOT_XML.sub("", str(text))


def long_date(value):
    """A date in running text: "3 december 2026" ("" for none; an unreadable text as it is)."""
    if isinstance(value, str):
        parsed = parse_date(value) if value else None
        if parsed is None:
            return clean(value)
        value = parsed
    if not isinstance(value, date):
        return ""
    with translation.override("sv"):
        return dateformat.format(value, "j F Y")


def kronor(value, decimals=None):
    """An amount in the Swedish format with its unit ("12 500 kr"), "–" for none."""
    text = format_amount(value, decimals)
    return f"{text} kr" if text else "–"


def _set_language(rpr_parent):
    """Set the language of a style's text (w:lang w:val; the east-Asian and complex scripts' slots are
    left as Word's template has them)."""
    rpr = rpr_parent.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)


def new_document(*, title, author="", subject="", keywords=""):
    """An empty document in Swedish with the service's styles and page numbers in the footer."""
    document = Document()
    properties = document.core_properties
    properties.title = clean(title)[:250]
    properties.author = clean(author)[:250]
    properties.last_modified_by = "Samverkan"
    properties.subject = clean(subject)[:250]
    properties.keywords = clean(keywords)[:250]
    properties.language = LANGUAGE
    properties.comments = ""

    styles_element = document.styles.element
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None and rpr_default.find(qn("w:rPr")) is not None:
            lang = rpr_default.find(qn("w:rPr")).find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                rpr_default.find(qn("w:rPr")).append(lang)
            lang.set(qn("w:val"), LANGUAGE)
    for name in STYLES:
        style = document.styles[name]
        _set_language(style.element)
        style.font.name = FONT
        # The headings' theme fonts would win over the name: the same font for Latin and complex scripts
        # (east-Asian text keeps Word's own font for it).
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(slot), FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
    document.styles["Normal"].font.size = Pt(11)
    document.styles["Table Grid"].font.size = Pt(9)
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANGUAGE)
    # A4 with the margins of a Swedish letter (the template is US Letter).
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    _page_numbers(document)
    return document


def _field(paragraph, instruction):
    """A Word field (PAGE, NUMPAGES) in ``paragraph``: begin, the instruction, separate, "1", end."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == instruction:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        else:
            run.text = text


def _page_numbers(document):
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Sida ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" av ")
    _field(paragraph, "NUMPAGES")


def heading(document, text, level=1):
    """A heading in Word's own heading style (level 0: the title)."""
    return document.add_heading(clean(text) or "–", level=level)


def paragraph(document, text="", *, bold_label="", style=None):
    """One paragraph; ``bold_label``: a label in bold before the text ("Samverkan: …")."""
    block = document.add_paragraph(style=style)
    if bold_label:
        block.add_run(clean(bold_label)).bold = True
        block.add_run(" ")
    if text:
        _lines(block, text)
    return block


def _lines(block, text):
    for index, line in enumerate(clean(text).split("\n")):
        if index:
            block.add_run().add_break()
        if line:
            block.add_run(line)


def text_blocks(document, text):
    """A typed text as Word paragraphs: a blank line starts a new paragraph, a single line break stays a
    line break within it; a line starting with "- " or "* " becomes a bulleted item."""
    text = clean(text).replace("\r\n", "\n").replace("\r", "\n")
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.split("\n")
        if all(line.lstrip().startswith(("- ", "* ", "• ")) for line in lines if line.strip()):
            for line in lines:
                if line.strip():
                    document.add_paragraph(line.lstrip()[2:].strip(), style="List Bullet")
        elif block.strip():
            _lines(document.add_paragraph(), block)


def quote(document, text):
    """Words of a source, indented."""
    block = paragraph(document, text)
    block.paragraph_format.left_indent = Pt(18)
    return block


def bullets(document, items):
    for item in items:
        paragraph(document, item, style="List Bullet")


def table(document, headers, rows, *, numeric=(), caption=""):
    """A table with a header row (repeated on each page, marked as the header) and ``rows`` of texts;
    the columns in ``numeric`` are right-aligned. ``caption``: a line above it in the Caption style."""
    if caption:
        paragraph(document, caption, style="Caption")
    grid = document.add_table(rows=1, cols=len(headers))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    # The whole width of the page, the columns fitted to their contents (Word and LibreOffice).
    width = grid._tbl.tblPr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        grid._tbl.tblPr.append(width)
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), "5000")
    header = grid.rows[0]
    properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for index, (cell, text) in enumerate(zip(header.cells, headers, strict=True)):
        cell.text = ""
        run = cell.paragraphs[0].add_run(clean(text))
        run.bold = True
        if index in numeric:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for values in rows:
        cells = grid.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell.text = ""
            _lines(cell.paragraphs[0], "" if text is None else str(text))
            if index in numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
                cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))  # an amount on one line
    _widths(document, grid, len(headers), numeric)
    document.add_paragraph()
    return grid


def _widths(document, grid, count, numeric):
    """The columns' widths: an amount's column as wide as "1 234 567 kr", the text columns sharing the
    rest of the page's width (set on the grid and on every cell: Word reads the one, LibreOffice the other)."""
    section = document.sections[0]
    whole = section.page_width - section.left_margin - section.right_margin
    number = Mm(22)
    texts = count - len(numeric)
    text = Emu((whole - number * len(numeric)) // texts) if texts else number
    widths = [number if index in numeric else text for index in range(count)]
    for column, width in zip(grid._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=False):
        column.set(qn("w:w"), str(int(width.twips)))
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


def budget_table(document, budget):
    """The budget per party and year, from an agreement's content ("budget": the plain data of
    projects.budget.queries.budget_snapshot, amounts as strings): a row a party, a column a year, the
    total and the share; the last row the whole. Says so when there is no budget."""
    if not isinstance(budget, dict) or not budget.get("lines"):
        paragraph(document, "Ingen budget är införd i samverkan.")
        return None
    years = [str(year) for year in budget.get("years", [])]
    rows = []
    for party in budget.get("parties", []):
        share = party.get("share")
        rows.append(
            [party.get("name", "")]
            + [format_amount(value, 0) or "0" for value in party.get("years", [])]
            + [format_amount(party.get("total"), 0) or "0", f"{format_amount(share, 1)} %" if share else "–"]
        )
    rows.append(
        ["Alla parter"]
        + [format_amount(value, 0) or "0" for value in budget.get("year_totals", [])]
        + [format_amount(budget.get("total"), 0) or "0", "100 %"]
    )
    numeric = tuple(range(1, len(years) + 3))
    grid = table(
        document,
        ["Part", *years, "Totalt", "Andel"],
        rows,
        numeric=numeric,
        caption="Budget: det planerade bidraget per part och år, i kronor",
    )
    for cell in grid.rows[-1].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    kinds = [f"{k.get('label', '').lower()} {kronor(k.get('total'), 0)}" for k in budget.get("kinds", [])]
    if kinds:
        paragraph(document, "Per slag: " + ", ".join(kinds) + ".")
    return grid


def to_bytes(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def response(data, name):
    """A DOCX as a download."""
    answer = HttpResponse(data, content_type=CONTENT_TYPE)
    answer["Content-Disposition"] = f'attachment; filename="{name}"'
    return answer
