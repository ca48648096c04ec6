"""The public page of a decided agreement and the collaboration's page that switches it on: each
party's consent, publishing, withdrawing. Thin views over projects.publication.

The public views need no login and show only what queries.public_content takes from the decided
version: an address that is unknown or whose round is not published answers 404, a withdrawn one
410 with a neutral page. Nothing else of the collaboration is reachable from them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from projects.agreements import services as agreements
from projects.agreements.models import Agreement
from projects.common import pdf
from projects.core.models import Organisation
from projects.core.permissions import collaboration_required, policy
from projects.publication import permissions as perms
from projects.publication import queries
from projects.publication import services as publication
from projects.publication.models import Publication
from projects.publication.services import PublicationError

PAGE_SIZE = 25


def _agreement(collaboration):
    return Agreement.objects.filter(collaboration=collaboration).order_by("-period").first()


def _back(collaboration):
    return redirect("projects:publication", collaboration.pk)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def publication_page(request, collaboration):
    """Whether the decided agreement is public, each party's consent, and the buttons each may press."""
    agreement = _agreement(collaboration)
    version = queries.decided_version(agreement)
    context = {"collaboration": collaboration, "agreement": agreement, "version": version}
    if version is not None:
        current = publication.open_publication(version)
        deciding = publication.deciding_parties(version)
        consents = {c.party_id: c for c in current.consents.select_related("given_by")} if current else {}
        party = request.membership.party
        user = request.user
        context |= {
            "publication": current,
            "rows": [
                {"party": p, "consent": consents.get(p.pk)}
                for p in collaboration.parties.select_related("organisation").filter(pk__in=deciding)
            ],
            "all_consented": bool(current) and deciding <= consents.keys(),
            "my_party": party,
            "my_consent": consents.get(party.pk),
            "can_consent": party.pk in deciding
            and policy.user_has_permission(user, perms.CONSENT, collaboration, party),
            "can_publish": policy.user_has_permission(user, perms.PUBLISH, collaboration),
            "can_withdraw": policy.user_has_permission(user, perms.WITHDRAW, collaboration, party),
            "public_url": request.build_absolute_uri(reverse("projects:public_agreement", args=[current.slug]))
            if current and current.is_public
            else "",
        }
    context["earlier"] = (
        Publication.objects.filter(version__agreement__collaboration=collaboration, published_at__isnull=False)
        .exclude(pk=getattr(context.get("publication"), "pk", None))
        .select_related("version__agreement")
        .defer("version__content", "version__pdf")
    )
    return render(request, "projects/publication/publication.html", context)


def _decided(collaboration):
    version = queries.decided_version(_agreement(collaboration))
    if version is None:
        raise Http404
    return version


@login_required
@require_POST
@collaboration_required(perms.CONSENT)
def publication_consent(request, collaboration):
    """The person's party consents (``samtycke=ja``) or takes its consent back (``samtycke=nej``)."""
    version = _decided(collaboration)
    party = request.membership.party
    if not policy.user_has_permission(request.user, perms.CONSENT, collaboration, party):
        raise PermissionDenied
    give = request.POST.get("samtycke") != "nej"
    try:
        if give:
            publication.consent(version, party=party, user=request.user)
        else:
            publication.withdraw_consent(version, party=party, user=request.user)
    except PublicationError as error:
        messages.error(request, str(error))
    else:
        if give:
            messages.success(request, _("%(party)s samtycker till publicering.") % {"party": party})
        else:
            messages.success(request, _("%(party)s har tagit tillbaka sitt samtycke.") % {"party": party})
    return _back(collaboration)


@login_required
@require_POST
@collaboration_required(perms.PUBLISH)
def publication_publish(request, collaboration):
    version = _decided(collaboration)
    try:
        publication.publish(version, user=request.user)
    except PublicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Överenskommelsen är publicerad. Alla kan nu läsa den."))
    return _back(collaboration)


@login_required
@require_POST
@collaboration_required(perms.WITHDRAW)
def publication_withdraw(request, collaboration):
    """Take a published page of this collaboration down (``publicering``: its id; the open one by default)."""
    party = request.membership.party
    if not policy.user_has_permission(request.user, perms.WITHDRAW, collaboration, party):
        raise PermissionDenied
    found = Publication.objects.filter(version__agreement__collaboration=collaboration, published_at__isnull=False)
    posted = request.POST.get("publicering", "")
    if posted.isdigit() and len(posted) < 19:
        found = found.filter(pk=int(posted))
    else:
        found = found.filter(withdrawn_at__isnull=True)
    item = found.order_by("-published_at").first()
    if item is None:
        raise Http404
    try:
        publication.withdraw(item, user=request.user)
    except PublicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Publiceringen är återkallad. Sidan visas inte längre."))
    return _back(collaboration)


# The public pages: no login ----------------------------------------------------------------------


def _public(slug):
    """The publication on show behind ``slug``; 404 for an unknown or unpublished one, and for a
    withdrawn one None (the caller answers 410)."""
    item = queries.by_slug(slug)
    if item is None:
        raise Http404
    return item if item.is_public else None


def _gone(request):
    return render(request, "projects/publication/public_gone.html", status=410)


@require_GET
def public_agreement(request, slug):
    item = _public(slug)
    if item is None:
        return _gone(request)
    version = item.version
    url = reverse("projects:public_agreement", args=[item.slug])
    return render(
        request,
        "projects/publication/public_agreement.html",
        {
            "publication": item,
            "version": version,
            "c": queries.public_content(version),
            "canonical": request.build_absolute_uri(url),
            "pdf_url": reverse("projects:public_agreement_pdf", args=[item.slug]),
            "check_url": reverse("projects:document_check"),
        },
    )


@require_GET
def public_agreement_pdf(request, slug):
    """The decided version's PDF, as the parties have it (the kept file when there is one)."""
    item = _public(slug)
    if item is None:
        return _gone(request)
    version = item.version
    name = f"{slugify(version.agreement.title)[:60] or 'overenskommelse'}-v{version.number}-{version.short_hash}.pdf"
    return pdf.response(agreements.version_pdf(version), name)


@require_GET
def public_agreements(request):
    """Every agreement on show, newest first."""
    page = Paginator(queries.public(), PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(request, "projects/publication/public_list.html", {"page": page, "organisation": None})


@require_GET
def public_org_agreements(request, org_pk):
    """One organisation's agreements on show; 404 when it has none (nothing is said of the others)."""
    organisation = get_object_or_404(Organisation, pk=org_pk)
    found = queries.published_for(organisation)
    if not found.exists():
        raise Http404
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(request, "projects/publication/public_list.html", {"page": page, "organisation": organisation})
