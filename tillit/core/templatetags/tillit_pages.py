"""Links between the pages of a long list."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, param, number):
    """The current address with `param` set to `number` and every other query
    parameter (filters, the other lists' pages) kept, e.g. "?q=x&page=2"."""
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode()
