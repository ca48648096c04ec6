"""The memo's part of the collaboration file: none (the mechanism: projects.common.schema)."""

from projects.memo.models import DecisionMemo

NODES = ()
EXCLUDED_MODELS = {
    DecisionMemo: "the public party's own working draft for its committee, not shared with the other parties "
    "(the collaboration file is exported by every party's coordinators); made again from the collaboration",
}
