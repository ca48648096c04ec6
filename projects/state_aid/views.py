"""De minimis aid: a collaboration's page (its civil-society parties' running totals, its grants, the
form to record one) and a public organisation's page (its grants in and outside the app, the form for
aid granted outside it, a lookup of any organisationsnummer's totals, the export for the central
register). Thin views over projects.state_aid; every form works without JavaScript, and with HTMX an
invalid form is answered 422 with its part of the page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from projects.core.permissions import collaboration_required, policy
from projects.organisations.permissions import Perm, organisation_required
from projects.state_aid import permissions as perms
from projects.state_aid import queries
from projects.state_aid import services as aid
from projects.state_aid.forms import CollaborationGrantForm, LookupForm, OutsideGrantForm
from projects.state_aid.models import CEILINGS, Ground

PAGE = "projects/state_aid/collaboration.html"
ORG_PAGE = "projects/state_aid/organisation.html"
PAGE_SIZE = 25


def _context():
    return {"ceiling_general": CEILINGS[Ground.GENERAL], "ceiling_sgei": CEILINGS[Ground.SGEI]}


def _recipients(collaboration):
    """The collaboration's civil-society parties (the possible recipients)."""
    parties = collaboration.parties.select_related("organisation").order_by("organisation__name")
    return [p for p in parties if not p.organisation.is_public]


def _granting_party(request, collaboration):
    """The person's party when they may record a grant for it, else None."""
    membership = request.membership
    if policy.user_has_permission(request.user, perms.RECORD, collaboration, membership.party):
        return membership.party
    return None


def _saved_message(request, recorded):
    grant = recorded.grant
    messages.success(
        request,
        _("Stödet till %(name)s är registrerat: %(eur)s euro.")
        % {"name": grant.recipient_name, "eur": aid.format_amount(grant.amount_eur, 2)},
    )
    if recorded.warning:
        worst = max(recorded.totals.lines, key=lambda line: line.share)
        messages.warning(
            request,
            _("%(name)s har nu fått %(percent)s %% av taket på %(ceiling)s euro under de senaste tre åren.")
            % {"name": grant.recipient_name, "percent": worst.percent, "ceiling": aid.format_amount(worst.ceiling)},
        )


def _record(request, form, granted_by, collaboration=None):
    """Validate the form and record its grant; True when saved (with the messages), False with the
    form's errors (the service's refusal at a ceiling shows the reason field)."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        recorded = aid.record_grant(
            granted_by=granted_by,
            org_number=data["org_number"],
            recipient_name=data["recipient_name"],
            ground=data["ground"],
            amount_sek=data["amount_sek"],
            sek_per_eur=data["sek_per_eur"],
            granted_on=data["granted_on"],
            description=data["description"],
            reason=data["over_ceiling_reason"],
            user=request.user,
            collaboration=collaboration,
        )
    except aid.CeilingExceeded as error:
        form.over_ceiling(error)
        return False
    except ValidationError as error:
        form.add_error("recipient_name" if error.code == "name" and "recipient_name" in form.fields else None, error)
        return False
    _saved_message(request, recorded)
    return True


def _done(request, url):
    """After a saved grant: the page again, with its new totals and the message (with HTMX, the
    browser goes there too: the totals and the list change with the form)."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _collaboration_page(request, collaboration, form=None, status=200):
    parties = _recipients(collaboration)
    granting_party = _granting_party(request, collaboration)
    numbers = [p.organisation.org_number for p in parties if p.organisation.org_number]
    totals = queries.totals_for(numbers)
    for party in parties:
        party.aid_totals = totals.get(party.organisation.org_number)
    my_org = request.membership.party.organisation if request.membership.party_id else None
    own = my_org if my_org is not None and my_org.is_public else None
    grants = Paginator(queries.visible_grants(collaboration, own, numbers), PAGE_SIZE).get_page(request.GET.get("sida"))
    for grant in grants:
        grant.shown_here = grant.collaboration_id == collaboration.pk
    if form is None and granting_party is not None and parties:
        form = CollaborationGrantForm(parties=parties, auto_id="aid-%s")
    template = f"{PAGE}#grant-form" if request.htmx and status != 200 else PAGE
    context = _context() | {
        "collaboration": collaboration,
        "parties": parties,
        "granting_party": granting_party,
        "own_organisation": own,
        "page": grants,
        "form": form,
    }
    return render(request, template, context, status=status)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def collaboration_page(request, collaboration):
    return _collaboration_page(request, collaboration)


@login_required
@require_POST
@collaboration_required(perms.RECORD)
def collaboration_record(request, collaboration):
    party = _granting_party(request, collaboration)
    if party is None:
        raise PermissionDenied
    parties = _recipients(collaboration)
    form = CollaborationGrantForm(request.POST, parties=parties, auto_id="aid-%s")
    if _record(request, form, party.organisation, collaboration):
        return _done(request, reverse("projects:state_aid", args=[collaboration.pk]))
    return _collaboration_page(request, collaboration, form=form, status=422 if request.htmx else 200)


# A public organisation's page ------------------------------------------------------------------------


def _public(organisation):
    if not organisation.is_public:
        raise Http404
    return organisation


def _organisation_page(request, organisation, form=None, status=200):
    may_record = perms.may_record_outside(request.user, organisation)
    if form is None and may_record:
        form = OutsideGrantForm(auto_id="out-%s")
    lookup = LookupForm(request.GET or None, auto_id="lookup-%s")
    looked_up = None
    if "orgnr" in request.GET and lookup.is_valid():
        number = lookup.cleaned_data["orgnr"]
        looked_up = {
            "totals": queries.totals(number),
            "organisation": aid.organisation_for(number),
        }
    grants = Paginator(queries.granted_by(organisation), PAGE_SIZE).get_page(request.GET.get("sida"))
    template = f"{ORG_PAGE}#outside-form" if request.htmx and status != 200 else ORG_PAGE
    context = _context() | {
        "organisation": organisation,
        "perms": request.org_perms,
        "may_record": may_record,
        "form": form,
        "lookup": lookup,
        "looked_up": looked_up,
        "page": grants,
        "page_query": f"orgnr={lookup.data.get('orgnr', '')}" if looked_up else "",
    }
    return render(request, template, context, status=status)


@require_GET
@organisation_required(Perm.VIEW_REGISTER)
def organisation_page(request, organisation):
    return _organisation_page(request, _public(organisation))


@require_POST
@organisation_required(Perm.VIEW_REGISTER)
def organisation_record(request, organisation):
    _public(organisation)
    if not perms.may_record_outside(request.user, organisation):
        raise PermissionDenied
    form = OutsideGrantForm(request.POST, auto_id="out-%s")
    if _record(request, form, organisation):
        return _done(request, reverse("projects:org_state_aid", args=[organisation.pk]))
    return _organisation_page(request, organisation, form=form, status=422 if request.htmx else 200)


@require_GET
@organisation_required(Perm.VIEW_REGISTER)
def organisation_csv(request, organisation):
    return aid.register_csv(_public(organisation))
