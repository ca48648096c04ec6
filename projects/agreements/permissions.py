"""What can be done with the agreement, and who may: declared in the collaboration policy
(projects/core/permissions.py), asked by the views (and by the principles lens, which tags sections)."""

from projects.core.models import Membership
from projects.core.permissions import Action, is_coordinator_role, policy, register


def _in_writing_group(membership, agreement):
    """The writing group (skrivgrupp) writes; while no group is chosen, every editor and coordinator
    does. Coordinators always may."""
    if is_coordinator_role(membership.role):
        return True
    writers = set(agreement.writers.values_list("pk", flat=True))
    return not writers or membership.pk in writers


def _own_party(membership, party):
    """Each party speaks for itself: its own people record its details."""
    return membership.party_id == party.pk


def recorders_among(memberships):
    """Who records one party's decision, of ``memberships``: that party's people whose role may record
    a decision at all (``policy.roles_for(RECORD_DECISION)``; a reader never records, marked or not).

    Those marked ``records_decisions`` (the firmatecknare or a delegate, marked by the party's
    coordinators); while nobody is marked, the party's coordinators; where the party has neither, its
    editors. So a party with anyone who writes is never stuck without someone who records its
    decision. The permission's rule (``RECORD_DECISION``) and the query
    (``projects.agreements.queries.decision_recorders``) both answer with this function."""
    memberships = list(memberships)
    marked = [m for m in memberships if m.records_decisions]
    if marked:
        return marked
    return [m for m in memberships if is_coordinator_role(m.role)] or memberships


def _records_for_party(membership, party):
    """RECORD_DECISION's rule: only for one's own party, and only one of its recorders
    (:func:`recorders_among`: the marked members; while nobody is marked, the party's coordinators;
    where it has neither, its editors)."""
    if membership.party_id != party.pk:
        return False
    people = (
        Membership.objects.filter(party_id=party.pk, role__in=policy.roles_for(RECORD_DECISION))
        .order_by()
        .only("pk", "role", "records_decisions")
    )
    return membership.pk in {m.pk for m in recorders_among(people)}


VIEW = register(
    "agreements.view",
    "läsa överenskommelsen, dess versioner, historik och kommentarer, och ladda ner den",
    Action.VIEW,
)
MANAGE = register(
    "agreements.manage",
    "påbörja överenskommelsen, ändra och utelämna avsnitt, välja skrivgruppen, låsa en version för beslut, "
    "ange och ändra sista dag för beslut och påbörja ett nytt utkast",
    Action.MANAGE,
)
WRITE_SECTION = register(
    "agreements.write_section",
    "skriva i överenskommelsens avsnitt, återställa en tidigare version och märka avsnitten med principer",
    Action.EDIT,
    check=_in_writing_group,
)
# Who records a party's formal decision: its members marked "Registrerar partens beslut"; while
# nobody of the party is marked, its coordinators; where it has neither, its editors (so no party is
# ever stuck). The rule: _records_for_party and recorders_among above; the people page marks them
# (core.mark_decision_recorder).
RECORD_DECISION = register(
    "agreements.record_decision",
    "registrera partens beslut (de som partens samordnare markerat; är ingen markerad partens samordnare; "
    "har parten ingen samordnare dess redaktörer)",
    Action.EDIT,
    check=_records_for_party,
)
RECORD_PARTY_DETAILS = register(
    "agreements.record_party_details",
    "registrera partens diarienummer och undertecknare",
    Action.EDIT,
    check=_own_party,
)
COMMENT = register("agreements.comment", "kommentera ett avsnitt", Action.EDIT)
