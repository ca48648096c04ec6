"""The meetings' and the decision log's part of the collaboration file (the mechanism:
projects.common.schema). A logged decision points at its meeting by the meeting's ``ref``."""

from projects.common.schema import NOT_IN_VERSION_1, REF_KINDS, Node, _by
from projects.meetings.models import CalendarFeed, LoggedDecision, Meeting, MeetingParticipant

REF_KINDS[Meeting] = "meeting"

# fmt: off
NODES = (
    Node("meetings", Meeting, "title kind starts_at ends_at place link agenda minutes minutes_version "
         "minutes_locked_at minutes_due sequence created_by updated_at", **_by("starts_at"), ref=True,
         after={"ends_at": ("starts_at", "after_meeting_start")},
         children=(
             Node("participants", MeetingParticipant, "party user name approved_minutes_at approved_version"),
         )),
    Node("logged_decisions", LoggedDecision, "meeting text decided_on decided_by mandate recorded_by "
         "recorded_at", **_by("decided_on")),
)
# fmt: on

EXCLUDED_MODELS = {CalendarFeed: "a secret token of this server"}
EXCLUDED = {
    LoggedDecision: {"recorded_by_name": NOT_IN_VERSION_1},
    Meeting: {"uid": "the iCalendar UID is unique on this server: an imported meeting gets a new one"},
}
