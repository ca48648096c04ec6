"""Choosing a form of collaboration: the guided questionnaire, its recommendation rules (each
reason quoting a guide) and the recorded choice."""


def overview_context(collaboration):
    """What the collaboration overview shows of the form choice."""
    return {}
