"""``{{ value|goal_number }}``: an indicator's number as the page shows it (projects.goals)."""

from django import template

from projects.goals import services as goals

register = template.Library()


@register.filter
def goal_number(value):
    return goals.display_number(value)
