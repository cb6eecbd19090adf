"""Help links other apps put on their pages: `{% load tutorial_help %}`.

`{% help_link "good-selfie" %}` links the matching tutorial (its title in the page's
language); `{% blocked_help %}` shows the "when blocked" tutorial and the desks;
`{% desk_help what %}` shows the desks for anything else a desk does (`what`).
"""

from django import template
from django.urls import reverse

from ..models import Tutorial
from ..selectors import branch_list

register = template.Library()


@register.inclusion_tag("tutorials/_help_link.html")
def help_link(slug: str) -> dict:
    tutorial = Tutorial.objects.filter(slug=slug, is_published=True).first()
    if tutorial is None:
        return {"url": reverse("home") + "#tutorials", "title": ""}
    return {"url": tutorial.get_absolute_url(), "title": tutorial.title}


@register.inclusion_tag("tutorials/_blocked_help.html")
def blocked_help() -> dict:
    return {**help_link("when-blocked"), "branches": list(branch_list())}


@register.inclusion_tag("tutorials/_desk_help.html")
def desk_help(what: str) -> dict:
    """The desks, for a visit that is not about a block: `what` says what to bring
    and what the officer does there."""
    return {"what": what, "branches": list(branch_list())}


@register.filter
def mmss(milliseconds: int | None) -> str:
    seconds = round((milliseconds or 0) / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"
