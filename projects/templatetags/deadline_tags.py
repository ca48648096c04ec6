"""``{% deadline_state date done as state %}``: where a deadline stands today ("done", "overdue",
"today", "upcoming"), for templates/projects/common/deadline.html."""

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag
def deadline_state(day, done=False):
    if day is None:
        return ""
    if done:
        return "done"
    today = timezone.localdate()
    if day < today:
        return "overdue"
    return "today" if day == today else "upcoming"
