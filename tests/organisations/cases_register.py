"""Permission-matrix cases for an organisation's register of collaborations
(projects/organisations/register_views.py).

The register (the page and the spreadsheet) belongs to the organisation's own people, members and
administrators alike, whether or not they are in the collaborations listed. The matrix asks about
Föreningen Gemenskap, the matrix collaboration's civil-society party: the editor (Bo) joined it first
and administers it, the reader (Cecilia) is a plain member, so both get in. The coordinator (Anna)
acts for the other party, Exempelkommun: being in the same collaboration does not open another
organisation's register (403), and neither does being nobody's member (the outsider, 403: an
organisation's name and existence are public, only its register is not). Anonymous: log in.

The decided agreement is for administrators only, of an organisation that is an accepted party: the
matrix asks about Exempelkommun, which Anna administers, so the GET walk (tests/test_get_is_safe.py)
downloads it as her and checks that nothing is written. ``kwargs`` makes the matrix agreement's
version 1 decided by every party, with no PDF kept yet (as between the last decision and the task that
keeps it): the PDF is rendered for the download. Bo administers Föreningen Gemenskap, a party too,
but not Exempelkommun (403); Cecilia is not in Exempelkommun (403); nor is the outsider (403).
"""

from tests.matrix import LOGIN, OK, Case


def _civil_org(ctx):
    return {"org_pk": ctx["civil_party"].organisation.pk}


def _decided(ctx):
    """The matrix agreement's version 1, decided by every party; the URL of Exempelkommun's copy."""
    from tests.factories import decided_version

    collaboration = ctx["collaboration"]
    decided_version(ctx["agreement"])
    kommun = collaboration.parties.get(is_coordinating=True).organisation
    return {"org_pk": kommun.pk, "pk": collaboration.pk}


REGISTER = {"anonymous": LOGIN, "outsider": 403, "reader": OK, "editor": OK, "coordinator": 403}

CASES = {
    "projects:org_register": Case(kwargs=_civil_org, expect=REGISTER, perm="organisations.view_register"),
    "projects:org_register_csv": Case(kwargs=_civil_org, expect=REGISTER, perm="organisations.view_register"),
    "projects:org_decided_agreement": Case(
        kwargs=_decided,
        expect={"anonymous": LOGIN, "outsider": 403, "reader": 403, "editor": 403, "coordinator": OK},
        perm="organisations.read_decided_agreements",
    ),
}
