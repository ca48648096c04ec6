"""Reading organisations: search, and what waits for an organisation's people."""

from django.core.exceptions import ValidationError
from django.db.models import Q

from projects.models import Organisation
from projects.validators import normalise_org_number


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
