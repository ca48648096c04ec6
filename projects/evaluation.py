"""The evaluation view, its PDF appendix; a whole collaboration as JSON out and back in."""


def overview_context(collaboration):
    """What the collaboration overview shows of this part."""
    return {}
