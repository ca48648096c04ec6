"""De minimis aid's part of the collaboration file: none (the mechanism: projects.common.schema).

A grant is the granting organisation's legal record, counted in the recipient's running total across
every collaboration and outside the app (projects.state_aid.queries). Importing a file makes a new
collaboration; if the file carried the grants, the same aid would be counted twice in the recipient's
total, and a ceiling could be refused (or passed) on aid that was granted once. So the file leaves
the grants out; the granting organisation keeps them, and downloads them from its own page
("Ladda ner för det centrala registret")."""

from projects.state_aid.models import AidGrant

NODES = ()
EXCLUDED_MODELS = {
    AidGrant: "the granting organisation's record of aid, counted across collaborations: imported, the same "
    "aid would count twice in the recipient's running total (the organisation's page exports it)",
}
