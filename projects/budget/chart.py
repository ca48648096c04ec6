"""The budget's chart as SVG geometry, drawn on the server: per year a bar of the planned total and
a bar of the actual total, each split by party, with its amount written above it. The chart is
aria-hidden in the page: the table beside it holds the same numbers
(templates/projects/budget/includes/chart.html). Narrow (480 units), so that its text stays
readable when a phone scales it down."""

from decimal import Decimal

from django.utils.translation import gettext as _

from projects.common.amounts import format_amount

WIDTH, LABEL, BAR, TEXT, GAP, GROUP_GAP = 480, 56, 14, 17, 6, 14


def chart(result):
    """Geometry for ``result`` (projects.budget.queries.Totals), or None when there is nothing to draw."""
    sums = list(result.by_year.values())
    biggest = max([s.planned for s in sums] + [s.actual or 0 for s in sums] + [0])
    if not biggest:
        return None
    scale = Decimal(WIDTH - LABEL - 4) / biggest
    tones = {p.pk: n % 6 for n, p in enumerate(result.parties)}
    groups, y = [], 4
    for year in result.years:
        bars, top = [], y
        for what, word in (("planned", _("plan")), ("actual", _("utfall"))):
            x, segments = LABEL, []
            for party in result.parties:
                value = getattr(result.by_party_year[(party.pk, year)], what) or 0
                width = float(value * scale)
                if width > 0:
                    segments.append({"x": round(x, 1), "width": round(width, 1), "tone": tones[party.pk]})
                    x += width
            total = getattr(result.by_year[year], what)
            amount = format_amount(total, 0) + "\u00a0kr" if total is not None else _("inte infört")
            bars.append(
                {"what": what, "text_y": y + TEXT - 4, "y": y + TEXT, "segments": segments, "label": f"{word} {amount}"}
            )
            y += TEXT + BAR + GAP
        groups.append({"year": year, "label_y": top + TEXT + BAR - 1, "bars": bars})
        y += GROUP_GAP
    return {
        "width": WIDTH,
        "height": y,
        "label_x": LABEL - 8,
        "text_x": LABEL,
        "bar": BAR,
        "groups": groups,
        "legend": [(p, tones[p.pk]) for p in result.parties],
    }
