"""The stakeholders' and the risks' part of the collaboration file (the mechanism: projects.common.schema)."""

from projects.common.schema import Node
from projects.stakeholders.models import Risk, Stakeholder

# fmt: off
NODES = (
    Node("stakeholders", Stakeholder, "name kind category influence interest notes updated_by updated_at"),
    Node("risks", Risk, "title description probability consequence owner mitigation status review_date "
         "updated_by updated_at"),
)
# fmt: on
