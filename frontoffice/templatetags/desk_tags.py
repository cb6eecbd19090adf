from django import template

from participants.changes import value_shown
from tutorials.selectors import branch_list

register = template.Library()


@register.simple_tag
def desk_queue_branch() -> str:
    """The staff menu's walk-in queue: the first open branch's code ("" if none).
    A staff login names no branch of its own (yet)."""
    branch = branch_list().first()
    return branch.code if branch else ""


@register.filter
def policy_value(value):
    """A policy value as the history shows it: a switch reads yes or no, as on
    every staff page (participants.changes)."""
    return value_shown("", value) if isinstance(value, bool) else value
