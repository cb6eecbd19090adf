"""Help links other apps put on their pages: `{% load tutorial_help %}`.

`{% help_link "good-selfie" %}` links the matching tutorial (its title in the page's
language); `{% blocked_help %}` shows the "when blocked" tutorial and the desks.
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


@register.filter
def mmss(milliseconds: int | None) -> str:
    seconds = round((milliseconds or 0) / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"
