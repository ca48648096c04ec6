from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from . import search as guide_search
from .cache import cached
from .models import (
    AgreementTemplate,
    CollaborationForm,
    DecisionPhase,
    FormCategory,
    Guide,
    Item,
    Level,
    Principle,
    PrincipleText,
    ReferenceEntry,
    ReferenceList,
    Section,
    TemplateHeading,
)

BLOCK_LABELS = {
    **dict(Item.Kind.choices),
    Item.Kind.QUESTION: _("Frågor att diskutera"),
    Item.Kind.TIP: _("Tänk på!"),
    Item.Kind.NEXT_STEP: _("Kom vidare"),
    Item.Kind.PRINCIPLE: _("Ta stöd i principerna"),
}


def _lists(*slugs):
    lists = (
        ReferenceList.objects.current()
        .filter(slug__in=slugs)
        .prefetch_related(Prefetch("entries", queryset=ReferenceEntry.objects.current()))
    )
    return {reference_list.slug: reference_list for reference_list in lists}


@login_required
@require_GET
def library(request):
    guides = cached(
        "library",
        lambda: list(
            Guide.objects.current().annotate(
                questions=Count(
                    "sections__items",
                    filter=Q(sections__items__kind=Item.Kind.QUESTION, sections__items__retired=False),
                )
            )
        ),
    )
    return render(request, "guides/library.html", {"guides": guides})


def _tree(sections):
    """Nest a guide's sections (ordered depth first) as [(section, [children…])]."""
    by_parent = {}
    for section in sections:
        by_parent.setdefault(section.parent_id, []).append(section)

    def build(parent_id):
        return [(section, build(section.pk)) for section in by_parent.get(parent_id, [])]

    return build(None)


@login_required
@require_GET
def guide(request, guide_slug):
    guide = get_object_or_404(Guide.objects.current(), slug=guide_slug)
    sections = list(guide.sections.current().annotate(n_items=Count("items", filter=Q(items__retired=False))))
    return render(request, "guides/guide.html", {"guide": guide, "tree": _tree(sections)})


def _blocks(items):
    """Consecutive items of one kind form a block: questions, "Tänk på!", "Kom vidare"…"""
    return [(kind, BLOCK_LABELS[kind], list(group)) for kind, group in groupby(items, key=lambda item: item.kind)]


@login_required
@require_GET
def section(request, guide_slug, section_slug):
    guide = get_object_or_404(Guide.objects.current(), slug=guide_slug)
    sections = list(guide.sections.current())
    current = next((s for s in sections if s.slug == section_slug), None)
    if current is None:
        retired = get_object_or_404(Section, guide=guide, slug=section_slug)
        current = retired  # an old link to retired content still shows it, with a notice
    index = sections.index(current) if current in sections else -1
    by_pk = {s.pk: s for s in sections}
    ancestors = []
    parent = by_pk.get(current.parent_id)
    while parent:
        ancestors.insert(0, parent)
        parent = by_pk.get(parent.parent_id)
    items = list(current.items.current().select_related("principle"))
    context = {
        "guide": guide,
        "section": current,
        "ancestors": ancestors,
        "children": [s for s in sections if s.parent_id == current.pk],
        "blocks": _blocks(items),
        "previous": sections[index - 1] if index > 0 else None,
        "next": sections[index + 1] if 0 <= index < len(sections) - 1 else None,
        "tree": _tree(sections),
        "see_also": _see_also(current.extra.get("see_also") or []),
    }
    return render(request, "guides/section.html", context)


def _see_also(slugs):
    """Reference content moved out of a section (principles, forms, templates…), as links."""
    from django.urls import reverse

    targets = []
    for model, url_name in [
        (Principle, "guides:principles"),
        (CollaborationForm, "guides:forms"),
        (FormCategory, "guides:forms"),
        (AgreementTemplate, "guides:templates"),
        (ReferenceList, None),
        (Level, "guides:levels"),
        (DecisionPhase, "guides:levels"),
    ]:
        for obj in model.objects.filter(slug__in=slugs):
            name = getattr(obj, "name", None) or getattr(obj, "title", "")
            if url_name is None:
                url_name = _list_page(obj.slug)
            targets.append((name, f"{reverse(url_name)}#{obj.slug}"))
    return targets


def _list_page(slug):
    if slug in {"finansiering-jamforelse", "bidragsformer", "iop-villkor"}:
        return "guides:forms"
    if slug.startswith("coe") or slug.startswith("karta"):
        return "guides:levels"
    return "guides:tools"


@login_required
@require_GET
def principles(request):
    principles = Principle.objects.current().prefetch_related(
        Prefetch("texts", queryset=PrincipleText.objects.select_related("guide"))
    )
    return render(
        request,
        "guides/principles.html",
        {"principles": principles, "about": _lists("principer-om").get("principer-om")},
    )


@login_required
@require_GET
def forms(request):
    categories = FormCategory.objects.current().prefetch_related(
        Prefetch("forms", queryset=CollaborationForm.objects.current())
    )
    lists = _lists("finansiering-jamforelse", "bidragsformer", "iop-villkor")
    return render(
        request, "guides/forms.html", {"categories": categories, **{k.replace("-", "_"): v for k, v in lists.items()}}
    )


@login_required
@require_GET
def levels(request):
    lists = ReferenceList.objects.current().prefetch_related(
        Prefetch("entries", queryset=ReferenceEntry.objects.current())
    )
    maps = [reference_list for reference_list in lists if reference_list.extra.get("kind") == "map"]
    lists = {reference_list.slug: reference_list for reference_list in lists}
    return render(
        request,
        "guides/levels.html",
        {
            "levels": Level.objects.current(),
            "phases": DecisionPhase.objects.current(),
            "maps": maps,
            "about": lists.get("coe-om"),
            "joint_efforts": lists.get("coe-gemensamma-insatser"),
            "guides": {guide.slug: guide for guide in Guide.objects.current()},
        },
    )


@login_required
@require_GET
def tools(request):
    slugs = ["innovationsprocessen", "langsiktighet-tank-pa", "smarta-mal", "intressentkartlaggning", "mucf-verktyg"]
    lists = _lists(*slugs)
    return render(request, "guides/tools.html", {"lists": [lists[slug] for slug in slugs if slug in lists]})


@login_required
@require_GET
def templates(request):
    headings = (
        TemplateHeading.objects.current()
        .filter(parent__isnull=True)
        .prefetch_related(Prefetch("children", queryset=TemplateHeading.objects.current()))
    )
    agreement_templates = AgreementTemplate.objects.current().prefetch_related(
        Prefetch("headings", queryset=headings, to_attr="top_headings"), "for_forms"
    )
    return render(request, "guides/templates.html", {"templates": agreement_templates})


@login_required
@require_GET
def search(request):
    query = request.GET.get("q", "").replace("\x00", "").strip()[: guide_search.MAX_QUERY]
    hits = cached("search", lambda: guide_search.search(query), connection.vendor, query)
    context = {"query": query, "hits": hits}
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "guides/search.html#search-results", context)
    return render(request, "guides/search.html", context)
