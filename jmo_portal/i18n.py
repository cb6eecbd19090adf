"""Texts the portal stores once and shows in each reader's language.

A service stores the English source text (a msgid, marked with gettext_noop) and
its parameters; pages and APIs translate it when they show it. A row written
before this stored text already translated: it is not a msgid, so it comes back
as it was stored."""

from django.utils.translation import gettext


def stored_text(msgid: str, params: dict | None = None) -> str:
    """`msgid` in the active language, with `params` filled in."""
    if not msgid:
        return msgid
    text = gettext(msgid)
    return text % params if params else text
