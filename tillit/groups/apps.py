from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "tillit.groups"
    label = "groups"

    def ready(self):
        from tillit.networks import views as network_views

        from . import (
            audit,  # noqa: F401
            selectors,
        )

        # "My networks" lists the person's peer groups; networks, a floor
        # below, need not know groups exist.
        network_views.set_peer_groups_source(selectors.groups_for_member)
