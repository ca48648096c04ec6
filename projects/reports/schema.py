"""The yearly follow-up's part of the collaboration file (the mechanism: projects.common.schema):
the list of documents, the years' reports with their statuses and comments. The uploaded documents
are not in the file."""

from projects.common.schema import Node, _by
from projects.reports.models import Report, ReportComment, ReportDocument, ReportPlan

# fmt: off
NODES = (
    Node("report_plan", ReportPlan, "documents updated_by updated_at", one=True),
    Node("reports", Report, "year due_date status outside_period review_meeting submitted_at submitted_by "
         "reviewed_at reviewed_by approved_at approved_by sent_back_at", **_by("year"), unique=("year",),
         children=(
             Node("comments", ReportComment, "party author text created_at sent_back", **_by("created_at")),
         )),
)
# fmt: on

EXCLUDED_MODELS = {
    ReportDocument: "files are excluded from the collaboration file: the uploaded documents stay in this "
    "server's storage (the file is JSON, of at most 10 MB; a year's documents may be 20 MB each)",
}
