"""Messages of Django and Django REST framework that Tillit's catalogue words
differently, or that their catalogues lack.

Listed with gettext_noop so that makemessages keeps them in locale/*/django.po;
the project catalogue (LOCALE_PATHS) wins over the libraries' own. Swedish says
"e-postadress" (DRF: "mejladress"), and Django 6's empty choice "- Select an
option -" has no Swedish or Finnish translation of its own yet.
"""

from django.utils.translation import gettext_noop

MESSAGES = (
    gettext_noop("- Select an option -"),
    gettext_noop("Enter a valid email address."),
)
