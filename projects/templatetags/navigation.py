from django import template

from projects.common.navigation import collaboration_nav as build

register = template.Library()


@register.simple_tag(takes_context=True)
def collaboration_nav(context, collaboration):
    """The collaboration's menu for the page being rendered (projects/common/navigation.py)."""
    match = getattr(context.get("request"), "resolver_match", None)
    request = context.get("request")
    return build(collaboration, match.url_name if match else "", getattr(request, "user", None))
