"""The core's part of the collaboration file: the collaboration's own fields (the document itself),
its parties with their organisations, and its people (the mechanism: projects.common.schema)."""

from projects.common.schema import EMAIL, MADE_HERE, PERIOD, Carry, Node, Str, _by
from projects.core.models import Collaboration, Event, Invitation, Membership, Organisation, Party, Phase

ORGANISATION = Node("organisation", Organisation, "name sector org_number", one=True, types={"org_number": Str(13)})
PEOPLE = {
    "name": (Str(150), "", lambda row: row.user.get_full_name()),
    "email": (EMAIL, None, lambda row: row.user.email),
}


def document(children):
    """The document: the collaboration's own fields are its "collaboration"; ``children`` beside them."""
    return Node(
        "collaboration", Collaboration,
        "title challenge target_group description start_date end_date phase form period",
        one=True, root=True, types={"period": PERIOD}, after={"end_date": ("start_date", "after_start")},
        actor=("created_by",), carry=Carry("title challenge target_group description form", phase=Phase.AGENDASATTNING),
        children=children,
    )  # fmt: skip


# fmt: off
NODES = (
    Node("parties", Party, "organisation contribution is_coordinating", ref=True,
         nested={"organisation": ORGANISATION},
         carry=Carry("organisation contribution is_coordinating status requested_by answered_by answered_at")),
    Node("people", Membership, "name email role party", **_by("party_id"), select=("user",), computed=PEOPLE,
         carry=Carry("party user role")),
)
# fmt: on

EXCLUDED_MODELS = {
    Invitation: "tokens for this server's accounts: an import invites nobody (ImportResult.to_invite lists them)",
    Event: "this server's history of the collaboration: the import records its own event",
}
EXCLUDED = {
    Collaboration: {
        "previous_period": "links rows of this server: an import is a new collaboration (its period number is kept)",
        "archived": "an import is a new, ongoing collaboration",
        "require_mfa": "a security setting for this server's accounts: the coordinator chooses it again",
        "created_at": MADE_HERE,
        "updated_at": MADE_HERE,
    },
    Organisation: {
        **dict.fromkeys(
            ("municipality", "website", "contact_email"),
            "an import never changes an organisation: one registered here is matched by its number, another is"
            " made with name, sector and number only",
        ),
        "created_by": "the person importing, for an organisation the import makes",
        "created_at": MADE_HERE,
        "verified_at": "staff's verification on this server",
    },
    Party: {
        **dict.fromkeys(
            ("status", "requested_by", "answered_by", "answered_at"),
            "an import never grants: a party is pending unless the importer joins it or administers its organisation",
        ),
        "created_at": MADE_HERE,
    },
    Membership: {
        "user": "written as people[].name and .email: an import makes nobody a member (ImportResult.to_invite)",
        "records_decisions": "who may record a party's decision is its own choice, made again where it is imported",
        "created_at": MADE_HERE,
    },
}
