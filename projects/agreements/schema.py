"""The agreement's part of the collaboration file (the mechanism: projects.common.schema)."""

from typing import Annotated

from pydantic import AfterValidator

from projects.agreements.models import (
    Agreement,
    AgreementComment,
    AgreementSection,
    AgreementSectionRevision,
    AgreementVersion,
    Decision,
    PartyRecord,
    PdfExport,
)
from projects.common.schema import (
    MADE_HERE,
    NOT_IN_VERSION_1,
    PERIOD,
    USER,
    Carry,
    Int,
    Node,
    Str,
    _by,
    _revisions,
    fail,
)


def _content_hash(value, info):
    from projects.agreements.services import content_hash

    if "content" in info.data and content_hash(info.data["content"]) != value:
        fail("content_hash")
    return value


HASH = Annotated[Str(64, blank=False), AfterValidator(_content_hash)]

# fmt: off
NODES = (
    Node("agreements", Agreement, "period title form template state writers", order=("period",),
         unique=("period",), types={"period": PERIOD}, defaults={"period": ...}, actor=("created_by",),
         carry=Carry("title form template writers", rows=lambda rows, old: rows.order_by("-period")[:1],
                     period=lambda collaboration: collaboration.period, state=Agreement.State.DRAFT),
         children=(
             Node("sections", AgreementSection, "heading key title order text required prefilled omitted_reason "
                  "principles version updated_by updated_at", **_by("order"),
                  carry=Carry("heading key title order text required principles", version=0, updated_by=USER),
                  children=(
                      Node("revisions", AgreementSectionRevision, "version text author created_at restored_from",
                           **_revisions(AgreementSection.MAX_LENGTH)),
                      Node("comments", AgreementComment, "party author text created_at", **_by("created_at")),
                  )),
             Node("versions", AgreementVersion, "number content content_hash status frozen_by frozen_at decide_by",
                  order=("number",), unique=("number",), types={"number": Int(1), "content_hash": HASH},
                  defaults={"status": ...},
                  children=(
                      Node("decisions", Decision, "party approved body decided_on reference comment recorded_by "
                           "recorded_at", unique=("party",)),
                  )),
             Node("party_records", PartyRecord, "party record_number signatory wet_ink", unique=("party",)),
         )),
)
# fmt: on

EXCLUDED_MODELS = {PdfExport: "generated files, made again on request"}
EXCLUDED = {
    Agreement: {"created_at": MADE_HERE},
    AgreementVersion: {"pdf": "the decided version's PDF is made again from its content"},
    Decision: {"recorded_by_name": NOT_IN_VERSION_1},
}
