"""Texts kept as data: a message stored untranslated, with its parameters, and translated when shown.

A text written by a nightly task or a service (a computed note, a machine's reason) is read later by people in
either language; stored already translated it would stay in the language of whoever (or whatever) wrote it.
``text()`` keeps the untranslated message (marked with ``gettext_noop``) and its parameters (JSON values, or
texts themselves); ``render_text()`` says it in the active language. A plain string (data typed by a person,
such as a source's name) is shown as it is."""

from django.utils.translation import gettext


def text(message, **params):
    """A stored text: the untranslated message and its parameters (JSON values, or texts)."""
    return {"message": str(message), "params": params}


def render_text(value):
    """A stored text in the active language; a parameter that is itself a text is translated too."""
    if isinstance(value, dict) and "message" in value:
        message = gettext(value["message"])
        params = {
            key: render_text(param) if isinstance(param, dict) else param
            for key, param in (value.get("params") or {}).items()
        }
        return message % params if params else message
    return "" if value is None else str(value)
