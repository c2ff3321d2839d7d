from django import template

from ..views import switch_links

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    return switch_links(context["request"])
