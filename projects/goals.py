"""Goals with the SMART checklist, indicators with baseline and target, measurements."""


def overview_context(collaboration):
    """What the collaboration overview shows of this part."""
    return {}


def snapshot_indicators(collaboration):
    """The indicators for the agreement's frozen content (its follow-up section)."""
    return []
