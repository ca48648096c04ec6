"""What can be done with meetings, minutes, the decision log and the calendars, and who may:
declared in the collaboration policy (projects/core/permissions.py), asked by the views."""

from projects.core.permissions import Action, register

VIEW = register("meetings.view", "läsa mötena, protokollen och beslutsloggen och ladda ner dem", Action.VIEW)
PLAN = register("meetings.plan", "planera och ändra möten", Action.EDIT)
WRITE_MINUTES = register("meetings.write_minutes", "skriva protokollet och föra in mötets beslut", Action.EDIT)
# Participants approve whatever their role (projects.meetings.services.approve_minutes refuses anyone
# else, with the reason); an archived collaboration changes nothing.
APPROVE_MINUTES = register(
    "meetings.approve_minutes",
    "justera protokollet (deltagarna, vilken roll de än har)",
    Action.VIEW,
    archived=False,
)
RECORD_DECISION = register(
    "meetings.record_decision", "föra in ett beslut med kort varsel i beslutsloggen", Action.EDIT
)
RENEW_CALENDAR = register(
    "meetings.renew_calendar", "skapa eller byta kalenderprenumerationens hemliga adress", Action.MANAGE
)
SET_MINUTES_DUE = register(
    "meetings.set_minutes_due",
    "bestämma när protokollet ska vara justerat senast, ändra eller ta bort datumet",
    Action.MANAGE,
)
