from django import template
from django.urls import reverse

from ..tokens import make_link_parts

register = template.Library()


@register.simple_tag
def invitation_path(person):
    """The path of a fresh invitation link for `person`; made when the mail is
    rendered, so no link is ever stored."""
    uidb64, token = make_link_parts(person)
    return reverse("accounts:activate", kwargs={"uidb64": uidb64, "token": token})
