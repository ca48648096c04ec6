"""Reads of the records: what the check page and the agreement page show about a sealed version."""

from projects.records.models import SealedRecord


def record_for(version):
    """The version's SealedRecord, or None (not decided, or not yet made)."""
    if version is None:
        return None
    return SealedRecord.objects.filter(version=version).only("state", "created_at", "version_id").first()


def decisions(version):
    """The version's approvals, each party named as the version names it (as the PDF does)."""
    rows = list(version.decisions.filter(approved=True).select_related("party__organisation"))
    names = {p.get("id"): p.get("name") for p in version.content.get("parties", [])}
    if version.frozen_at < version.agreement.collaboration.created_at:
        names = {}  # restored from a file: the snapshot's ids are another collaboration's
    return [
        {
            "party": names.get(d.party_id) or d.party.organisation.name,
            "body": d.body,
            "decided_on": d.decided_on,
            "reference": d.reference,
        }
        for d in rows
    ]
