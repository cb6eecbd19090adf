"""The latest inbox messages on another app's page (the dashboard) without that
app importing notifications: `{% load inbox %}{% inbox_latest participant %}`."""

from django import template

from notifications.selectors import notification_list

register = template.Library()
ON_DASHBOARD = 5


@register.inclusion_tag("notifications/_latest.html", takes_context=True)
def inbox_latest(context, participant, limit: int = ON_DASHBOARD) -> dict:
    return {
        "notifications": list(notification_list(participant=participant)[:limit]),
        "csrf_token": context.get("csrf_token"),
    }
