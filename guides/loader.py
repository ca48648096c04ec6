"""Load the guide content from ``fixtures/`` (YAML) into the database.

Everything is matched by its slug, so a reload after a text correction updates the rows in place
and whatever points at them keeps pointing. Content that is no longer in the fixtures is marked
``retired`` and kept. The whole load is one transaction: a broken file changes nothing.
Errors name the file and the key (``fixtures/guides/mucf.yaml: sections[0].children[1].items[3]
(mucf-status-q04): …``).

The rules derived from the guides (``fixtures/rules/form_choice.yaml``, read by
projects.form_choice; ``fixtures/rules/agreement.yaml``, read by projects.agreements) are not stored
in the database; the load checks them against the rest of the content, and a problem in them stops
the load like any other.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pydantic
import yaml
from django.conf import settings
from django.db import transaction

from . import models as m

GUIDE_FILES = ["halland.yaml", "mucf.yaml", "sjustegs.yaml", "forum.yaml"]
REFERENCE_FILES = [
    "principles.yaml", "forms.yaml", "coe.yaml", "financing.yaml", "iop_conditions.yaml",
    "agreement_templates.yaml", "tools.yaml",
]  # fmt: skip
AUDIENCES = {choice.value for choice in m.Audience}
ANSWER_MODES = {choice.value for choice in m.AnswerMode}
SECTION_KINDS = {choice.value for choice in m.Section.Kind}
ITEM_KINDS = {choice.value for choice in m.Item.Kind}
FORM_CHOICE_FILE = "rules/form_choice.yaml"


class FixtureError(Exception):
    """A problem in the fixture files. The message lists every problem found, one a line."""


def default_dir() -> Path:
    return Path(settings.BASE_DIR) / "fixtures"


@dataclass
class Report:
    created: dict = field(default_factory=lambda: defaultdict(int))
    kept: dict = field(default_factory=lambda: defaultdict(int))
    updated: dict = field(default_factory=lambda: defaultdict(int))
    retired: dict = field(default_factory=lambda: defaultdict(int))

    def lines(self):
        names = sorted(set(self.created) | set(self.updated) | set(self.retired) | set(self.kept))
        return [
            f"{name}: {self.created[name]} new, {self.updated[name]} updated, {self.retired[name]} retired"
            + (f", {self.kept[name]} kept as edited in the admin" if self.kept[name] else "")
            for name in names
        ]


class _Reader:
    """Parses the files and collects every problem before anything is written."""

    def __init__(self, base: Path):
        self.base = base
        self.errors: list[str] = []
        self.data: dict[str, dict] = {}

    def error(self, file, where, message):
        self.errors.append(f"fixtures/{file}: {where}: {message}")

    def read(self, relative):
        path = self.base / relative
        if not path.exists():
            self.errors.append(f"fixtures/{relative}: the file is missing")
            return {}
        try:
            # libyaml's safe loader when PyYAML has it (8 times faster; the same result), else the pure one.
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            content = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f"line {mark.line + 1}" if mark else "?"
            self.errors.append(f"fixtures/{relative}: {line}: not valid YAML ({getattr(exc, 'problem', exc)})")
            return {}
        if not isinstance(content, dict):
            self.errors.append(f"fixtures/{relative}: the file must hold a mapping at the top")
            return {}
        self.data[relative] = content
        return content


def _where(path, slug=None):
    return f"{path} ({slug})" if slug else path


def _extra(entry, known):
    return {key: value for key, value in entry.items() if key not in known}


class Loader:
    def __init__(self, base: Path | None = None):
        self.base = Path(base) if base else default_dir()
        self.reader = _Reader(self.base)
        self.report = Report()
        # Parsed rows per model: {model: {slug: (defaults, file, where)}}
        self.rows: dict = defaultdict(dict)
        self.links: list = []  # (file, where, model, slug, label) references to check

    # -- parsing -------------------------------------------------------------------------------

    def _mappings(self, file, key, entries):
        """(index, entry) for the entries that are mappings; an error for the others."""
        if entries is None:
            return []
        if not isinstance(entries, list):
            self.reader.error(file, key, f"must be a list, not {type(entries).__name__}")
            return []
        good = []
        for index, entry in enumerate(entries):
            if isinstance(entry, dict):
                good.append((index, entry))
            else:
                self.reader.error(
                    file, f"{key}[{index}]", f"must be a mapping (key: value), not {type(entry).__name__}"
                )
        return good

    def _row(self, model, file, where, entry, defaults, required=("slug",)):
        if not isinstance(entry, dict):
            self.reader.error(file, where, f"must be a mapping (key: value), not {type(entry).__name__}")
            return None
        for key in required:
            value = entry.get(key)
            if value in (None, ""):
                self.reader.error(file, _where(where, entry.get("slug")), f"'{key}' is missing or empty")
                return None
        slug = entry["slug"]
        if not isinstance(slug, str) or not slug.replace("-", "").replace("_", "").isalnum() or not slug.isascii():
            self.reader.error(file, where, f"slug {slug!r} must be lowercase ASCII letters, digits and hyphens")
            return None
        if slug in self.rows[model]:
            other_file, other_where = self.rows[model][slug][1:3]
            self.reader.error(
                file,
                _where(where, slug),
                f"the slug is used twice for a {model._meta.model_name} (also fixtures/{other_file}: {other_where})",
            )
            return None
        defaults.setdefault("order", entry.get("order", 0) or 0)
        defaults.setdefault("sources", entry.get("sources") or [])
        self.rows[model][slug] = (defaults, file, where)
        self._check_sources(file, _where(where, slug), defaults["sources"])
        return slug

    def _check_sources(self, file, where, sources):
        if not isinstance(sources, list):
            self.reader.error(file, where, "'sources' must be a list of {guide, section}")
            return
        for source in sources:
            guide = source.get("guide") if isinstance(source, dict) else None
            self.links.append((file, where, m.Guide, guide, "sources: guide"))

    def _ref(self, file, where, model, slug, label):
        if slug:
            self.links.append((file, where, model, slug, label))

    def parse_guide(self, file):
        data = self.reader.read(f"guides/{file}")
        if not data:
            return
        guide = data.get("guide") or {}
        slug = self._row(
            m.Guide,
            f"guides/{file}",
            "guide",
            guide,
            {
                "title": guide.get("title", ""),
                "publisher": guide.get("publisher", ""),
                "year": guide.get("year"),
                "audience": guide.get("audience", ""),
                "subtitle": guide.get("subtitle", "") or "",
                "source_file": guide.get("source_file", ""),
                "attribution": guide.get("attribution", "") or "",
                "credits": guide.get("credits", "") or "",
                "order": GUIDE_FILES.index(file) + 1,
                "extra": _extra(
                    guide,
                    {
                        "slug",
                        "title",
                        "publisher",
                        "year",
                        "audience",
                        "subtitle",
                        "source_file",
                        "attribution",
                        "credits",
                        "order",
                    },
                ),
            },
            required=("slug", "title", "publisher", "audience"),
        )
        if slug is None:
            return
        if guide.get("audience") not in AUDIENCES:
            self.reader.error(f"guides/{file}", "guide", f"audience must be one of {sorted(AUDIENCES)}")
        sections = data.get("sections")
        if not isinstance(sections, list) or not sections:
            self.reader.error(f"guides/{file}", "sections", "a guide needs a list of sections")
            return
        counter = iter(range(1, 100000))
        for index, section in enumerate(sections):
            self._parse_section(f"guides/{file}", f"sections[{index}]", section, slug, None, 0, index, counter)

    def _parse_section(self, file, where, entry, guide, parent, depth, index, counter):
        if not isinstance(entry, dict):
            self.reader.error(file, where, "a section must be a mapping")
            return
        known = {
            "slug",
            "kind",
            "order",
            "title",
            "subtitle",
            "intro",
            "audience",
            "answer_mode",
            "decision_phase",
            "items",
            "children",
            "sources",
        }
        items = entry.get("items") or []
        children = entry.get("children") or []
        slug = self._row(
            m.Section,
            file,
            where,
            entry,
            {
                "guide": guide,
                "parent": parent,
                "kind": entry.get("kind", ""),
                "title": entry.get("title", ""),
                "subtitle": entry.get("subtitle", "") or "",
                "intro": entry.get("intro", "") or "",
                "audience": entry.get("audience", "") or "",
                "answer_mode": entry.get("answer_mode") or m.AnswerMode.JOINT,
                "decision_phase": entry.get("decision_phase"),
                "depth": depth,
                "sequence": next(counter),
                "order": entry.get("order") or index + 1,
                "extra": _extra(entry, known),
            },
            required=("slug", "kind", "title"),
        )
        if slug is None:
            return
        here = _where(where, slug)
        if entry.get("kind") not in SECTION_KINDS:
            self.reader.error(file, here, f"kind must be one of {sorted(SECTION_KINDS)}")
        if entry.get("audience") and entry["audience"] not in AUDIENCES:
            self.reader.error(file, here, f"audience must be one of {sorted(AUDIENCES)}")
        if entry.get("answer_mode") and entry["answer_mode"] not in ANSWER_MODES:
            self.reader.error(file, here, f"answer_mode must be one of {sorted(ANSWER_MODES)}")
        self._ref(file, here, m.DecisionPhase, entry.get("decision_phase"), "decision_phase")
        if not items and not children and not entry.get("intro") and not entry.get("see_also"):
            self.reader.error(file, here, "the section is empty (no items, children, intro or see_also)")
        for position, item in enumerate(items):
            self._parse_item(file, f"{where}.items[{position}]", item, slug, position)
        for position, child in enumerate(children):
            self._parse_section(file, f"{where}.children[{position}]", child, guide, slug, depth + 1, position, counter)

    def _parse_item(self, file, where, entry, section, position):
        if not isinstance(entry, dict):
            self.reader.error(file, where, "an item must be a mapping")
            return
        known = {"slug", "kind", "order", "title", "text", "group", "principle", "links", "sources"}
        text = entry.get("text", "") or ""
        title = entry.get("title", "") or ""
        slug = self._row(
            m.Item,
            file,
            where,
            entry,
            {
                "section": section,
                "kind": entry.get("kind", ""),
                "title": title,
                "text": text,
                "group": entry.get("group", "") or "",
                "principle": entry.get("principle"),
                "links": entry.get("links") or [],
                "order": entry.get("order") or position + 1,
                "search_text": f"{title}\n{text}".lower(),
                "extra": _extra(entry, known),
            },
            required=("slug", "kind", "text"),
        )
        if slug is None:
            return
        here = _where(where, slug)
        if entry.get("kind") not in ITEM_KINDS:
            self.reader.error(file, here, f"kind must be one of {sorted(ITEM_KINDS)}")
        if entry.get("kind") == "principle" and not entry.get("principle"):
            self.reader.error(file, here, "a principle item needs 'principle'")
        self._ref(file, here, m.Principle, entry.get("principle"), "principle")
        if entry.get("form"):
            self._ref(file, here, m.CollaborationForm, entry["form"], "form")

    def parse_principles(self):
        file = "reference/principles.yaml"
        data = self.reader.read(file)
        self.principle_texts = []
        self._list(file, "principer-om", "De sex principerna", "", about=data.get("about"))
        for index, entry in self._mappings(file, "principles", data.get("principles")):
            where = f"principles[{index}]"
            slug = self._row(
                m.Principle, file, where, entry, {"name": entry.get("name", "")}, required=("slug", "name")
            )
            for position, text in self._mappings(file, f"principles[{index}].texts", entry.get("texts")):
                here = f"{_where(where, slug)}.texts[{position}]"
                self._ref(file, here, m.Guide, text.get("guide"), "guide")
                self._ref(file, here, m.Item, text.get("item"), "item")
                if not text.get("text"):
                    self.reader.error(file, here, "'text' is missing or empty")
                self.principle_texts.append((slug, position, text))
        if len(self.rows[m.Principle]) != 6:
            self.reader.error(file, "principles", f"there are six principles, not {len(self.rows[m.Principle])}")

    def parse_forms(self):
        file = "reference/forms.yaml"
        data = self.reader.read(file)
        for index, entry in self._mappings(file, "categories", data.get("categories")):
            self._row(
                m.FormCategory,
                file,
                f"categories[{index}]",
                entry,
                {
                    "name": entry.get("name", ""),
                    "short_name": entry.get("short_name", "") or "",
                    "description": entry.get("description", "") or "",
                },
                required=("slug", "name"),
            )
        known = {
            "slug",
            "name",
            "short_name",
            "category",
            "order",
            "description",
            "suits",
            "not_suits",
            "expectations",
            "other_texts",
            "sources",
        }
        for index, entry in self._mappings(file, "forms", data.get("forms")):
            where = f"forms[{index}]"
            slug = self._row(
                m.CollaborationForm,
                file,
                where,
                entry,
                {
                    "name": entry.get("name", ""),
                    "short_name": entry.get("short_name", "") or "",
                    "category": entry.get("category"),
                    "description": entry.get("description", "") or "",
                    "suits": entry.get("suits", "") or "",
                    "not_suits": entry.get("not_suits", "") or "",
                    "expectations": entry.get("expectations", "") or "",
                    "other_texts": entry.get("other_texts") or [],
                    "extra": _extra(entry, known),
                },
                required=("slug", "name", "category"),
            )
            self._ref(file, _where(where, slug), m.FormCategory, entry.get("category"), "category")

    def parse_coe(self):
        file = "reference/coe.yaml"
        data = self.reader.read(file)
        self._list(file, "coe-om", "Europarådets kod", "", data.get("about"), extra={"links": data.get("links", [])})
        for index, entry in self._mappings(file, "levels", data.get("levels")):
            self._row(
                m.Level,
                file,
                f"levels[{index}]",
                entry,
                {"name": entry.get("name", ""), "description": entry.get("description", "") or ""},
                required=("slug", "name"),
            )
        for index, entry in self._mappings(file, "phases", data.get("phases")):
            self._row(
                m.DecisionPhase,
                file,
                f"phases[{index}]",
                entry,
                {
                    "name": entry.get("name", ""),
                    "names": entry.get("names") or {},
                    "description": entry.get("description", "") or "",
                    "extra": _extra(entry, {"slug", "name", "names", "order", "description", "sources"}),
                },
                required=("slug", "name"),
            )
        self._entries(
            file,
            "joint_effort_steps",
            "coe-gemensamma-insatser",
            "Gemensamma insatser i fem steg",
            data.get("joint_effort_steps"),
            title_key="name",
        )
        for index, entry in self._mappings(file, "maps", data.get("maps")):
            self._row(
                m.ReferenceList,
                file,
                f"maps[{index}]",
                entry,
                {
                    "title": entry.get("title", ""),
                    "intro": entry.get("source_note", "") or "",
                    "extra": {"kind": "map", **_extra(entry, {"slug", "title", "order", "sources", "source_note"})},
                },
                required=("slug", "title"),
            )
            for key in ("rows",):
                for level in entry.get(key) or []:
                    self._ref(file, f"maps[{index}].{key}", m.Level, level, "level")
        if len(self.rows[m.Level]) != 4:
            self.reader.error(file, "levels", "the code has four levels")
        if len(self.rows[m.DecisionPhase]) != 6:
            self.reader.error(file, "phases", "the code has six phases")

    def _list(self, file, slug, title, intro, about=None, extra=None, sources=None):
        """A list that exists for its entries; its own slug is fixed by this loader."""
        entry = {"slug": slug, "sources": sources or []}
        self._row(
            m.ReferenceList,
            file,
            slug,
            entry,
            {"title": title, "intro": intro or "", "extra": {"about": about or [], **(extra or {})}},
        )
        return slug

    def _entries(
        self, file, key, list_slug, list_title, entries, intro="", sources=None, title_key="title", list_extra=None
    ):
        self._list(file, list_slug, list_title, intro, extra=list_extra, sources=sources)
        entries = entries or []
        if not entries:
            self.reader.error(file, key, "the list is empty")
        for index, entry in self._mappings(file, key, entries):
            self._row(
                m.ReferenceEntry,
                file,
                f"{key}[{index}]",
                entry,
                {
                    "reference_list": list_slug,
                    "kind": entry.get("kind", "") or "",
                    "title": entry.get(title_key, "") or "",
                    "text": entry.get("text", "") or "",
                    "cells": entry.get("cells") or {},
                    "extra": _extra(entry, {"slug", "kind", title_key, "text", "cells", "order", "sources"}),
                },
            )

    def parse_financing(self):
        file = "reference/financing.yaml"
        data = self.reader.read(file)
        comparison = data.get("comparison") or {}
        intro = (data.get("intro") or {}).get("text", "")
        self._entries(
            file,
            "comparison.rows",
            comparison.get("slug") or "finansiering-jamforelse",
            comparison.get("title", ""),
            comparison.get("rows"),
            intro=intro,
            sources=comparison.get("sources"),
            title_key="name",
            list_extra={
                "kind": "table",
                "columns": comparison.get("columns") or [],
                "source_note": comparison.get("source_note", ""),
            },
        )
        columns = {
            column.get("slug")
            for _index, column in self._mappings(file, "comparison.columns", comparison.get("columns"))
        }
        for index, row in self._mappings(file, "comparison.rows", comparison.get("rows")):
            if set((row.get("cells") or {}).keys()) != columns:
                self.reader.error(file, f"comparison.rows[{index}]", f"cells must have exactly the columns {columns}")
        self._entries(
            file,
            "grants",
            "bidragsformer",
            "Tre sorters bidrag",
            data.get("grants"),
            intro=data.get("grants_intro", ""),
            title_key="name",
            list_extra={"source_note": data.get("grants_source_note", "")},
        )

    def parse_iop_conditions(self):
        file = "reference/iop_conditions.yaml"
        data = self.reader.read(file)
        intro = data.get("intro") or {}
        self._entries(
            file,
            "conditions",
            "iop-villkor",
            "När passar ett IOP?",
            data.get("conditions"),
            intro=intro.get("text", ""),
            list_extra={"source_note": intro.get("source_note", "")},
        )
        for index, entry in self._mappings(file, "conditions", data.get("conditions")):
            if entry.get("kind") not in {"fits", "does_not_fit"}:
                self.reader.error(file, f"conditions[{index}]", "kind must be fits or does_not_fit")

    def parse_tools(self):
        file = "reference/tools.yaml"
        data = self.reader.read(file)
        parts = [
            ("innovation_process", "innovationsprocessen", "Innovationsprocessen", "steps", "title"),
            ("long_term_checklist", "langsiktighet-tank-pa", "Tänk på att", "items", "title"),
            ("smart_goals", "smarta-mal", "SMARTa mål", "letters", "title"),
            ("stakeholder_mapping", "intressentkartlaggning", "Intressentkartläggning", "entries", "title"),
        ]
        for key, slug, title, entries_key, title_key in parts:
            part = data.get(key) or {}
            self._entries(
                file,
                f"{key}.{entries_key}",
                slug,
                part.get("title") or title,
                part.get(entries_key),
                intro=part.get("intro", ""),
                sources=part.get("sources"),
                title_key=title_key,
                list_extra=_extra(part, {"title", "intro", "sources", entries_key}),
            )
        self._entries(file, "mucf_tools", "mucf-verktyg", "Verktyg i samverkansmodellen", data.get("mucf_tools"))

    def parse_templates(self):
        file = "reference/agreement_templates.yaml"
        data = self.reader.read(file)
        self.template_forms = []
        for index, entry in self._mappings(file, "templates", data.get("templates")):
            where = f"templates[{index}]"
            slug = self._row(
                m.AgreementTemplate,
                file,
                where,
                entry,
                {
                    "title": entry.get("title", ""),
                    "intro": entry.get("intro", "") or "",
                    "outro": entry.get("outro", "") or "",
                },
                required=("slug", "title"),
            )
            for form in entry.get("for_forms") or []:
                self._ref(file, _where(where, slug), m.CollaborationForm, form, "for_forms")
                self.template_forms.append((slug, form))
            headings = entry.get("headings") or []
            if not headings:
                self.reader.error(file, _where(where, slug), "a template needs headings")
            for position, heading in enumerate(headings):
                self._heading(file, f"{where}.headings[{position}]", heading, slug, None)

    def _heading(self, file, where, entry, template, parent):
        if not isinstance(entry, dict):
            self.reader.error(file, where, f"must be a mapping (key: value), not {type(entry).__name__}")
            return
        slug = self._row(
            m.TemplateHeading,
            file,
            where,
            entry,
            {
                "template": template,
                "parent": parent,
                "title": entry.get("title", ""),
                "guidance": entry.get("guidance", "") or "",
            },
            required=("slug", "title"),
        )
        for position, child in enumerate(entry.get("children") or []):
            self._heading(file, f"{where}.children[{position}]", child, template, slug)

    def parse(self):
        self.parse_principles()
        self.parse_forms()
        self.parse_coe()
        self.parse_financing()
        self.parse_iop_conditions()
        self.parse_tools()
        self.parse_templates()
        for file in GUIDE_FILES:
            self.parse_guide(file)
        self.parse_form_choice()
        self.parse_agreement_rules()
        for file, where, model, slug, label in self.links:
            if slug not in self.rows[model]:
                self.reader.error(
                    file, where, f"{label} {slug!r} does not resolve to any {model._meta.verbose_name} in the fixtures"
                )
        if self.reader.errors:
            raise FixtureError("\n".join(self.reader.errors))

    def parse_form_choice(self):
        data = self.reader.read(FORM_CHOICE_FILE)
        if data:
            check_form_choice(data, partial(self.reader.error, FORM_CHOICE_FILE), self._known())

    def parse_agreement_rules(self):
        data = self.reader.read(AGREEMENT_FILE)
        if data:
            check_agreement_rules(data, partial(self.reader.error, AGREEMENT_FILE), self._known())

    def _known(self):
        """What the parsed fixtures define, for checking what the form-choice rules name."""
        rows = self.rows
        named = {(defaults["guide"], defaults["title"]) for defaults, _file, _where in rows[m.Section].values()}
        for model_rows in list(rows.values()):
            for defaults, _file, _where in model_rows.values():
                for key in ("sources", "other_texts"):
                    entries = defaults.get(key)
                    for source in entries if isinstance(entries, list) else []:
                        if isinstance(source, dict):
                            named.add((source.get("guide"), source.get("section")))
        named |= {(text.get("guide"), text.get("section")) for _slug, _position, text in self.principle_texts}
        shown_entries = {
            slug
            for slug, (defaults, _file, _where) in rows[m.ReferenceEntry].items()
            if defaults["reference_list"] in FORMS_PAGE_LISTS
        }
        return Known(
            categories=set(rows[m.FormCategory]),
            forms={slug: defaults["category"] for slug, (defaults, _f, _w) in rows[m.CollaborationForm].items()},
            guides=set(rows[m.Guide]),
            guide_sections=named,
            sections={slug: defaults["guide"] for slug, (defaults, _f, _w) in rows[m.Section].items()},
            with_questions={
                defaults["section"] for defaults, _f, _w in rows[m.Item].values() if defaults["kind"] == "question"
            },
            headings=_group(
                (defaults["template"], slug) for slug, (defaults, _f, _w) in rows[m.TemplateHeading].items()
            ),
            forms_page=set(rows[m.FormCategory])
            | set(rows[m.CollaborationForm])
            | (set(FORMS_PAGE_LISTS) & set(rows[m.ReferenceList]))
            | shown_entries,
        )

    # -- writing -------------------------------------------------------------------------------

    FOREIGN_KEYS = {
        m.Section: {"guide": m.Guide, "parent": m.Section, "decision_phase": m.DecisionPhase},
        m.Item: {"section": m.Section, "principle": m.Principle},
        m.CollaborationForm: {"category": m.FormCategory},
        m.ReferenceEntry: {"reference_list": m.ReferenceList},
        m.TemplateHeading: {"template": m.AgreementTemplate, "parent": m.TemplateHeading},
    }
    ORDER = [
        m.Guide, m.Principle, m.FormCategory, m.CollaborationForm, m.Level, m.DecisionPhase, m.ReferenceList,
        m.ReferenceEntry, m.AgreementTemplate, m.TemplateHeading, m.Section, m.Item,
    ]  # fmt: skip

    def _write(self, model):
        name = model._meta.verbose_name_plural
        existing = {obj.slug: obj for obj in model.objects.all()}
        self.ids[model] = {}
        fks = self.FOREIGN_KEYS.get(model, {})
        # Parents before children (sections and headings nest): rows were parsed depth first.
        for slug, (defaults, _file, _where) in self.rows[model].items():
            values = dict(defaults)
            for key, target in fks.items():
                values[f"{key}_id"] = self.ids[target].get(values.pop(key)) if values.get(key) else None
            values["retired"] = False
            obj = existing.get(slug)
            if obj is None:
                obj = model.objects.create(slug=slug, **values)
                self.report.created[name] += 1
            else:
                changed = [key for key, value in values.items() if getattr(obj, key) != value]
                if obj.edited_in_admin:  # staff's edit wins; only a retired row comes back
                    changed = [key for key in changed if key == "retired"]
                    if any(getattr(obj, key) != value for key, value in values.items() if key != "retired"):
                        self.report.kept[name] += 1
                if changed:
                    for key in changed:
                        setattr(obj, key, values[key])
                    obj.save(update_fields=changed)
                    self.report.updated[name] += 1
            self.ids[model][slug] = obj.pk
        gone = [
            slug
            for slug, obj in existing.items()
            if slug not in self.rows[model] and not obj.retired and not obj.edited_in_admin
        ]
        if gone:
            self.report.retired[name] += model.objects.filter(slug__in=gone).update(retired=True)
        for slug, obj in existing.items():
            self.ids[model].setdefault(slug, obj.pk)

    @transaction.atomic
    def write(self):
        self.ids = {}
        for model in self.ORDER:
            self._write(model)
        m.PrincipleText.objects.all().delete()
        m.PrincipleText.objects.bulk_create(
            m.PrincipleText(
                principle_id=self.ids[m.Principle][slug],
                guide_id=self.ids[m.Guide][text["guide"]],
                section=text.get("section", ""),
                item_id=self.ids[m.Item].get(text.get("item")),
                text=text["text"],
                order=position,
            )
            for slug, position, text in self.principle_texts
        )
        for template in m.AgreementTemplate.objects.all():
            template.for_forms.set(
                [self.ids[m.CollaborationForm][form] for slug, form in self.template_forms if slug == template.slug]
            )
        return self.report

    def load(self):
        self.parse()
        return self.write()


def load(base=None) -> Report:
    from .cache import invalidate

    try:
        return Loader(base).load()
    finally:
        invalidate()  # the loader writes in bulk (no signals): what the pages cached is stale now


# The form-choice rules ---------------------------------------------------------------------------

POINTS = range(-10, 11)  # what one answer may give or take from a form
LANGUAGES = ("sv", "en")
UNKNOWN_ANSWER = "vet_inte"  # added by projects.form_choice to a question that allows it
FORMS_PAGE_LISTS = ("finansiering-jamforelse", "bidragsformer", "iop-villkor")  # shown by guides.views.forms
_KEY = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


@dataclass
class Known:
    """What the rest of the fixtures define (slugs), for checking what the form-choice rules name."""

    categories: set
    forms: dict  # form slug -> category slug
    guides: set
    guide_sections: set  # (guide, section as the guide names it): section titles and the sources' sections
    sections: dict  # section slug -> guide slug
    with_questions: set  # slugs of sections with question items
    forms_page: set  # the ids on the library's forms page
    headings: dict = field(default_factory=dict)  # agreement template slug -> its heading slugs


def _group(pairs):
    grouped = defaultdict(set)
    for key, value in pairs:
        grouped[key].add(value)
    return dict(grouped)


class _FormChoiceCheck:
    """Checks fixtures/rules/form_choice.yaml: its own structure, and with ``known`` every form,
    guide, section and page it names. ``error(where, message)`` collects the problems."""

    QUESTION_KEYS = {"key", "text", "help", "hint", "allow_unknown", "answers"}
    ANSWER_KEYS = {"key", "label", "forms"}
    EFFECT_KEYS = {"form", "points", "reason", "warning", "decisive"}
    QUOTE_KEYS = {"key", "text", "guide", "section", "shown_at"}
    TOP_KEYS = {"ranked_categories", "choosable_categories", "questions", "quotes", "checklists", "reading"}

    def __init__(self, data, error, known=None):
        self.data, self.error, self.known = data, error, known

    def run(self):
        for key in sorted(set(self.data) - self.TOP_KEYS, key=str):
            self.error(key, f"unknown key (known: {', '.join(sorted(self.TOP_KEYS))})")
        self.ranked = self._categories("ranked_categories")
        self.choosable = self._categories("choosable_categories")
        for category in self.ranked - self.choosable:
            self.error("choosable_categories", f"must include the ranked category {category!r}")
        quotes = self._quotes()
        self._questions(quotes)
        self._form_sections("checklists", need_questions=True)
        self._form_sections("reading", need_questions=False)

    # -- helpers

    def _list(self, where, value, what):
        if not isinstance(value, list) or not value:
            self.error(where, f"needs a list of {what}")
            return []
        good = []
        for index, entry in enumerate(value):
            if isinstance(entry, dict):
                good.append((index, entry))
            else:
                self.error(f"{where}[{index}]", f"must be a mapping (key: value), not {type(entry).__name__}")
        return good

    def _keys(self, where, entry, known):
        for key in sorted(set(entry) - known, key=str):
            self.error(where, f"unknown key {key!r} (known: {', '.join(sorted(known))})")

    def _key(self, where, entry, seen, what):
        key = entry.get("key")
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            self.error(where, f"'key' must be lowercase ASCII letters and digits (with - or _), not {key!r}")
            return None
        if key in seen:
            self.error(f"{where} ({key})", f"the {what} key is used twice")
            return None
        seen.add(key)
        return key

    def _texts(self, where, value, name):
        if not isinstance(value, dict) or set(value) != set(LANGUAGES):
            self.error(where, f"'{name}' needs exactly the languages {', '.join(LANGUAGES)} (sv: …, en: …)")
            return
        for language in LANGUAGES:
            if not isinstance(value[language], str) or not value[language].strip():
                self.error(where, f"'{name}.{language}' is missing or empty")

    def _form(self, where, slug, categories, what):
        if not isinstance(slug, str) or not slug:
            self.error(where, "'form' is missing or not a slug")
        elif self.known is not None:
            if slug not in self.known.forms:
                self.error(where, f"form {slug!r} does not resolve to any samverkansform in the fixtures")
            elif self.known.forms[slug] not in categories:
                listed = ", ".join(sorted(categories))
                self.error(where, f"form {slug!r} is not one of the {what} (categories {listed})")

    # -- parts

    def _categories(self, key):
        value = self.data.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(slug, str) for slug in value):
            self.error(key, "needs a list of category slugs (reference/forms.yaml)")
            return set()
        if self.known is not None:
            for slug in value:
                if slug not in self.known.categories:
                    self.error(key, f"category {slug!r} does not resolve to any kategori av samverkansformer")
        return set(value)

    def _quotes(self):
        keys = set()
        for index, entry in self._list("quotes", self.data.get("quotes"), "quotes"):
            where = f"quotes[{index}]"
            key = self._key(where, entry, keys, "quote")
            here = _where(where, key)
            self._keys(here, entry, self.QUOTE_KEYS)
            for name in ("text", "guide", "section"):
                if not isinstance(entry.get(name), str) or not entry[name].strip():
                    self.error(here, f"'{name}' is missing or empty")
            shown = entry.get("shown_at")
            if not isinstance(shown, dict) or len(shown) != 1 or not set(shown) <= {"forms_page", "section_page"}:
                self.error(here, "'shown_at' needs one of forms_page: <id> or section_page: <section slug>")
                shown = {}
            if self.known is None or not isinstance(entry.get("guide"), str):
                continue
            guide, section = entry["guide"], entry.get("section")
            if guide not in self.known.guides:
                self.error(here, f"guide {guide!r} does not resolve to any guide in the fixtures")
            elif isinstance(section, str) and (guide, section) not in self.known.guide_sections:
                self.error(
                    here,
                    f"section {section!r} is not a section of {guide} in the fixtures (no section title in "
                    "guides/ nor section of a source in reference/ has that name)",
                )
            for kind, target in shown.items():
                if not isinstance(target, str):
                    self.error(here, f"shown_at: {kind} must be a slug, not {target!r}")
                elif kind == "forms_page" and target not in self.known.forms_page:
                    self.error(here, f"shown_at: forms_page {target!r} is not an id on the forms page")
                elif kind == "section_page" and self.known.sections.get(target) != guide:
                    self.error(here, f"shown_at: section_page {target!r} is not a section of {guide} in the fixtures")
        return keys

    def _questions(self, quotes):
        keys = set()
        for index, entry in self._list("questions", self.data.get("questions"), "questions"):
            where = f"questions[{index}]"
            key = self._key(where, entry, keys, "question")
            here = _where(where, key)
            self._keys(here, entry, self.QUESTION_KEYS)
            for name in ("text", "help", "hint"):
                self._texts(here, entry.get(name), name)
            if not isinstance(entry.get("allow_unknown", False), bool):
                self.error(here, "'allow_unknown' must be true or false")
            answers = entry.get("answers")
            if not isinstance(answers, list) or not answers:
                self.error(here, "the question has no answers ('answers' needs a list)")
                continue
            answer_keys, effects = set(), 0
            for position, answer in self._list(f"{where}.answers", answers, "answers"):
                at = f"{where}.answers[{position}]"
                answer_key = self._key(at, answer, answer_keys, "answer")
                if answer_key == UNKNOWN_ANSWER:
                    self.error(at, f"{UNKNOWN_ANSWER!r} is added by 'allow_unknown: true'; it is not an answer here")
                self._keys(_where(at, answer_key), answer, self.ANSWER_KEYS)
                self._texts(_where(at, answer_key), answer.get("label"), "label")
                if answer.get("forms") is not None:
                    for number, effect in self._list(f"{at}.forms", answer["forms"], "forms with points"):
                        self._effect(_where(f"{at}.forms[{number}]", f"{key}: {answer_key}"), effect, quotes)
                        effects += 1
            if not effects:
                self.error(here, "no answer gives any form points (add 'forms' to an answer)")

    def _effect(self, where, effect, quotes):
        self._keys(where, effect, self.EFFECT_KEYS)
        self._form(where, effect.get("form"), self.ranked, "forms ranked")
        points = effect.get("points")
        if not isinstance(points, int) or isinstance(points, bool) or points not in POINTS:
            self.error(where, f"points must be a whole number from {POINTS[0]} to {POINTS[-1]}, not {points!r}")
        kinds = [kind for kind in ("reason", "warning") if kind in effect]
        if len(kinds) != 1:
            self.error(where, "needs either 'reason' or 'warning' (the key of a quote)")
        elif not isinstance(effect[kinds[0]], str) or effect[kinds[0]] not in quotes:
            self.error(where, f"{kinds[0]} {effect[kinds[0]]!r} is not the key of any quote in 'quotes'")
        if not isinstance(effect.get("decisive", False), bool):
            self.error(where, "'decisive' must be true or false")
        elif effect.get("decisive") and kinds != ["warning"]:
            self.error(where, "'decisive: true' goes with a warning only")

    def _form_sections(self, key, need_questions):
        forms = set()
        for index, entry in self._list(key, self.data.get(key), "forms with sections"):
            where = f"{key}[{index}]"
            slug = entry.get("form") if isinstance(entry.get("form"), str) else None
            here = _where(where, slug)
            self._keys(here, entry, {"form", "sections"})
            self._form(here, slug, self.choosable, "forms that may be chosen")
            if slug in forms:
                self.error(here, "the form is listed twice")
            forms.add(slug)
            sections = entry.get("sections")
            if not isinstance(sections, list) or not sections:
                self.error(here, "'sections' needs a list of section slugs")
                continue
            for section in sections:
                if not isinstance(section, str):
                    self.error(here, f"a section slug must be text, not {section!r}")
                elif self.known is None:
                    continue
                elif section not in self.known.sections:
                    self.error(here, f"section {section!r} does not resolve to any avsnitt in the fixtures")
                elif need_questions and section not in self.known.with_questions:
                    self.error(here, f"section {section!r} has no questions to offer as a checklist")


def check_form_choice(data, error, known=None):
    """Check the form-choice rules; ``error(where, message)`` gets each problem. Without ``known``
    only the file's own structure is checked (what projects.form_choice does when it reads it);
    ``load_guides`` passes what the other fixtures define, so every slug and section is checked too."""
    _FormChoiceCheck(data, error, known).run()


def read_form_choice(base=None) -> dict:
    """fixtures/rules/form_choice.yaml, parsed with the guides' safe loader and checked on its own.
    Raises FixtureError (one problem a line: ``fixtures/rules/form_choice.yaml: where: what``)."""
    reader = _Reader(Path(base) if base else default_dir())
    data = reader.read(FORM_CHOICE_FILE)
    if data:
        check_form_choice(data, partial(reader.error, FORM_CHOICE_FILE))
    if reader.errors:
        raise FixtureError("\n".join(reader.errors))
    return data


# The agreement's rules ---------------------------------------------------------------------------

AGREEMENT_FILE = "rules/agreement.yaml"
SHORT_TEMPLATE = "kort"  # the key of the short agreement's required sections


class _Strict(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)


class _Texts(_Strict):
    sv: str = pydantic.Field(min_length=1)
    en: str = pydantic.Field(min_length=1)


class _ShortSection(_Strict):
    key: str = pydantic.Field(pattern=_KEY.pattern)
    title: _Texts


class _Short(_Strict):
    forms: list[str] = pydantic.Field(min_length=1)
    sections: list[_ShortSection] = pydantic.Field(min_length=1)


class AgreementRules(_Strict):
    """fixtures/rules/agreement.yaml, its structure (pydantic 2); ``check_agreement_rules`` checks
    what it names against the other fixtures."""

    required: dict[str, list[str]]
    short: _Short
    prefill: dict[str, list[str]]


def check_agreement_rules(data, error, known=None):
    """Check the agreement's rules; ``error(where, message)`` gets each problem. Returns the parsed
    rules, or None when the structure is wrong. With ``known`` every template, heading, form and
    guide section it names must exist in the fixtures."""
    try:
        rules = AgreementRules.model_validate(data)
    except pydantic.ValidationError as problem:
        for item in problem.errors():
            where = ".".join(str(part) for part in item["loc"]) or "(the file)"
            error(where, item["msg"])
        return None
    short_keys = [section.key for section in rules.short.sections]
    if len(set(short_keys)) != len(short_keys):
        error("short.sections", "a key is listed twice")
    if known is None:
        return rules
    sections_of = {**known.headings, SHORT_TEMPLATE: set(short_keys)}
    every_section = set().union(*sections_of.values())
    for template, keys in rules.required.items():
        if template not in sections_of:
            error(f"required.{template}", f"template {template!r} does not resolve to any agreement template")
            continue
        for index, key in enumerate(keys):
            if key not in sections_of[template]:
                error(f"required.{template}[{index}]", f"{key!r} is not a heading of {template!r}")
    for index, form in enumerate(rules.short.forms):
        if form not in known.forms:
            error(f"short.forms[{index}]", f"form {form!r} does not resolve to any samverkansform")
    for key, slugs in rules.prefill.items():
        if key not in every_section:
            error(f"prefill.{key}", f"{key!r} is no template's heading nor a short section")
        for index, slug in enumerate(slugs):
            if slug not in known.with_questions:
                error(f"prefill.{key}[{index}]", f"section {slug!r} is no guide section with questions")
    return rules


def read_agreement_rules(base=None) -> AgreementRules:
    """fixtures/rules/agreement.yaml, parsed and checked on its own. Raises FixtureError (one problem
    a line: ``fixtures/rules/agreement.yaml: where: what``)."""
    reader = _Reader(Path(base) if base else default_dir())
    data = reader.read(AGREEMENT_FILE)
    rules = check_agreement_rules(data, partial(reader.error, AGREEMENT_FILE)) if data else None
    if reader.errors:
        raise FixtureError("\n".join(reader.errors))
    return rules
