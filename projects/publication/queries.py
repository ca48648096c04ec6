"""Reads of published agreements: the public page's, the public lists', and the organisation pages'
(``published_for``). Only what is published and not withdrawn is ever returned to the public."""

from datetime import date

from django.db.models import Max
from django.db.models.fields.json import KeyTextTransform

from projects.agreements.models import AgreementVersion
from projects.publication.models import Publication


def public():
    """Every publication that is on show: published and not withdrawn (newest first)."""
    return (
        Publication.objects.filter(published_at__isnull=False, withdrawn_at__isnull=True)
        .only("slug", "published_at", "withdrawn_at")
        .annotate(
            title=KeyTextTransform("title", "version__content"),
            collaboration_title=KeyTextTransform("collaboration", "version__content"),
            decided_on=Max("version__decisions__decided_on"),
        )
        .order_by("-published_at", "-pk")
    )


def published_for(organisation):
    """The publications on show of agreements ``organisation`` decided as a party."""
    return public().filter(version__decisions__party__organisation=organisation).distinct()


def by_slug(slug):
    """The publication behind a public address (published or withdrawn), or None: a round still
    gathering consents answers like an unknown address."""
    return (
        Publication.objects.filter(slug=slug, published_at__isnull=False)
        .select_related("version__agreement__collaboration")
        .defer("version__pdf")
        .first()
    )


def decided_version(agreement):
    """The agreement's decided version (the latest, should there be several), or None."""
    if agreement is None:
        return None
    return agreement.versions.filter(status=AgreementVersion.Status.DECIDED).order_by("-number").first()


def _date(value):
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def public_content(version):
    """What the public page shows of ``version``, taken from its frozen content and its decisions,
    never from live data: the text, the parties as organisations, the period and the decisions.
    Only named keys are copied: the contact persons, signatories and who recorded a decision (people)
    are left out here, so no template can show them by mistake."""
    content = version.content or {}
    parties = [
        {
            "id": p.get("id"),
            "name": p.get("name", ""),
            "sector": p.get("sector", ""),
            "org_number": p.get("org_number", ""),
            "contribution": p.get("contribution", ""),
        }
        for p in content.get("parties", [])
    ]
    # The decisions name each party as the version does (as the version's PDF does), where the ids
    # are this collaboration's (a version restored from a file holds another server's ids).
    names = {}
    if version.frozen_at >= version.agreement.collaboration.created_at:
        names = {p["id"]: p["name"] for p in parties if p["name"]}
    decisions = [
        {
            "party": names.get(d.party_id) or d.party.organisation.name,
            "approved": d.approved,
            "body": d.body,
            "decided_on": d.decided_on,
            "reference": d.reference,
        }
        for d in version.decisions.select_related("party__organisation").order_by("decided_on", "pk")
    ]
    period = content.get("period", {})
    return {
        "title": content.get("title", ""),
        "collaboration": content.get("collaboration", ""),
        "form": content.get("form", ""),
        "period": {"start": _date(period.get("start")), "end": _date(period.get("end"))},
        "parties": parties,
        "sections": [
            {
                "title": s.get("title", ""),
                "text": s.get("text", ""),
                "omitted_reason": s.get("omitted_reason", ""),
                "from_data": s.get("from_data", ""),
            }
            for s in content.get("sections", [])
        ],
        "decisions": decisions,
        "decided_on": max((d["decided_on"] for d in decisions), default=None),
    }
