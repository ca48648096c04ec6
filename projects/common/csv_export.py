"""CSV for the spreadsheets people use in Sweden: UTF-8 with a BOM (Excel), semicolons, CRLF, and
text cells that a spreadsheet cannot run as formulas. One writer for every export."""

import csv
import io

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """A cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def response(filename, header, rows):
    """The rows as a CSV download (cells are written as given: guard text with safe_text)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    result = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    return result
