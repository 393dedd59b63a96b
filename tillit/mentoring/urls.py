from django.urls import path

from . import views

app_name = "mentoring"
urlpatterns = [
    path("mentoring/", views.home, name="home"),
    path("mentoring/programmes/<int:pk>/mentors/", views.pool, name="pool"),
    path("mentoring/programmes/<int:pk>/wishes/", views.wishes, name="wishes"),
    path("mentoring/pairs/<int:pk>/", views.pair_detail, name="pair"),
    path("mentoring/pairs/<int:pk>/meetings/", views.meeting_plan, name="meeting-plan"),
    path("mentoring/meetings/<int:pk>/held/", views.meeting_held, name="meeting-held"),
    path("mentoring/meetings/<int:pk>/", views.meeting_edit, name="meeting-edit"),
    path(
        "mentoring/meetings/<int:pk>/cancel/",
        views.meeting_cancel,
        name="meeting-cancel",
    ),
    path("mentoring/pairs/<int:pk>/notes/", views.note_add, name="note-add"),
    path("mentoring/pairs/<int:pk>/evaluation/", views.evaluate, name="evaluate"),
    path("mentoring/organiser/", views.organiser_home, name="organiser-home"),
    path(
        "mentoring/organiser/programmes/<int:pk>/",
        views.organiser_programme,
        name="organiser-programme",
    ),
    path(
        "mentoring/organiser/programmes/<int:pk>/set-up/",
        views.organiser_set_up,
        name="organiser-set-up",
    ),
    path(
        "mentoring/organiser/programmes/<int:pk>/mentors/add/",
        views.organiser_mentor_add,
        name="organiser-mentor-add",
    ),
    path(
        "mentoring/organiser/mentors/<int:pk>/",
        views.organiser_mentor_edit,
        name="organiser-mentor-edit",
    ),
    path(
        "mentoring/organiser/programmes/<int:pk>/matching/",
        views.organiser_matching,
        name="organiser-matching",
    ),
    path(
        "mentoring/organiser/programmes/<int:pk>/matching/run/",
        views.organiser_matching_run,
        name="organiser-matching-run",
    ),
    path(
        "mentoring/organiser/programmes/<int:pk>/matching/assign/",
        views.organiser_matching_assign,
        name="organiser-matching-assign",
    ),
    path(
        "mentoring/organiser/programmes/<int:pk>/matching/publish/",
        views.organiser_matching_publish,
        name="organiser-matching-publish",
    ),
    path(
        "mentoring/organiser/programmes/<int:pk>/pairs/",
        views.organiser_pairs,
        name="organiser-pairs",
    ),
]
