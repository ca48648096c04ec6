"""Reading organisations: search, and what waits for an organisation's people."""

from django.core.exceptions import ValidationError
from django.db.models import Q

from projects.common.validators import normalise_org_number
from projects.core.models import Organisation


def search_organisations(query, collaboration=None):
    query = (query or "").replace("\x00", "").strip()[:100]
    if not query:
        return Organisation.objects.none()
    condition = Q(name__icontains=query)
    try:
        condition |= Q(org_number=normalise_org_number(query))
    except ValidationError:
        digits = "".join(c for c in query if c.isdigit())
        if len(digits) >= 4:
            condition |= Q(org_number__contains=digits[:6])
    results = Organisation.objects.with_verified().filter(condition)
    if collaboration is not None:
        results = results.exclude(parties__collaboration=collaboration)
    return results.order_by("name")[:20]


def waiting_for(user):
    """The person's organisations with what waits for them there: requests to be a party (any member
    answers) and requests to join (administrators answer). One query; only those with something."""
    from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from projects.core.models import Party, PartyStatus
    from projects.organisations.models import JoinRequest, OrganisationMember, OrgRole

    def count(queryset):
        counted = queryset.order_by().values("organisation").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    admin = OrganisationMember.objects.filter(organisation=OuterRef("pk"), user=user, role=OrgRole.ADMIN)
    rows = (
        Organisation.objects.filter(members__user=user)
        .annotate(
            party_requests=count(Party.objects.filter(organisation=OuterRef("pk"), status=PartyStatus.PENDING)),
            open_join_requests=count(JoinRequest.objects.filter(organisation=OuterRef("pk"), answered_at__isnull=True)),
            is_admin=Exists(admin),
        )
        .order_by("name")
    )
    return [row for row in rows if row.party_requests or (row.is_admin and row.open_join_requests)]
