"""Ask first: every destructive or mass action shows what it will do, with a
count, on a page of its own, and acts only when that page's form is posted.

A view that changes many things or cannot be undone starts with

    if not confirm.is_confirmed(request):
        return confirm.ask_first(request, title=..., consequences=[...], ...)

GET shows the page; a POST without the confirmation (a form from an older
page, a script) shows it too, with the posted fields carried over; an HTMX
POST is sent to the page (HX-Redirect), so no row or partial is swapped for
it. Only the page's own button, which posts `confirmed=yes`, lets the view
act. Everything works without JavaScript.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.shortcuts import render
from django_htmx.http import HttpResponseClientRedirect

FIELD = "confirmed"
SKIPPED = {FIELD, "csrfmiddlewaretoken"}


@dataclass(frozen=True)
class Question:
    """What the confirmation page asks."""

    title: str
    consequences: list
    button: str
    back_url: str
    refusal: str = ""


def is_confirmed(request):
    return request.method == "POST" and request.POST.get(FIELD) == "yes"


def _fields(data):
    return [
        (name, value)
        for name in data
        if name not in SKIPPED
        for value in data.getlist(name)
    ]


def ask_first(
    request, *, title, consequences, button, back_url, refusal="", status=200
):
    """The confirmation page: `consequences` are sentences (with counts) of
    what will happen; `refusal`, when set, explains why it cannot happen and
    the page offers no button."""
    data = request.POST if request.method == "POST" else request.GET
    fields = _fields(data)
    if request.method == "POST" and request.htmx:
        query = f"?{urlencode(fields)}" if fields else ""
        return HttpResponseClientRedirect(request.path + query)
    question = Question(title, list(consequences), button, back_url, refusal)
    context = {"question": question, "fields": fields, "action": request.path}
    return render(request, "core/confirm.html", context, status=status)
