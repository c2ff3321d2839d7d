"""``{% redacted value owner_office as name %}``: free text or an import's error list with the NIKs and phone numbers
masked unless the signed-in user's office owns it (smarteconomy.roles.redact_for).
``{% free_text record "field" %}``: a record's free-text field (one its model lists in ``free_text_fields``) as the
signed-in user may see it (smarteconomy.roles.free_text_for)."""

from django import template

from smarteconomy.roles import free_text_for, redact_for

register = template.Library()


@register.simple_tag(takes_context=True)
def redacted(context, value, owner_office):
    request = context.get("request")
    return redact_for(getattr(request, "user", None), owner_office, value)


@register.simple_tag(takes_context=True)
def free_text(context, record, field_name):
    request = context.get("request")
    return free_text_for(getattr(request, "user", None), type(record), field_name, getattr(record, field_name))
