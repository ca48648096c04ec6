"""The budget on the agreement page (templates/projects/agreements/agreement.html): the table of its
finances section, from a locked or decided version's own content, or a draft's live budget."""

from django import template

from projects.budget import queries

register = template.Library()


@register.simple_tag
def agreement_budget(agreement, version=None):
    return queries.agreement_budget(agreement, version)
