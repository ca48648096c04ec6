"""Stakeholders (intressentkartläggning) and risks (riskmatris)."""


def overview_context(collaboration):
    """What the collaboration overview shows of this part."""
    return {}
