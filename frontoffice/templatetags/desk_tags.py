from django import template

from frontoffice.selectors import staff_post_branch
from participants.changes import value_shown

register = template.Library()


@register.simple_tag
def desk_queue_branch(user) -> str:
    """The staff menu's walk-in queue: the user's own branch, else the first open
    one ("" if none)."""
    return staff_post_branch(user=user)


@register.filter
def policy_value(value):
    """A policy value as the history shows it: a switch reads yes or no, as on
    every staff page (participants.changes)."""
    return value_shown("", value) if isinstance(value, bool) else value
