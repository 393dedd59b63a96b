"""Links between the pages of a long list."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, param, number):
    """The current address with `param` set to `number` and every other query
    parameter (filters, the other lists' pages) kept, e.g. "?q=x&page=2"."""
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode()


@register.simple_tag
def request_max_bytes():
    """The largest request the server reads (REQUEST_MAX_BYTES): the page's
    script refuses larger files before they are sent."""
    return settings.REQUEST_MAX_BYTES
