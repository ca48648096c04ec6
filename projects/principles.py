"""The six principles as a collaboration formulates them, concerns ("det gnisslar") and the
principles lens on the agreement."""


def overview_context(collaboration):
    """What the collaboration overview shows of the principles (open concerns, gaps)."""
    return {}


def snapshot(collaboration):
    """The principles as formulated, for the agreement's frozen content: [{slug, name, text}]."""
    return []
