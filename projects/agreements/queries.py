"""Reads about the agreement that other features use (the notifications, the people page)."""

from projects.agreements.permissions import RECORD_DECISION, recorders_among
from projects.core.models import Membership
from projects.core.permissions import policy


def decision_recorders(collaboration) -> dict[int, list[Membership]]:
    """{party id: the memberships that may record that party's decision} for every party of
    ``collaboration``, each with its ``user``: the members marked "Registrerar partens beslut";
    while nobody of a party is marked, its coordinators; where it has neither, its editors (an empty
    list for a party without anyone who writes). The same rule as the permission
    ``agreements.record_decision`` (both use ``permissions.recorders_among``). Two queries, however
    many parties and people."""
    people = {party_id: [] for party_id in collaboration.parties.order_by("pk").values_list("pk", flat=True)}
    for membership in (
        Membership.objects.filter(collaboration=collaboration, role__in=policy.roles_for(RECORD_DECISION))
        .select_related("user")
        .order_by("user__full_name", "pk")
    ):
        people.setdefault(membership.party_id, []).append(membership)
    return {party_id: recorders_among(memberships) for party_id, memberships in people.items()}
