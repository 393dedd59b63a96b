"""Receivers that connect networks to apps that must not know about them."""

from . import services


def alumni_recorded(sender, instance, created, raw=False, **kwargs):
    """A new alumnus joins the programme's alumni network."""
    if created and not raw:
        services.join_alumni(instance.programme, instance.person)
