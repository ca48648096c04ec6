"""Permission-matrix cases for de minimis aid (projects/state_aid/urls.py).

In the matrix's collaboration the coordinator (Anna) acts for Exempelkommun, a public party; the editor
(Bo) and the reader act for Föreningen Gemenskap, the civil-society party. Every member reads the
collaboration's page; a grant is recorded by an editor or coordinator of a public party (so Bo, an
editor of the civil-society party, is refused with 403 by the permission's instance rule: the case's
outcome depends on more than the role level). The organisation's pages are Exempelkommun's: its
members (the coordinator administers it) read them and record aid granted outside the app; the
others are outside it (403).
"""

from tests.matrix import LOGIN, MEMBERS_VIEW, OK, Case, pk

KOMMUN_MEMBERS = {"anonymous": LOGIN, "outsider": 403, "reader": 403, "editor": 403, "coordinator": OK}
PUBLIC_WRITERS = {"anonymous": LOGIN, "outsider": 404, "reader": 403, "editor": 403, "coordinator": OK}


def _kommun(ctx):
    return ctx["collaboration"].parties.get(is_coordinating=True).organisation


def kommun_org(ctx):
    return {"org_pk": _kommun(ctx).pk}


def _grants(ctx):
    from projects.state_aid.models import AidGrant

    return list(AidGrant.objects.order_by("pk").values_list("pk", "recipient_org_number", "amount_sek"))


def _collaboration_grant(ctx):
    gemenskap = ctx["civil_party"].organisation
    if not gemenskap.org_number:
        gemenskap.org_number = "802000-1239"
        gemenskap.save()
    return {
        "party": str(ctx["civil_party"].pk),
        "ground": "general",
        "amount_sek": "100 000",
        "sek_per_eur": "11,2345",
        "granted_on": "2026-03-01",
        "description": "Verksamhetsbidrag",
    }


OUTSIDE_GRANT = {
    "org_number": "556677-8899",
    "recipient_name": "Föreningen Utanför",
    "ground": "sgei",
    "amount_sek": "50 000",
    "sek_per_eur": "11,5",
    "granted_on": "2026-02-01",
    "description": "Bidrag till fritidsgård",
}

CASES = {
    "projects:state_aid": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="state_aid.view"),
    "projects:state_aid_record": Case(
        kwargs=pk,
        method="post",
        data=_collaboration_grant,
        expect=PUBLIC_WRITERS,
        effect=_grants,
        perm="state_aid.record",
        role_check=False,
    ),
    "projects:org_state_aid": Case(kwargs=kommun_org, expect=KOMMUN_MEMBERS, perm="organisations.view_register"),
    "projects:org_state_aid_record": Case(
        kwargs=kommun_org,
        method="post",
        data=lambda ctx: dict(OUTSIDE_GRANT),
        expect=KOMMUN_MEMBERS,
        effect=_grants,
        perm="organisations.view_register",
    ),
    "projects:org_state_aid_csv": Case(kwargs=kommun_org, expect=KOMMUN_MEMBERS, perm="organisations.view_register"),
}
