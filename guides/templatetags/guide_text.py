import re

from django import template
from django.utils.html import escape, linebreaks, urlize
from django.utils.safestring import mark_safe

from guides.models import SHORT_NAMES

register = template.Library()

_BOLD = re.compile(r"\*\*(.+?)\*\*")


@register.filter
def guide_text(value):
    """Guide text as HTML: escaped, paragraphs and line breaks kept, links clickable, and the
    guides' **bold** key words bold. Bullet lines ("- …") become a list."""
    text = escape(value or "")
    text = urlize(text, nofollow=True, autoescape=False)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.split("\n")
        if all(line.strip().startswith("- ") for line in lines if line.strip()):
            items = "".join(f"<li>{line.strip()[2:]}</li>" for line in lines if line.strip())
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append(linebreaks(block, autoescape=False))
    return mark_safe("".join(blocks))  # noqa: S308 - escaped first; only our own tags are added


_SOURCE_PREFIX = re.compile(r"^\s*Källa\s*:\s*", re.IGNORECASE)


@register.filter
def source_note(note):
    """A fixture's source note ("Källa: Samla kraft! MUCF, 2017") without its Swedish "Källa:": the
    template writes that word, in the reader's language."""
    return _SOURCE_PREFIX.sub("", note or "").strip()


@register.filter
def source_label(sources, note=""):
    """'MUCF, Kunskap; Halland, Varför samverka?' from [{guide, section}]; with a source ``note``
    (the original the guide quotes), 'Samla kraft! MUCF, 2017 (7 steg, …)'."""
    label = _source_label(sources)
    note = source_note(note)
    if note:
        return f"{note} ({label})" if label else note
    return label


def _source_label(sources):
    parts = []
    for source in sources or []:
        if not isinstance(source, dict):
            continue
        name = SHORT_NAMES.get(source.get("guide"), source.get("guide", ""))
        section = source.get("section", "")
        parts.append(f"{name}, {section}" if section else name)
    return "; ".join(parts)


@register.filter
def list_source(source):
    """One {guide, section} as 'MUCF, Kunskap'."""
    return source_label([source])


@register.filter
def cell(mapping, key):
    return (mapping or {}).get(key, "")


@register.filter
def level_name(slug, levels):
    return next((level.label for level in levels if level.slug == slug), slug)
