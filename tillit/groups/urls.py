from django.urls import path

from . import views

app_name = "groups"
urlpatterns = [
    path("groups/", views.home, name="home"),
    path("groups/rounds/new/", views.round_create, name="round-create"),
    path("groups/rounds/<int:pk>/", views.round_detail, name="round"),
    path(
        "groups/rounds/<int:pk>/settings/", views.round_settings, name="round-settings"
    ),
    path("groups/rounds/<int:pk>/apply/", views.apply, name="apply"),
    path("groups/rounds/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "groups/rounds/<int:pk>/accept-waiting/",
        views.accept_waiting,
        name="accept-waiting",
    ),
    path("groups/rounds/<int:pk>/add-network/", views.add_network, name="add-network"),
    path(
        "groups/rounds/<int:pk>/facilitators/",
        views.facilitator_add,
        name="facilitator-add",
    ),
    path("groups/rounds/<int:pk>/themes/", views.theme_add, name="theme-add"),
    path("groups/rounds/<int:pk>/propose/", views.propose, name="propose"),
    path("groups/rounds/<int:pk>/proposal/", views.proposal, name="proposal"),
    path(
        "groups/rounds/<int:pk>/proposal/status/",
        views.proposal_status,
        name="proposal-status",
    ),
    path(
        "groups/rounds/<int:pk>/proposal/move/",
        views.proposal_move,
        name="proposal-move",
    ),
    path(
        "groups/rounds/<int:pk>/proposal/way-out/",
        views.proposal_way_out,
        name="proposal-way-out",
    ),
    path("groups/rounds/<int:pk>/publish/", views.publish, name="publish"),
    path("groups/rounds/<int:pk>/continue/", views.continue_round, name="continue"),
    path(
        "groups/applications/<int:pk>/decide/",
        views.application_decide,
        name="application-decide",
    ),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/agreement/", views.agreement_write, name="agreement"),
    path("groups/<int:pk>/meetings/", views.meeting_add, name="meeting-add"),
    path("groups/meetings/<int:pk>/", views.meeting_edit, name="meeting-edit"),
    path("groups/<int:pk>/log/", views.log_add, name="log-add"),
]
