"""Who does what in the yearly follow-up (docs/architecture.md, "Who may do what"):

- the reporting parties (the civil-society parties: not a public organisation) upload the agreed
  documents and submit the year's report: their editors and coordinators;
- the public parties review it ("granskad"), approve it or send it back with a comment: their editors
  and coordinators;
- the coordinators of the collaboration set the due dates, the list of documents, the years and the
  year's review meeting;
- every member reads the reports and downloads their documents, and every writer comments."""

from projects.core.permissions import Action, register


def _reporting_party(membership, _obj=None):
    return not membership.party.organisation.is_public


def _reviewing_party(membership, _obj=None):
    return membership.party.organisation.is_public


VIEW = register("reports.view", "läsa årsrapporterna och ladda ner deras dokument", Action.VIEW)
UPLOAD = register(
    "reports.upload",
    "ladda upp och ta bort dokument i årsrapporten och lämna in den (den idéburna partens skribenter)",
    Action.EDIT,
    check=_reporting_party,
)
REVIEW = register(
    "reports.review",
    "granska, godkänna eller skicka tillbaka en inlämnad årsrapport (den offentliga partens skribenter)",
    Action.EDIT,
    check=_reviewing_party,
)
COMMENT = register("reports.comment", "kommentera en årsrapport", Action.EDIT)
MANAGE = register(
    "reports.manage",
    "ändra datum och dokument för den årliga uppföljningen, uppdatera åren och välja uppföljningsmöte",
    Action.MANAGE,
)
