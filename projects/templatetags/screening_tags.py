"""``{% screening_summary collaboration as summary %}``: the legal screening's answered count and
warnings for the agreement page while it is a draft (projects.screening)."""

from django import template

from projects.screening import services as screening

register = template.Library()


@register.simple_tag
def screening_summary(collaboration, agreement=None):
    return screening.summary(collaboration, agreement)
