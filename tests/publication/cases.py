"""Permission-matrix cases for the publication (projects/publication/, merged into
tests/test_permission_matrix.py).

The collaboration's page: members read it. Consent: those who record their own party's decisions
(the coordinator Exempelkommun's, as nobody is marked; the editor Föreningen Gemenskap's, which has
no coordinator); a reader never. Publishing: coordinators, once every party consented. Withdrawing:
a coordinator, or one who records their own party's decisions (the editor). The public pages need no
login: everyone, the anonymous included, reads a published agreement, its PDF and the lists.
"""

from tests.matrix import EDIT, MANAGE, MEMBERS_VIEW, PUBLIC, PUBLIC_PAGE, Case, pk

# Each builds on what is there: the browser crawl (tests/browser/test_every_page.py) calls them one
# after another on the same committed world.


def _decided(ctx):
    from projects.agreements.models import AgreementVersion
    from tests.factories import decided_version

    decided = AgreementVersion.objects.filter(agreement=ctx["agreement"], status=AgreementVersion.Status.DECIDED)
    ctx["version"] = decided.first() or decided_version(ctx["agreement"])
    return pk(ctx)


def _all_consented(ctx):
    from projects.publication import services
    from projects.publication.models import PublicationConsent

    _decided(ctx)
    for party in ctx["collaboration"].parties.all():
        given = PublicationConsent.objects.filter(
            publication__version=ctx["version"], publication__withdrawn_at__isnull=True, party=party
        )
        if not given.exists():
            services.consent(ctx["version"], party=party, user=ctx["users"]["coordinator"])
    ctx["publication"] = services.open_publication(ctx["version"])
    return pk(ctx)


def _published(ctx):
    from projects.publication import services

    _all_consented(ctx)
    if not ctx["publication"].published_at:
        ctx["publication"] = services.publish(ctx["version"], user=ctx["users"]["coordinator"])
    return pk(ctx)


def _slug(ctx):
    _published(ctx)
    return {"slug": ctx["publication"].slug}


def _pdf_slug(ctx):
    """The PDF kept once (as the task does after the last decision), so that each role's download is quick."""
    from projects.agreements import services as agreements

    kwargs = _slug(ctx)
    agreements.version_pdf(ctx["version"], keep=True)
    return kwargs


def _org(ctx):
    _published(ctx)
    return {"org_pk": ctx["civil_party"].organisation.pk}


def _consents(ctx):
    from projects.publication.models import PublicationConsent

    return sorted(PublicationConsent.objects.values_list("party_id", flat=True))


def _publications(ctx):
    from projects.publication.models import Publication

    return list(Publication.objects.order_by("pk").values_list("pk", "published_at", "withdrawn_at"))


CASES = {
    "projects:publication": Case(kwargs=_decided, expect=MEMBERS_VIEW, perm="publication.view"),
    "projects:publication_consent": Case(
        kwargs=_decided,
        method="post",
        data=lambda ctx: {"samtycke": "ja"},
        expect=EDIT,
        effect=_consents,
        perm="publication.consent",
    ),
    "projects:publication_publish": Case(
        kwargs=_all_consented, method="post", expect=MANAGE, effect=_publications, perm="publication.publish"
    ),
    "projects:publication_withdraw": Case(
        kwargs=_published, method="post", expect=EDIT, effect=_publications, perm="publication.withdraw"
    ),
    "projects:public_agreement": Case(kwargs=_slug, expect=PUBLIC, perm=PUBLIC_PAGE),
    "projects:public_agreement_pdf": Case(kwargs=_pdf_slug, expect=PUBLIC, perm=PUBLIC_PAGE),
    "projects:public_agreements": Case(kwargs=lambda ctx: _published(ctx) and {}, expect=PUBLIC, perm=PUBLIC_PAGE),
    "projects:public_agreements_of": Case(kwargs=_org, expect=PUBLIC, perm=PUBLIC_PAGE),
}
