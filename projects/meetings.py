"""Meetings, participants, minutes and their approval, the decision log, calendars."""


def overview_context(collaboration):
    """What the collaboration overview shows of this part."""
    return {}
