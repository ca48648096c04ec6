"""What can be done with goals, indicators and measurements, and who may: declared in the
collaboration policy (projects/core/permissions.py), asked by the views."""

from projects.core.permissions import Action, is_coordinator_role, register


def _own_party(membership, party):
    """A writer accepts a goal for their own party. (Such a party is always one of the goals'
    accepting parties: those with someone who writes, projects.goals.services.accepting_parties.)"""
    return membership.party_id == party.pk


def _own_party_or_coordinator(membership, measurement):
    """A measurement is removed by its own party's writers, or a coordinator (mistakes happen)."""
    if is_coordinator_role(membership.role):
        return True
    return measurement.party_id is not None and measurement.party_id == membership.party_id


VIEW = register("goals.view", "läsa mål, indikatorer och mätvärden och ladda ner dem", Action.VIEW)
EDIT = register("goals.edit", "lägga till, ändra och ta bort mål och indikatorer", Action.EDIT)
ACCEPT = register("goals.accept", "acceptera ett mål för den egna parten", Action.EDIT, check=_own_party)
RECORD_MEASUREMENT = register("goals.record_measurement", "registrera ett mätvärde för den egna parten", Action.EDIT)
DELETE_MEASUREMENT = register(
    "goals.delete_measurement", "ta bort det här mätvärdet", Action.EDIT, check=_own_party_or_coordinator
)
SET_MEASURE_BY = register(
    "goals.set_measure_by",
    "bestämma när målets indikatorer ska mätas senast, ändra eller ta bort datumet",
    Action.MANAGE,
)
