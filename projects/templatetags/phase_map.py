"""``{% phase_map_svg rows %}``: the collaboration map as an inline SVG picture, from the rows of
projects.phases.map_rows / map_snapshot (the agreement PDF has only the frozen rows)."""

from django import template
from django.template.loader import render_to_string
from django.utils import translation

from projects.phases import services as phases

register = template.Library()


@register.simple_tag
def phase_map_svg(rows, current_phase=None, svg_id="map-picture", language=None):
    """``language``: the PDF is a Swedish document whatever the reader's language."""
    context = {"picture": phases.map_picture(rows, current_phase=current_phase), "svg_id": svg_id}
    with translation.override(language or translation.get_language()):
        return render_to_string("projects/phases/includes/map_svg.html", context)
