"""Search across the guide content: PostgreSQL full-text search with the Swedish configuration
where the database is PostgreSQL, a plain substring search on SQLite. Hits come back with their
text escaped and the matches wrapped in <mark>."""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Item, Section

MAX_QUERY = 200
MAX_HITS = 50
_START, _STOP = "\u0001", "\u0002"


@dataclass
class Hit:
    kind: str
    title: str
    snippet: str
    section: Section
    anchor: str = ""

    @property
    def kind_label(self):
        return Item.Kind(self.kind).label if self.kind in Item.Kind.values else ""


def _terms(query):
    return [word for word in re.split(r"\W+", query.lower()) if len(word) > 1][:10]


def _highlight_tokens(text, terms):
    if not terms:
        return text
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    return pattern.sub(lambda match: f"{_START}{match.group(0)}{_STOP}", text)


def _to_html(marked, limit=None):
    if limit and len(marked) > limit:
        first = marked.find(_START)
        start = max(0, first - limit // 3) if first > 0 else 0
        if start:
            space = marked.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        marked = ("…" if start else "") + marked[start : start + limit] + "…"
        if marked.count(_START) > marked.count(_STOP):
            marked += _STOP
    html = escape(marked).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own <mark> tags are added


def search(query: str) -> list[Hit]:
    query = (query or "").replace("\x00", "").strip()[:MAX_QUERY]
    if not _terms(query):
        return []
    if connection.vendor == "postgresql":
        return _search_postgres(query)
    return _search_simple(query)


def _search_simple(query):
    terms = _terms(query)
    items = Item.objects.current().select_related("section__guide").filter(section__retired=False)
    sections = Section.objects.current().select_related("guide")
    for term in terms:
        items = items.filter(search_text__contains=term)
        sections = sections.filter(Q(title__icontains=term) | Q(intro__icontains=term))
    hits = [
        Hit("section", section.title, _to_html(_highlight_tokens(section.intro or section.title, terms), 300), section)
        for section in sections[:10]
    ]
    for item in items[:MAX_HITS]:
        hits.append(
            Hit(item.kind, item.title, _to_html(_highlight_tokens(item.text, terms), 300), item.section, item.slug)
        )
    return hits


def _search_postgres(query):
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
    from django.db.models import TextField, Value
    from django.db.models.functions import Cast, Concat

    search_query = SearchQuery(query, config="swedish", search_type="websearch")
    vector = SearchVector("title", weight="A", config="swedish") + SearchVector("text", weight="B", config="swedish")
    items = (
        Item.objects.current()
        .filter(section__retired=False)
        .select_related("section__guide")
        .annotate(rank=SearchRank(vector, search_query))
        .filter(rank__gt=0)
        .annotate(
            headline=SearchHeadline(
                "text",
                search_query,
                config="swedish",
                start_sel=_START,
                stop_sel=_STOP,
                max_words=45,
                min_words=20,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .order_by("-rank", "section__sequence")[:MAX_HITS]
    )
    section_vector = SearchVector("title", weight="A", config="swedish") + SearchVector(
        "intro", weight="B", config="swedish"
    )
    sections = (
        Section.objects.current()
        .select_related("guide")
        .annotate(rank=SearchRank(section_vector, search_query))
        .filter(rank__gt=0)
        .annotate(
            headline=SearchHeadline(
                Concat(Cast("title", TextField()), Value(". ", output_field=TextField()), "intro"),
                search_query,
                config="swedish",
                start_sel=_START,
                stop_sel=_STOP,
                max_words=45,
                min_words=20,
            )
        )
        .order_by("-rank")[:10]
    )
    hits = [Hit("section", section.title, _to_html(section.headline), section) for section in sections]
    hits += [Hit(item.kind, item.title, _to_html(item.headline), item.section, item.slug) for item in items]
    return hits
