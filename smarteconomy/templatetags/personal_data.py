"""``{% redacted value owner_office as name %}``: free text or an import's error list with the NIKs and phone numbers
masked unless the signed-in user's office owns it (smarteconomy.roles.redact_for)."""

from django import template

from smarteconomy.roles import redact_for

register = template.Library()


@register.simple_tag(takes_context=True)
def redacted(context, value, owner_office):
    request = context.get("request")
    return redact_for(getattr(request, "user", None), owner_office, value)
