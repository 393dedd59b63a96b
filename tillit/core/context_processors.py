import functools

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from .models import Organisation


def _roles(user):
    """(organiser, employer contact, named approver of a held seat) for a
    signed-in person, in one query."""
    if not (user and user.is_authenticated):
        return False, False, False
    staff = Organisation.staff.through.objects.filter(person=OuterRef("pk"))
    contact = Organisation.employer_contacts.through.objects.filter(
        person=OuterRef("pk")
    )
    # Looked up by name: core sits below the registrations app.
    held = apps.get_model("registrations", "Registration").objects.filter(
        approver=OuterRef("pk"), status="held"
    )
    organiser, employer, approver = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(Exists(staff), Exists(contact), Exists(held))
        .get()
    )
    return user.is_superuser or organiser, employer, approver


def site(request):
    """What every page needs: whether to show the organiser, employer and
    approvals links (organisers and employer contacts may approve too).
    Read lazily, so a page that does not show them costs no query."""
    user = getattr(request, "user", None)
    roles = functools.cache(lambda: _roles(user))
    return {
        "show_organiser_link": lambda: roles()[0],
        "show_employer_link": lambda: roles()[1],
        "show_approvals_link": lambda: any(roles()),
    }
