"""The collaboration's current phase (Council of Europe code), its timeline, the collaboration map
(levels × phases, planned and actual) and starting a new period."""


def overview_context(collaboration):
    """What the collaboration overview shows of the phase and the map."""
    return {}


def map_snapshot(collaboration):
    """The collaboration map for the agreement's frozen content."""
    return []
