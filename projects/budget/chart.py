"""The budget's chart as SVG geometry, drawn on the server: per year a bar of the planned total and
a bar of the actual total, each split by party. The chart is aria-hidden in the page: the table
beside it holds the same numbers (templates/projects/budget/includes/chart.html)."""

from decimal import Decimal

from projects.common.amounts import format_amount

WIDTH, LABEL, BAR, GAP, GROUP_GAP, RIGHT = 640, 110, 18, 4, 18, 120


def chart(result):
    """Geometry for ``result`` (projects.budget.queries.Totals), or None when there is nothing to draw."""
    biggest = max([s.planned for s in result.by_year.values()] + [s.actual or 0 for s in result.by_year.values()] + [0])
    if not biggest:
        return None
    scale = Decimal(WIDTH - LABEL - RIGHT) / biggest
    parties = {p.pk: n % 6 for n, p in enumerate(result.parties)}
    groups, y = [], 8
    for year in result.years:
        bars = []
        for what in ("planned", "actual"):
            x, segments = LABEL, []
            for party in result.parties:
                value = getattr(result.by_party_year[(party.pk, year)], what) or 0
                width = float(value * scale)
                if width > 0:
                    segments.append({"x": round(x, 1), "width": round(width, 1), "tone": parties[party.pk]})
                    x += width
            total = getattr(result.by_year[year], what)
            bars.append(
                {
                    "what": what,
                    "y": y,
                    "segments": segments,
                    "label_x": round(x + 6, 1),
                    "label": format_amount(total or 0, 0) + " kr" if total is not None else "–",
                }
            )
            y += BAR + GAP
        groups.append({"year": year, "label_y": bars[0]["y"] + BAR + 2, "bars": bars})
        y += GROUP_GAP
    return {
        "width": WIDTH,
        "height": y,
        "label_x": LABEL - 10,
        "bar": BAR,
        "text_dy": BAR - 5,
        "groups": groups,
        "legend": [(p, parties[p.pk]) for p in result.parties],
    }
