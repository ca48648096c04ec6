"""Permission-matrix cases for the official's decision memo (merged into tests/test_permission_matrix.py).

In the matrix's collaboration the coordinator (Anna) is of the municipality, a public party, and the
editor and the reader (Bo, Cecilia) of the association. The memo is the public party's: its writers
(here the coordinator) see the page, save it and download it; the association's editor is refused by
the permission's rule (a public party), the reader by the role level."""

from tests.matrix import LOGIN, OK, Case, pk

PUBLIC_WRITERS = {"anonymous": LOGIN, "outsider": 404, "reader": 403, "editor": 403, "coordinator": OK}


def _memos(ctx):
    from projects.memo.models import DecisionMemo

    return list(
        DecisionMemo.objects.filter(collaboration=ctx["collaboration"]).values_list("party_id", "committee", "version")
    )


def _posted(ctx):
    from projects.memo.models import DecisionMemo

    memo = DecisionMemo.objects.filter(collaboration=ctx["collaboration"]).first()
    return {
        "committee": "Socialnämnden",
        "record_number": "SN 2026/17",
        "official_name": "Anna Andersson",
        "official_title": "Utvecklingsstrateg",
        "proposal": "Socialnämnden beslutar att ingå idéburet offentligt partnerskap enligt bilaga 1.",
        "version": str(memo.version if memo else 0),
    }


CASES = {
    # Its instance rule: a writer of a public party (role_check=False: the editor is refused by the rule).
    # The page's POST (saving); its GET is asked as every role in tests/memo/test_memo.py.
    "projects:memo": Case(
        kwargs=pk,
        method="post",
        data=_posted,
        expect=PUBLIC_WRITERS,
        effect=_memos,
        perm="memo.prepare",
        role_check=False,
    ),
    "projects:memo_docx": Case(kwargs=pk, expect=PUBLIC_WRITERS, perm="memo.prepare", role_check=False),
    "projects:memo_pdf": Case(kwargs=pk, expect=PUBLIC_WRITERS, perm="memo.prepare", role_check=False),
}
